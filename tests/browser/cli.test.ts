/** The headless `book` command: the product's batch mode and the contract other tests read. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    const dir = mkdtempSync(join(tmpdir(), 'keepsake-cli-'));
    const out = join(dir, 'r.json');
    // The person favourites every photo of Franck (by path, as a person writes a signals file by hand).
    const franck = ['IMG_1144.jpg', 'IMG_1074.JPG', 'IMG_1099.jpg', 'IMG_1257.JPG', 'IMG_1268.jpg'];
    const signals = join(dir, 'signals.jsonl');
    writeFileSync(signals, franck.map((path) => JSON.stringify({ type: 'favourite', target: { path } })).join('\n'));
    const pdf = join(dir, 'book.pdf');
    const run = book(join(CORPUS, 'photos'), '--report', out, '--lang', 'de', '--signals', signals, '--out', pdf, '--lab', 'bleed-4mm', '--format', 'square-30');
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
    expect(run.stderr).toMatch(/replaying 5 signals/);
    expect(report.language).toBe('de');
    const memories = report.memories!;
    expect(new Set(memories.map((m) => m.kind)).size).toBeGreaterThanOrEqual(5);
    for (const memory of memories) {
      expect(memory.title && memory.subtitle && memory.why, memory.id).toBeTruthy();
      expect(`${memory.title} ${memory.subtitle} ${memory.why}`).not.toMatch(/[{}]|undefined|null|NaN/);
      expect(memory.photoIds.length).toBeGreaterThan(0);
    }
    const franckIds = new Set(franck.map((path) => report.files.find((f) => f.path === path)!.photoId));
    const theirs = memories.find((m) => m.kind === 'person' && m.photoIds.some((id) => franckIds.has(id)))!;
    expect(memories.indexOf(theirs)).toBe(0);

    // The book: the best-ranked memory with enough photos, as a print-ready PDF the preflight passes.
    expect(report.book).toMatchObject({ pdf: 'book.pdf', format: 'square-30', lab: 'bleed-4mm' });
    expect(memories.some((m) => m.id === report.book!.memoryId)).toBe(true);
    const check = spawnSync(join(CORPUS, '../tools/check-print-pdf.sh'), [pdf, '--min-ppi', '300', '--bleed-mm', '4', '--trim-mm', '300x300', '--page-multiple', '2', '--json'], { encoding: 'utf8' });
    expect(check.stdout.trim().split('\n').at(-1), check.stdout).toBe('SUMMARY: PASS');
    expect(JSON.parse(check.stdout.split('\n').find((line) => line.startsWith('{'))!).pages).toBe(report.book!.pages);
    expect(report.timings.exportMs).toBeGreaterThan(0);
    // This lab wants the cover apart: it passes the same preflight.
    expect(report.book!.cover).toBe('book-cover.pdf');
    const cover = spawnSync(join(CORPUS, '../tools/check-print-pdf.sh'), [join(dir, 'book-cover.pdf'), '--min-ppi', '300', '--bleed-mm', '4'], { encoding: 'utf8' });
    expect(cover.stdout.trim().split('\n').at(-1), cover.stdout).toBe('SUMMARY: PASS');
  });

  it('exits 2 with a usage message on bad arguments', () => {
    const missing = book(join(ROOT, 'no-such-folder'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/is not a folder/);
    const unknown = book(join(CORPUS, 'photos'), '--frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --frobnicate/);
    expect(book().status).toBe(2);
    const badLanguage = book(join(CORPUS, 'photos'), '--lang', 'xx');
    expect(badLanguage.status).toBe(2);
    expect(badLanguage.stderr).toMatch(/--lang needs one of en, de/);
    const badSignals = join(mkdtempSync(join(tmpdir(), 'keepsake-cli-')), 's.jsonl');
    writeFileSync(badSignals, '{"type":"favourite","target":{}}\n{"type":"like"}');
    const signals = book(join(CORPUS, 'photos'), '--signals', badSignals);
    expect(signals.status).toBe(2);
    expect(signals.stderr).toMatch(/line 2: unknown signal type "like"/);
    const badFormat = book(join(CORPUS, 'photos'), '--out', 'x.pdf', '--format', 'a3');
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toMatch(/unknown format a3/);
    const badPair = book(join(CORPUS, 'photos'), '--out', 'x.pdf', '--format', 'square-30', '--lab', 'us-lab');
    expect(badPair.status).toBe(2);
    expect(badPair.stderr).toMatch(/does not print 30 × 30 cm square/);
  });
});
