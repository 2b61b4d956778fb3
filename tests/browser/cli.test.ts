/** The headless `book` command: the product's batch mode and the contract other tests read. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../cli/serve';
import type { Report } from '../../src/pipeline/report/report';
import { CORPUS, expectedTakenAt, manifest } from '../corpus';

const book = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'cli/book.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, KEEPSAKE_SKIP_BUILD: '1' }, timeout: 600_000,
  });

describe('npm run book', () => {
  it('imports a folder and writes a report that matches the manifest', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'keepsake-cli-')), 'r.json');
    const run = book(join(CORPUS, 'photos'), '--report', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/done: 90 imported/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.schema).toBe('keepsake-report/1');
    for (const file of manifest().files) {
      const photo = report.photos.find((p) => p.id === file.sha256);
      expect(photo, file.path).toBeDefined();
      expect(photo!.paths).toEqual([file.path.replace(/^photos\//, '')]);
      expect([photo!.width, photo!.height], file.path).toEqual([file.width, file.height]);
      const takenAt = expectedTakenAt(file);
      if (takenAt) expect(photo!.takenAt, file.path).toBe(takenAt);
    }
  });

  it('exits 2 with a usage message on bad arguments', () => {
    const missing = book(join(ROOT, 'no-such-folder'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/is not a folder/);
    const unknown = book(join(CORPUS, 'photos'), '--frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --frobnicate/);
    expect(book().status).toBe(2);
  });
});
