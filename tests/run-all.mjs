#!/usr/bin/env node
// Every test Keepsake has: type check (svelte-check), then unit and browser tests (vitest).
// Ends with one line "N passed, N failed" so any CI can read the result.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;

const typecheck = run(['node_modules/svelte-check/bin/svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']);
mkdirSync('test-results', { recursive: true });
const vitest = run(['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json', ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync('test-results/vitest.json')) {
  const result = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests;
  skipped = result.numPendingTests + (result.numTodoTests ?? 0);
}
if (typecheck !== 0) failed += 1;
else passed += 1;
if (vitest !== 0 && failed === 0) failed += 1; // vitest failed outside any test (e.g. a setup error)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && vitest === 0 && typecheck === 0 ? 0 : 1);
