/**
 * `npm run book -- <folder> --report report.json`: Keepsake's batch mode. It serves the built
 * app, drives the real app in headless Chromium through the same folder input a person uses,
 * and writes the report (DESIGN.md §4). Progress goes to stderr.
 * Exit codes: 0 done, 1 failure, 2 bad arguments.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchBrowser } from './browser';
import { ensureBuilt, serveDist } from './serve';
import { runImport } from './drive';
import { LANGUAGES, type Language } from '../src/pipeline/memories/types';
import { parseSignalsFile, SignalsFileError, type FileSignal } from '../src/pipeline/memories/signals-file';
import { DEFAULT_FORMAT, DEFAULT_LAB, FORMATS, LABS, formatById, labById } from '../src/pipeline/book/formats';

const USAGE = `usage: npm run book -- <folder> [--out book.pdf] [--memory <id>] [--format <id>] [--lab <id>]
                    [--report report.json] [--lang en] [--signals signals.jsonl]

  <folder>            a folder of photos (searched recursively)
  --out <file>        make a photobook and write its print-ready PDF there
  --memory <id>       the memory to make the book of (default: the best-ranked one with enough photos)
  --format <id>       ${FORMATS.map((format) => format.id).join(', ')} (default ${DEFAULT_FORMAT})
  --lab <id>          ${LABS.map((lab) => lab.id).join(', ')} (default ${DEFAULT_LAB})
  --report <file>     write the keepsake-report/1 JSON there
  --lang <code>       titles and reasons in this language: ${LANGUAGES.join(', ')} (default: en)
  --signals <file>    replay these signals (JSON lines, as in the app's log) before ranking memories
  --help              show this help`;

class UsageError extends Error {}

interface Args {
  folder: string;
  report: string | null;
  language: Language;
  signals: FileSignal[];
  out: string | null;
  memoryId: string | null;
  formatId: string;
  labId: string;
}

function parseArgs(argv: string[]): Args {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let folder: string | null = null;
  let report: string | null = null;
  let language: Language = 'en';
  let signals: FileSignal[] = [];
  let out: string | null = null;
  let memoryId: string | null = null;
  let formatId = DEFAULT_FORMAT;
  let labId = DEFAULT_LAB;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--report') {
      const value = argv[++i];
      if (!value) throw new UsageError('--report needs a file name');
      report = resolve(cwd, value);
    } else if (arg === '--lang') {
      const value = argv[++i];
      if (!value || !LANGUAGES.includes(value as Language)) throw new UsageError(`--lang needs one of ${LANGUAGES.join(', ')}`);
      language = value as Language;
    } else if (arg === '--signals') {
      const value = argv[++i];
      if (!value) throw new UsageError('--signals needs a file name');
      const path = resolve(cwd, value);
      if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
      try {
        signals = parseSignalsFile(readFileSync(path, 'utf8'));
      } catch (error) {
        if (error instanceof SignalsFileError) throw new UsageError(`${value}: ${error.message}`);
        throw error;
      }
    } else if (arg === '--out' || arg === '--memory' || arg === '--format' || arg === '--lab') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      if (arg === '--out') out = resolve(cwd, value);
      else if (arg === '--memory') memoryId = value;
      else if (arg === '--format') {
        if (!formatById(value)) throw new UsageError(`unknown format ${value} (known: ${FORMATS.map((format) => format.id).join(', ')})`);
        formatId = value;
      } else {
        if (!labById(value)) throw new UsageError(`unknown lab ${value} (known: ${LABS.map((lab) => lab.id).join(', ')})`);
        labId = value;
      }
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
  if (!labById(labId)!.formats.includes(formatId)) throw new UsageError(`${labById(labId)!.name} does not print ${formatById(formatId)!.name} (it prints ${labById(labId)!.formats.join(', ')})`);
  return { folder, report, language, signals, out, memoryId, formatId, labId };
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
    const report = await runImport(browser.context, url, args.folder, log, {
      language: args.language,
      signals: args.signals,
      ...(args.out ? { book: { out: args.out, memoryId: args.memoryId, formatId: args.formatId, labId: args.labId } } : {}),
    });
    const counts = { imported: 0, duplicate: 0, rejected: 0 };
    for (const file of report.files) counts[file.status] += 1;
    log(`done: ${counts.imported} imported, ${counts.duplicate} duplicates, ${counts.rejected} rejected in ${(report.timings.importMs / 1000).toFixed(1)} s`);
    if (report.memories) log(`memories: ${report.memories.length}${report.memories[0] ? `, first: ${report.memories[0].title}` : ''}`);
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

