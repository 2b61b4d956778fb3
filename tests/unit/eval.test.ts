/** Evaluation metrics (DESIGN.md §5), the report-vs-manifest scoring, and `npm run eval`. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../cli/serve';
import { CORPUS } from '../corpus';
import { bcubed, binaryScores, faceScores, iou, matchFaces, pairwiseScores, unionGroups, type Box, type FaceTruth } from '../../src/pipeline/eval/metrics';
import { evaluateReport, parseManifest, similarTruth, type EvalManifest, type EvalManifestFile, type EvalPhoto, type EvalReport, type EvalResult } from '../../src/pipeline/eval/corpus-eval';

describe('iou and matchFaces', () => {
  it('computes intersection over union of [x, y, w, h] boxes', () => {
    expect(iou([0, 0, 0.2, 0.2], [0, 0, 0.2, 0.2])).toBe(1);
    expect(iou([0, 0, 0.2, 0.2], [0.1, 0, 0.2, 0.2])).toBeCloseTo(0.02 / 0.06, 10);
    expect(iou([0, 0, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1])).toBe(0);
    expect(iou([0, 0, 0.1, 0.1], [0.5, 0.5, 0.1, 0.1])).toBe(0);
  });

  it('matches greedily by IoU, one to one, above the threshold', () => {
    const truth: Box[] = [[0, 0, 0.2, 0.2], [0.5, 0.5, 0.2, 0.2]];
    // p0 overlaps t0 a little (IoU 0.6), p1 overlaps t0 exactly; p2 is far from anything.
    const predicted: Box[] = [[0.05, 0, 0.2, 0.2], [0, 0, 0.2, 0.2], [0.9, 0.9, 0.05, 0.05]];
    const m = matchFaces(predicted, truth);
    expect(m.matches).toEqual([{ predicted: 1, truth: 0, iou: 1 }]);
    expect(m.unmatchedPredicted).toEqual([0, 2]);
    expect(m.unmatchedTruth).toEqual([1]);
    // IoU of [0.1,0,.2,.2] with t0 is 1/3 < 0.4: no match by default, a match at 0.3.
    expect(matchFaces([[0.1, 0, 0.2, 0.2]], truth).matches).toEqual([]);
    expect(matchFaces([[0.1, 0, 0.2, 0.2]], truth, 0.3).matches).toHaveLength(1);
  });
});

describe('faceScores', () => {
  const t1: Box = [0.1, 0.1, 0.1, 0.1];
  const narrow: Box = [0.5, 0.1, 0.02, 0.03];
  const small: Box = [0.7, 0.1, 0.02, 0.03];
  const cat: Box = [0.1, 0.5, 0.3, 0.3];

  it('counts hits, ignores small real faces and tiny stray boxes, and calls non-person hits and duplicates false', () => {
    const scores = faceScores([
      {
        file: 'a.jpg',
        truth: { count: 1, boxes: [{ box: t1 }, { box: narrow }], small_faces: [{ box: small }], non_person_detections: [{ box: cat }] },
        predicted: [
          [0.1, 0.1, 0.1, 0.1], // hit on t1
          [0.105, 0.1, 0.1, 0.1], // second box on t1: duplicate
          [0.5, 0.1, 0.02, 0.03], // on a too-narrow true box: ignored
          [0.7, 0.1, 0.02, 0.03], // on a small face: ignored
          [0.11, 0.5, 0.3, 0.3], // on the cat: false positive
          [0.9, 0.9, 0.02, 0.02], // tiny, matches nothing: ignored
          [0.6, 0.6, 0.2, 0.2], // big, matches nothing: false positive
        ],
      },
      { file: 'collage.png', truth: { count: null, boxes: [] }, predicted: [[0, 0, 0.5, 0.5]] },
      { file: 'gone.jpg', truth: { count: 2, boxes: [{ box: t1 }, { box: [0.4, 0.4, 0.1, 0.1] }] }, predicted: null },
      { file: 'clean.jpg', truth: { count: 1, boxes: [{ box: t1 }] }, predicted: [t1] },
    ]);
    expect({ tp: scores.tp, fp: scores.fp, fn: scores.fn }).toEqual({ tp: 2, fp: 3, fn: 2 });
    expect(scores.precision).toBeCloseTo(2 / 5, 12);
    expect(scores.recall).toBeCloseTo(2 / 4, 12);
    expect(scores.skipped).toEqual(['collage.png']);
    expect(scores.files.map((f) => f.file)).toEqual(['a.jpg', 'gone.jpg']);
    const a = scores.files[0]!;
    expect(a).toMatchObject({ missing: false, tp: 1, fp: 3, fn: 0, ignored: 3 });
    expect(a.falsePositives.map((f) => f.reason)).toEqual(['duplicate', 'non-person', 'unmatched']);
    expect(scores.files[1]).toMatchObject({ missing: true, tp: 0, fn: 2, missed: [t1, [0.4, 0.4, 0.1, 0.1]] });
  });

  it('gives a false positive for a box on a non-person detection, even a narrow one', () => {
    const s = faceScores([{ file: 'cat.jpg', truth: { count: 0, boxes: [], non_person_detections: [{ box: [0.1, 0.1, 0.02, 0.02] }] }, predicted: [[0.1, 0.1, 0.02, 0.02]] }]);
    expect({ tp: s.tp, fp: s.fp, fn: s.fn, precision: s.precision, recall: s.recall }).toEqual({ tp: 0, fp: 1, fn: 0, precision: 0, recall: 1 });
  });
});

describe('binaryScores', () => {
  it('counts the four cells and derives precision, recall and F1', () => {
    const s = binaryScores([true, true, true, false, false, false], [true, true, false, true, false, false]);
    expect(s).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 2 });
    expect(s.precision).toBeCloseTo(2 / 3, 12);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(s.f1).toBeCloseTo(2 / 3, 12);
    expect(binaryScores([false], [false])).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(binaryScores([false], [true])).toMatchObject({ precision: 1, recall: 0, f1: 0 });
    expect(() => binaryScores([true], [])).toThrow(/1 predictions for 0/);
  });
});

describe('pairwiseScores and bcubed', () => {
  // truth {a b c} {d e} {f}; predicted {a b} {c d e f}
  const truth = new Map<string, string | null>([['a', 'X'], ['b', 'X'], ['c', 'X'], ['d', 'Y'], ['e', 'Y'], ['f', null]]);
  const predicted = new Map<string, string | null>([['a', '1'], ['b', '1'], ['c', '2'], ['d', '2'], ['e', '2'], ['f', '2']]);

  it('scores item pairs: 2 of 7 predicted pairs right, 2 of 4 true pairs found, F = 4/11', () => {
    const s = pairwiseScores(predicted, truth);
    expect(s.pairs).toEqual({ predicted: 7, truth: 4, both: 2 });
    expect(s.precision).toBeCloseTo(2 / 7, 12);
    expect(s.recall).toBeCloseTo(1 / 2, 12);
    expect(s.f).toBeCloseTo(4 / 11, 12);
  });

  it('scores BCubed: precision 7/12, recall 7/9, F 2/3', () => {
    const s = bcubed(predicted, truth);
    expect(s.precision).toBeCloseTo(7 / 12, 12);
    expect(s.recall).toBeCloseTo(7 / 9, 12);
    expect(s.f).toBeCloseTo(2 / 3, 12);
  });

  it('treats null and absent as alone, and is perfect on identical clusterings with other ids', () => {
    const renamed = new Map([...truth].map(([k, v]) => [k, v === null ? null : `z${v}`]));
    expect(pairwiseScores(renamed, truth)).toMatchObject({ precision: 1, recall: 1, f: 1 });
    expect(bcubed(renamed, truth)).toEqual({ precision: 1, recall: 1, f: 1 });
    const allAlone = pairwiseScores(new Map<string, string | null>(), truth);
    expect(allAlone).toMatchObject({ pairs: { predicted: 0, truth: 4, both: 0 }, precision: 1, recall: 0, f: 0 });
  });
});

describe('unionGroups (similar-group truth)', () => {
  it('joins groups that share a file', () => {
    const joined = unionGroups([
      { id: 'D1', files: ['a', 'b'] },
      { id: 'B2', files: ['a', 'b'] },
      { id: 'B3', files: ['c', 'd'] },
      { id: 'D9', files: ['d', 'e'] },
      { id: 'D5', files: ['f', 'g'] },
    ]);
    expect(Object.fromEntries(joined)).toEqual({ a: 'B2+D1', b: 'B2+D1', c: 'B3+D9', d: 'B3+D9', e: 'B3+D9', f: 'D5', g: 'D5' });
  });
});

// --- the corpus: a report built from the manifest itself ---------------------------------

const manifestPath = join(CORPUS, 'manifest.json');
type CorpusFile = EvalManifestFile & { faces: FaceTruth & { detector_boxes_unverified?: Array<{ box: Box }> } };
type CorpusManifest = Omit<EvalManifest, 'files'> & { files: CorpusFile[] };
const corpusManifest = (): CorpusManifest => parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8'))) as CorpusManifest;

/** What a perfect app would report: every face (small ones too), every kind, every group. */
/** Capture times and positions as the app reads them from the corpus files. */
const corpusTimes = new Map((JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/corpus-times.json'), 'utf8')) as { photos: Array<Pick<EvalPhoto, 'id' | 'takenAt' | 'takenAtSource' | 'gps'>> }).photos.map((p) => [p.id, p]));

function perfectReport(manifest: CorpusManifest): EvalReport {
  const groups = similarTruth(manifest);
  return {
    schema: 'keepsake-report/1',
    photos: manifest.files.map((file): EvalPhoto => {
      const boxes = [...file.faces.boxes, ...(file.faces.small_faces ?? []), ...(file.faces.detector_boxes_unverified ?? [])];
      return {
        id: file.sha256,
        paths: [file.path.replace(/^photos\//, '')],
        kind: file.kind as EvalPhoto['kind'],
        faces: boxes.map((b) => ({ box: [...b.box] as Box, score: 0.9, personId: 'person_id' in b ? ((b.person_id as string | null | undefined) ?? null) : null })),
        similarGroup: groups.get(file.path) ?? null,
        ...(corpusTimes.get(file.sha256) ? { takenAt: corpusTimes.get(file.sha256)!.takenAt, takenAtSource: corpusTimes.get(file.sha256)!.takenAtSource, gps: corpusTimes.get(file.sha256)!.gps } : {}),
        eventId: file.event_id ?? `alone:${file.path}`,
      };
    }),
  };
}

const goal = (result: EvalResult, metric: string) => result.goals.find((g) => g.metric === metric)!;

describe.runIf(existsSync(manifestPath))('evaluateReport on the shared corpus', () => {
  const manifest = corpusManifest();

  it('scores a perfect report 1.0 everywhere and passes', () => {
    const result = evaluateReport(perfectReport(manifest), manifest);
    expect(result.passed).toBe(true);
    expect(result.missingFiles).toEqual([]);
    expect(result.counts).toEqual({ manifestFiles: manifest.files.length, matchedFiles: manifest.files.length, extraPhotos: 0 });
    expect(result.goals.map((g) => [g.metric, g.value, g.status])).toEqual([
      ['faceRecall', 1, 'pass'],
      ['facePrecision', 1, 'pass'],
      ['junkPrecision', 1, 'pass'],
      ['junkRecall', 1, 'pass'],
      ['similarF', 1, 'pass'],
      ['peoplePrecision', 1, 'pass'],
      ['peopleF', 1, 'pass'],
      ['eventF1', 1, 'pass'],
      ['eventMarginOverBaselines', expect.any(Number), 'pass'],
    ]);
    if (result.faces.status !== 'ok' || result.junk.status !== 'ok' || result.similar.status !== 'ok') throw new Error('a section is missing');
    const verified = manifest.files.filter((f) => f.faces.count !== null).reduce((n, f) => n + f.faces.boxes.filter((b) => b.box[2] >= 0.03).length, 0);
    expect({ tp: result.faces.tp, fp: result.faces.fp, fn: result.faces.fn }).toEqual({ tp: verified, fp: 0, fn: 0 });
    expect(result.faces.skipped.length).toBe(manifest.files.filter((f) => f.faces.count === null).length);
    expect(result.junk.tp).toBe(manifest.files.filter((f) => f.kind !== 'photo').length);
    expect(result.similar.bcubed).toEqual({ precision: 1, recall: 1, f: 1 });
    if (result.people.status !== 'ok') throw new Error('people missing');
    const labelled = manifest.files.reduce((n, f) => n + f.faces.boxes.filter((b) => b.person_id).length, 0);
    expect(result.people.faces).toEqual({ labelled, found: labelled, assigned: labelled });
  });

  it('scores people pairwise over faces with a known identity', () => {
    const report = perfectReport(manifest);
    // Two different people put together, and one face of a person left alone.
    const franck = report.photos.filter((p) => p.faces?.some((f) => f.personId === 'P-franck'));
    const hopper = report.photos.find((p) => p.faces?.some((f) => f.personId === 'P-hopper'))!;
    hopper.faces = hopper.faces!.map((f) => ({ ...f, personId: 'P-franck' }));
    franck[0]!.faces = franck[0]!.faces!.map((f) => (f.personId === 'P-franck' ? { ...f, personId: null } : f));
    const result = evaluateReport(report, manifest);
    if (result.people.status !== 'ok') throw new Error('people missing');
    // Franck: 5 faces, one left alone → 6 of his 10 pairs found; hopper's face joins Franck's other 4: 4 wrong pairs and 7 of hopper's 28 pairs lost.
    expect(result.people.missedPairs.length).toBe(4 + 7);
    expect(result.people.extraPairs.length).toBe(4);
    expect(result.people.precision).toBeLessThan(1);
    expect(goal(result, 'peoplePrecision').status).toBe('fail');
  });

  it('joins near-duplicate groups and bursts that share files', () => {
    const truth = similarTruth(manifest);
    for (const burst of manifest.bursts)
      for (const group of manifest.near_duplicate_groups)
        if (group.files.some((f) => burst.files.includes(f))) for (const f of [...group.files, ...burst.files]) expect(truth.get(f)).toBe(truth.get(group.files[0]!));
  });

  it('lowers face recall for a missed face and names the file', () => {
    const report = perfectReport(manifest);
    const file = manifest.files.find((f) => f.faces.count !== null && f.faces.boxes.length >= 2)!;
    const photo = report.photos.find((p) => p.id === file.sha256)!;
    const dropped = photo.faces!.shift()!;
    const result = evaluateReport(report, manifest);
    if (result.faces.status !== 'ok') throw new Error('faces missing');
    expect(result.faces.fn).toBe(1);
    expect(result.faces.files).toEqual([expect.objectContaining({ file: file.path, missing: false, fn: 1, missed: [dropped.box] })]);
    expect(goal(result, 'faceRecall').value).toBeCloseTo(result.faces.tp / (result.faces.tp + 1), 12);
    expect(goal(result, 'facePrecision').value).toBe(1);
  });

  it('counts a box on a non-person detection as a false positive, and ignores boxes on small faces', () => {
    const report = perfectReport(manifest);
    const negative = manifest.files.find((f) => f.faces.count !== null && (f.faces.non_person_detections ?? []).length > 0)!;
    report.photos.find((p) => p.id === negative.sha256)!.faces!.push({ box: [...negative.faces.non_person_detections![0]!.box] as Box, score: 0.5 });
    const withSmall = manifest.files.filter((f) => (f.faces.small_faces ?? []).length > 0 && f.faces.count !== null);
    expect(withSmall.length).toBeGreaterThan(0); // the perfect report already predicts these small faces
    const result = evaluateReport(report, manifest);
    if (result.faces.status !== 'ok') throw new Error('faces missing');
    expect(result.faces.fp).toBe(1);
    expect(result.faces.files).toEqual([expect.objectContaining({ file: negative.path, fp: 1, falsePositives: [expect.objectContaining({ reason: 'non-person' })] })]);
    expect(result.faces.files.some((f) => withSmall.some((s) => s.path === f.file))).toBe(false);
    expect(goal(result, 'faceRecall').value).toBe(1);
  });

  it('counts a file missing from the report against recall and lists it', () => {
    const report = perfectReport(manifest);
    const gone = manifest.files.find((f) => f.path === 'photos/hopper.jpg') ?? manifest.files.find((f) => f.faces.boxes.length === 1 && f.faces.count !== null)!;
    report.photos = report.photos.filter((p) => p.id !== gone.sha256);
    report.photos.push({ id: 'not-in-the-manifest', kind: 'photo', faces: [], similarGroup: null });
    const result = evaluateReport(report, manifest);
    expect(result.missingFiles).toEqual([gone.path]);
    expect(result.counts.extraPhotos).toBe(1);
    if (result.faces.status !== 'ok' || result.similar.status !== 'ok') throw new Error('a section is missing');
    expect(result.faces.fn).toBe(1);
    expect(result.faces.files).toEqual([expect.objectContaining({ file: gone.path, missing: true })]);
    const groupSize = [...similarTruth(manifest).values()].filter((id) => id === similarTruth(manifest).get(gone.path)).length;
    expect(result.similar.pairs.truth - result.similar.pairs.both).toBe(groupSize - 1);
    expect(result.similar.precision).toBe(1);
  });

  it('reports sections without report fields as missing, not zero', () => {
    const report: EvalReport = { schema: 'keepsake-report/1', photos: manifest.files.map((f) => ({ id: f.sha256, paths: [f.path] })) };
    const result = evaluateReport(report, manifest);
    expect(result.faces).toEqual({ status: 'missing', reason: expect.stringContaining('faces') });
    expect(result.junk.status).toBe('missing');
    expect(result.similar.status).toBe('missing');
    expect(result.goals.every((g) => g.status === 'missing' && g.value === null && !g.passed)).toBe(true);
    expect(result.passed).toBe(false);
  });

  it('scores junk: a photo called a screenshot is a false positive, an unclassified document a miss', () => {
    const report = perfectReport(manifest);
    const photo = manifest.files.find((f) => f.kind === 'photo')!;
    const doc = manifest.files.find((f) => f.kind === 'document')!;
    report.photos.find((p) => p.id === photo.sha256)!.kind = 'screenshot';
    delete report.photos.find((p) => p.id === doc.sha256)!.kind;
    const result = evaluateReport(report, manifest);
    if (result.junk.status !== 'ok') throw new Error('junk missing');
    const junk = manifest.files.filter((f) => f.kind !== 'photo').length;
    expect(result.junk).toMatchObject({ tp: junk - 1, fp: 1, fn: 1, unanalysed: [doc.path] });
    expect(result.junk.falsePositives).toEqual([{ file: photo.path, predicted: 'screenshot', truth: 'photo' }]);
    expect(result.junk.misses).toEqual([{ file: doc.path, predicted: null, truth: 'document' }]);
    expect(goal(result, 'junkPrecision').value).toBeCloseTo((junk - 1) / junk, 12);
  });
});

// --- the command --------------------------------------------------------------------------

const evalCli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'cli/eval.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000,
  });

describe('npm run eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-eval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  // A tiny manifest of its own, so these tests do not depend on the corpus.
  const tiny: EvalManifest = {
    files: [
      { path: 'photos/a.jpg', sha256: 'aa', kind: 'photo', capture: {}, event_id: 'E1', faces: { count: 1, boxes: [{ box: [0.1, 0.1, 0.2, 0.2], person_id: 'P1' }], small_faces: [], non_person_detections: [] } },
      { path: 'photos/b.jpg', sha256: 'bb', kind: 'photo', capture: {}, event_id: null, faces: { count: 1, boxes: [{ box: [0.5, 0.5, 0.2, 0.2], person_id: 'P1' }], small_faces: [], non_person_detections: [] } },
      { path: 'photos/c.png', sha256: 'cc', kind: 'screenshot', faces: { count: 0, boxes: [], small_faces: [], non_person_detections: [] } },
    ],
    near_duplicate_groups: [{ id: 'D1', files: ['photos/a.jpg', 'photos/b.jpg'] }],
    bursts: [],
  };
  const good: EvalReport = {
    schema: 'keepsake-report/1',
    photos: [
      { id: 'aa', kind: 'photo', faces: [{ box: [0.1, 0.1, 0.2, 0.2], score: 0.9, personId: 'p1' }], similarGroup: 's1', takenAt: '2024-01-01T10:00:00+00:00', takenAtSource: 'exif', gps: null, eventId: 'e1' },
      { id: 'bb', kind: 'photo', faces: [{ box: [0.5, 0.5, 0.2, 0.2], score: 0.9, personId: 'p1' }], similarGroup: 's1', takenAt: '2024-01-01T11:00:00+00:00', takenAtSource: 'exif', gps: null, eventId: 'e2' },
      { id: 'cc', kind: 'screenshot', faces: [], similarGroup: null },
    ],
  };
  const manifestFile = write('manifest.json', tiny);

  it('exits 0 when every goal passes, prints the table and writes eval.json beside the report', () => {
    const report = write('good.json', good);
    const run = evalCli([report, '--manifest', manifestFile]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/faceRecall\s+1\.000\s+≥ 0\.95\s+PASS/);
    expect(run.stdout).toMatch(/All goals pass/);
    const written = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8')) as EvalResult;
    expect(written).toMatchObject({ schema: 'keepsake-eval/1', passed: true });
  });

  it('uses the corpus manifest by default (KEEPSAKE_CORPUS) and honours --out', () => {
    const corpus = join(dir, 'corpus');
    mkdirSync(corpus, { recursive: true });
    writeFileSync(join(corpus, 'manifest.json'), JSON.stringify(tiny));
    const out = join(dir, 'out', 'scores.json');
    mkdirSync(join(dir, 'out'), { recursive: true });
    const run = evalCli([write('good2.json', good), '--out', out], { KEEPSAKE_CORPUS: corpus });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ passed: true });
  });

  it('exits 1 when a goal fails, listing the misses and false positives', () => {
    const bad: EvalReport = {
      schema: 'keepsake-report/1',
      photos: [
        { id: 'aa', kind: 'photo', faces: [], similarGroup: null },
        { id: 'bb', kind: 'receipt', faces: [{ box: [0.75, 0.1, 0.2, 0.2], score: 0.8 }], similarGroup: null },
      ],
    };
    const run = evalCli([write('bad.json', bad), '--manifest', manifestFile, '--out', join(dir, 'bad-eval.json')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/faceRecall\s+0\.000\s+≥ 0\.95\s+FAIL/);
    expect(run.stdout).toMatch(/Missing from the report \(1\):\n {2}photos\/c\.png/);
    expect(run.stdout).toMatch(/Faces missed \(2\):\n {2}photos\/a\.jpg: \[0\.100, 0\.100, 0\.200, 0\.200\]/);
    expect(run.stdout).toMatch(/Face false positives \(1\):\n {2}photos\/b\.jpg: \[0\.750, 0\.100, 0\.200, 0\.200\] unmatched/);
    expect(run.stdout).toMatch(/Junk false positives \(1\):\n {2}photos\/b\.jpg: is photo, app said receipt/);
    expect(run.stdout).toMatch(/Similar pairs missed \(1\):\n {2}photos\/a\.jpg ~ photos\/b\.jpg/);
    expect(JSON.parse(readFileSync(join(dir, 'bad-eval.json'), 'utf8'))).toMatchObject({ passed: false, missingFiles: ['photos/c.png'] });
  });

  it('exits 1 when a section is missing from the report', () => {
    const noFaces = { schema: 'keepsake-report/1', photos: good.photos.map(({ faces: _faces, ...rest }) => rest) };
    const run = evalCli([write('nofaces.json', noFaces), '--manifest', manifestFile, '--out', join(dir, 'nofaces-eval.json')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/faceRecall\s+—\s+≥ 0\.95\s+MISSING/);
    expect(run.stdout).toMatch(/faces: MISSING/);
    expect(run.stdout).toMatch(/junkRecall\s+1\.000\s+≥ 0\.95\s+PASS/);
  });

  it('exits 2 with a clear message on bad arguments', () => {
    const none = evalCli([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/which report\?/);
    const absent = evalCli([join(dir, 'no-such.json'), '--manifest', manifestFile]);
    expect(absent.status).toBe(2);
    expect(absent.stderr).toMatch(/report .*no-such\.json does not exist/);
    const unknown = evalCli([write('g3.json', good), '--frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --frobnicate/);
    const noValue = evalCli([write('g4.json', good), '--out']);
    expect(noValue.status).toBe(2);
    expect(noValue.stderr).toMatch(/--out needs a file name/);
    const notJson = evalCli([write('broken.json', '{ nope'), '--manifest', manifestFile]);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toMatch(/is not valid JSON/);
    const wrongSchema = evalCli([write('other.json', { schema: 'something/2', photos: [] }), '--manifest', manifestFile]);
    expect(wrongSchema.status).toBe(2);
    expect(wrongSchema.stderr).toMatch(/not "keepsake-report\/1"/);
    const badManifest = evalCli([write('g5.json', good), '--manifest', write('m.json', { files: 3 })]);
    expect(badManifest.status).toBe(2);
    expect(badManifest.stderr).toMatch(/manifest has no `files` list/);
  });
});
