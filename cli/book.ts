/**
 * `npm run book -- <folder> --report report.json`: Keepsake's batch mode. It serves the built
 * app, drives the real app in headless Chromium through the same folder input a person uses,
 * and writes the report (DESIGN.md §4). Progress goes to stderr.
 * Exit codes: 0 done, 1 failure, 2 bad arguments.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchBrowser } from './browser';
import { ensureBuilt, serveDist } from './serve';
import { runImport } from './drive';

const USAGE = `usage: npm run book -- <folder> [--report report.json]

  <folder>          a folder of photos (searched recursively)
  --report <file>   write the keepsake-report/1 JSON there
  --help            show this help`;

/** Options of later stages (PDF export, languages, signals): named so a caller learns they are not built yet. */
const NOT_YET = new Set(['--out', '--lang', '--signals', '--format', '--lab', '--memory']);

class UsageError extends Error {}

function parseArgs(argv: string[]): { folder: string; report: string | null } {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let folder: string | null = null;
  let report: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--report') {
      const value = argv[++i];
      if (!value) throw new UsageError('--report needs a file name');
      report = resolve(cwd, value);
    } else if (NOT_YET.has(arg)) {
      throw new UsageError(`${arg} belongs to a stage Keepsake does not have yet (only import and the report exist so far)`);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (folder === null) {
      folder = resolve(cwd, arg);
    } else {
      throw new UsageError(`unexpected argument ${arg}`);
    }
  }
  if (!folder) throw new UsageError('which folder? give the folder of photos as the first argument');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder`);
  return { folder, report };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`book: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  ensureBuilt(log);
  const { url, server } = await serveDist();
  const browser = await launchBrowser();
  try {
    const report = await runImport(browser.context, url, args.folder, log);
    const counts = { imported: 0, duplicate: 0, rejected: 0 };
    for (const file of report.files) counts[file.status] += 1;
    log(`done: ${counts.imported} imported, ${counts.duplicate} duplicates, ${counts.rejected} rejected in ${(report.timings.importMs / 1000).toFixed(1)} s`);
    if (args.report) {
      writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
      log(`report written to ${args.report}`);
    }
    return 0;
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`book: ${error.message}`);
    process.exit(1);
  },
);

