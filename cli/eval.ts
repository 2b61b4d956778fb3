/**
 * `npm run eval -- <report.json> [--manifest <path>] [--out <eval.json>]`: scores a
 * keepsake-report/1 against the corpus ground truth (DESIGN.md §5), prints a table with the
 * misses and false positives, and writes the scores as JSON (default: eval.json beside the report).
 * `npm run eval -- ranking <report.json> …` evaluates memory ranking and photo selection with
 * simulated tastes instead (src/pipeline/eval/ranking.ts; default out: ranking-eval.json).
 * Exit codes: 0 every goal with data passes, 1 a goal fails or a section is missing, 2 bad arguments.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CORPUS } from './corpus';
import { evaluateReport, parseManifest, parseReport, type EvalResult } from '../src/pipeline/eval/corpus-eval';
import { evaluateRanking, GOAL_MARGIN, SIGNALS, type RankingEvaluation, type RankingManifest, type RankingReport } from '../src/pipeline/eval/ranking';

const USAGE = `usage: npm run eval -- [ranking] <report.json> [--manifest <path>] [--out <eval.json>]

  ranking             evaluate memory ranking and photo selection (simulated tastes, 20 signals each)

  <report.json>       a keepsake-report/1 written by \`npm run book -- <folder> --report <file>\`
  --manifest <path>   ground truth (default: the shared corpus manifest, ${resolve(CORPUS, 'manifest.json')})
  --out <file>        where to write the scores as JSON (default: eval.json beside the report)
  --help              show this help`;

class UsageError extends Error {}

interface Args {
  ranking: boolean;
  report: string;
  manifest: string;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let report: string | null = null;
  let manifest: string | null = null;
  let out: string | null = null;
  const ranking = argv[0] === 'ranking';
  for (let i = ranking ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--manifest' || arg === '--out') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a file name`);
      if (arg === '--manifest') manifest = resolve(cwd, value);
      else out = resolve(cwd, value);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (report === null) {
      report = resolve(cwd, arg);
    } else {
      throw new UsageError(`unexpected argument ${arg}`);
    }
  }
  if (!report) throw new UsageError('which report? give the report JSON as the first argument');
  return { ranking, report, manifest: manifest ?? resolve(CORPUS, 'manifest.json'), out: out ?? resolve(dirname(report), ranking ? 'ranking-eval.json' : 'eval.json') };
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`${what} ${path} does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${what} ${path} is not valid JSON (${(error as Error).message})`);
  }
}

const fmt = (value: number | null): string => (value === null ? '—' : value.toFixed(3));
const boxText = (box: readonly number[]): string => `[${box.map((n) => n.toFixed(3)).join(', ')}]`;

/** The readable summary: goals table, then what was missed and what was wrong. */
function formatResult(result: EvalResult, reportPath: string, manifestPath: string): string {
  const lines: string[] = [];
  lines.push(`Keepsake evaluation of ${reportPath}`, `against ${manifestPath}`);
  lines.push(`${result.counts.manifestFiles} manifest files, ${result.counts.matchedFiles} in the report, ${result.counts.extraPhotos} report photos not in the manifest`, '');
  const detail: Record<string, string> = {};
  if (result.faces.status === 'ok') detail.faceRecall = detail.facePrecision = `tp ${result.faces.tp}, fp ${result.faces.fp}, fn ${result.faces.fn}`;
  if (result.junk.status === 'ok') detail.junkPrecision = detail.junkRecall = `tp ${result.junk.tp}, fp ${result.junk.fp}, fn ${result.junk.fn}, tn ${result.junk.tn}`;
  if (result.similar.status === 'ok')
    detail.similarF = `P ${fmt(result.similar.precision)}, R ${fmt(result.similar.recall)}, pairs ${result.similar.pairs.both}/${result.similar.pairs.truth} found, ${result.similar.pairs.predicted} predicted; BCubed F ${fmt(result.similar.bcubed.f)}`;
  if (result.people.status === 'ok')
    detail.peoplePrecision = detail.peopleF = `P ${fmt(result.people.precision)}, R ${fmt(result.people.recall)}, pairs ${result.people.pairs.both}/${result.people.pairs.truth} found, ${result.people.pairs.predicted} predicted; BCubed F ${fmt(result.people.bcubed.f)}; ${result.people.faces.assigned}/${result.people.faces.labelled} known faces in a person`;
  if (result.events.status === 'ok') {
    const e = result.events;
    detail.eventF1 = `P ${fmt(e.ours.precision)}, R ${fmt(e.ours.recall)} over ${e.photos} dated photos (±1 photo)`;
    detail.eventMarginOverBaselines = `fixed 8 h gap F1 ${fmt(e.fixedGap8h.f1)}, PhotoTOC F1 ${fmt(e.photoToc.f1)}`;
  }
  const rows = [['metric', 'value', 'goal', 'result', 'detail'], ...result.goals.map((g) => [g.metric, fmt(g.value), `≥ ${g.goal}`, g.status.toUpperCase(), detail[g.metric] ?? ''])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) lines.push(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
  lines.push('');

  const list = (title: string, items: string[], limit = 40): void => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`);
    for (const item of items.slice(0, limit)) lines.push(`  ${item}`);
    if (items.length > limit) lines.push(`  … and ${items.length - limit} more (see the JSON)`);
  };
  list('Missing from the report', result.missingFiles);
  for (const [name, section] of [['faces', result.faces], ['junk', result.junk], ['similar groups', result.similar], ['people', result.people], ['events', result.events]] as const)
    if (section.status === 'missing') lines.push(`${name}: MISSING (${section.reason})`);
  if (result.faces.status === 'ok') {
    const faces = result.faces;
    list('Faces missed', faces.files.filter((f) => f.fn > 0).map((f) => `${f.file}${f.missing ? ' (not in the report)' : ''}: ${f.missed.map(boxText).join(' ')}`));
    list('Face false positives', faces.files.filter((f) => f.fp > 0).map((f) => `${f.file}: ${f.falsePositives.map((p) => `${boxText(p.box)} ${p.reason}`).join(', ')}`));
    list('Faces not analysed', faces.unanalysed);
  }
  if (result.junk.status === 'ok') {
    list('Junk missed', result.junk.misses.map((m) => `${m.file}: is ${m.truth}, app said ${m.predicted ?? 'nothing'}`));
    list('Junk false positives', result.junk.falsePositives.map((m) => `${m.file}: is ${m.truth}, app said ${m.predicted}`));
  }
  if (result.similar.status === 'ok') {
    list('Similar pairs missed', result.similar.missedPairs.map(([a, b]) => `${a} ~ ${b}`));
    list('Similar pairs wrongly grouped', result.similar.extraPairs.map(([a, b]) => `${a} ~ ${b}`));
  }
  if (result.people.status === 'ok') {
    list('Same-person face pairs not joined', result.people.missedPairs.map(([a, b]) => `${a} ~ ${b}`));
    list('Face pairs wrongly joined', result.people.extraPairs.map(([a, b]) => `${a} ~ ${b}`));
  }
  if (result.events.status === 'ok') {
    list('Event boundaries missed', result.events.missed);
    list('Event boundaries wrongly made', result.events.extra);
  }
  lines.push('', result.passed ? 'All goals pass.' : `Not passed: ${result.goals.filter((g) => !g.passed).map((g) => `${g.metric} ${g.status}`).join(', ')}.`);
  return lines.join('\n');
}

/** The ranking table: each taste's NDCG beside the best baseline, then what selections look like. */
function formatRanking(result: RankingEvaluation, reportPath: string): string {
  const lines = [`Keepsake ranking evaluation of ${reportPath}`, `${result.candidates} memory candidates (${Object.entries(result.kinds).map(([kind, n]) => `${n} ${kind}`).join(', ')}), today = ${result.now}, ${SIGNALS} signals per taste`, ''];
  const rows = [['taste', 'NDCG@5', 'NDCG@10', 'priors', 'recency', 'on-this-day', 'quality', 'random', 'margin', 'result']];
  for (const t of result.tastes) {
    rows.push([t.taste, fmt(t.personalised.ndcg5), fmt(t.personalised.ndcg10), fmt(t.priorsOnly.ndcg10), fmt(t.baselines.recency.ndcg10), fmt(t.baselines.onThisDayFirst.ndcg10), fmt(t.baselines.qualityOnly.ndcg10), fmt(t.baselines.random.ndcg10), `${t.margin >= 0 ? '+' : ''}${fmt(t.margin)}`, t.pass ? 'PASS' : 'FAIL']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) lines.push(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.push('', `NDCG@10 columns after priors are baselines; the goal is a margin ≥ ${GOAL_MARGIN} over the best of them for every taste.`, '', 'Photo selections (top 10 memories of each taste):');
  for (const t of result.tastes) {
    const s = t.selection;
    lines.push(`  ${t.taste}: NDCG@10 ${fmt(s.ndcg10)} (quality only ${fmt(s.qualityOnlyNdcg10)}, random ${fmt(s.randomNdcg10)}), diversity ${fmt(s.intraListDiversity)}, near-duplicates ${fmt(s.nearDuplicateRate)}, junk ${fmt(s.junkRate)}, day coverage ${fmt(s.dayCoverage)}`);
  }
  lines.push('', result.pass ? 'All tastes pass.' : `Not passed: ${result.tastes.filter((t) => !t.pass).map((t) => t.taste).join(', ') || 'no taste could be simulated'}.`);
  return lines.join('\n');
}

function mainRanking(args: Args): number {
  const report = readJson(args.report, 'report') as Partial<RankingReport> & { schema?: string };
  if (report.schema !== 'keepsake-report/1') throw new UsageError(`${args.report} is not "keepsake-report/1"`);
  if (!Array.isArray(report.photos) || !report.people || !report.events) {
    console.log(`ranking: MISSING (the report has no ${!report.people ? 'people' : 'events'}: write it with a version of Keepsake that clusters)`);
    return 1;
  }
  const manifest = readJson(args.manifest, 'manifest') as RankingManifest;
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.people)) throw new UsageError(`${args.manifest}: manifest has no \`files\` or \`people\` list`);
  const result = evaluateRanking(report as RankingReport, manifest);
  console.log(formatRanking(result, args.report));
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`scores written to ${args.out}\n`);
  return result.pass ? 0 : 1;
}

function main(): number {
  let args: Args;
  let result: EvalResult;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.ranking) return mainRanking(args);
    let report;
    let manifest;
    try {
      report = parseReport(readJson(args.report, 'report'));
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError(`${args.report}: ${(error as Error).message}`);
    }
    try {
      manifest = parseManifest(readJson(args.manifest, 'manifest'));
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError(`${args.manifest}: ${(error as Error).message}`);
    }
    result = evaluateReport(report, manifest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`eval: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  console.log(formatResult(result, args.report, args.manifest));
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`scores written to ${args.out}\n`);
  return result.passed ? 0 : 1;
}

try {
  process.exit(main());
} catch (error) {
  console.error(`eval: ${(error as Error).message}`);
  process.exit(1);
}
