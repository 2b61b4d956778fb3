/**
 * The UI catalogues: every language has every message, counted messages read well for any count
 * (Polish included), and nothing was left in English by mistake.
 */
import { describe, it, expect } from 'vitest';
import { catalogues, translate, type MessageParams } from '../../src/i18n/catalogue';
import { en, type MessageKey } from '../../src/i18n/en';
import { LANGUAGES, type Language } from '../../src/pipeline/memories/types';

const COUNTS = [0, 1, 2, 5, 22, 101];
const KEYS = Object.keys(en) as MessageKey[];
const TRANSLATIONS = LANGUAGES.filter((language) => language !== 'en');

type FunctionKey = { [K in MessageKey]: (typeof en)[K] extends (p: never) => string ? K : never }[MessageKey];
/** Messages whose only parameter is a count: their sample parameters are just { count }. */
type CountKey = { [K in FunctionKey]: [MessageParams<K>] extends [{ count: number }] ? ([{ count: number }] extends [MessageParams<K>] ? K : never) : never }[FunctionKey];

/** Parameters for every other function message, built from a count so that each is tried with the counts above. */
const SAMPLES: { [K in Exclude<FunctionKey, CountKey>]: (n: number) => MessageParams<K> } = {
  'app.storageFailed': () => ({ reason: 'QuotaExceededError' }),
  'app.storageLost': (n) => ({ reason: n % 2 ? 'IndexedDB (database was corrupt): no meta-nextfile entry' : '' }),
  'app.readFailed': () => ({ reason: 'NotAllowedError' }),
  'format.bytes': (n) => ({ amount: String(n), unit: 'MB' }),
  'format.seconds': (n) => ({ seconds: n }),
  'format.minutes': (n) => ({ minutes: n, seconds: n }),
  'format.hours': (n) => ({ hours: n, minutes: n }),
  'progress.rate': (n) => ({ perSecond: n + 0.5 }),
  'progress.timeLeft': () => ({ duration: '3 min' }),
  'storage.usage': (n) => ({ used: `${n} MB`, quota: '2 GB' }),
  'import.running': (n) => ({ done: n, total: n + 1 }),
  'import.summary': (n) => ({ cancelled: n % 2 === 1, imported: n, duplicates: n, rejected: n }),
  'import.alreadyInLibraryAs': () => ({ path: 'DCIM/IMG_0001.jpg' }),
  'analysis.running': (n) => ({ done: n, total: n + 1 }),
  'analysis.backend': () => ({ backend: 'WebGPU' }),
  'library.withPeople': (n) => ({ names: ['Ada', 'Grace', 'Linus'].slice(0, 1 + (n % 3)) }),
  'library.allOf': () => ({ place: 'Portugal' }),
  'library.choiceCount': (n) => ({ label: 'Lisbon, Portugal', count: n * 1000 }),
  'library.inPlace': () => ({ place: 'Lisbon, Portugal' }),
  'library.visionBackend': () => ({ backend: 'WebGPU' }),
  'library.openPhoto': (n) => ({ position: n, total: n + 1, description: n % 3 ? 'Sat, Jul 14, 2023, Lisbon' : '', mark: n % 2 ? 'Screenshot' : null }),
  'photo.describe': (n) => ({ when: n % 2 ? 'Sat, Jul 14, 2023' : null, place: n % 3 ? 'Lisbon' : null, names: ['Ada', 'Grace'].slice(0, n % 3) }),
  'viewer.face': (n) => ({ number: n, sureness: 0.87 }),
  'viewer.position': (n) => ({ position: n, total: n + 1 }),
  'viewer.takenFromFileName': () => ({ time: '2024-06-03 12:00:00' }),
  'viewer.takenFromFileDate': () => ({ time: '2024-06-03 12:00:00' }),
  'viewer.leftOut': () => ({ kind: 'Screenshot' }),
  'viewer.similarGroup': (n) => ({ count: n, best: n % 2 === 0, burst: n % 3 === 0 }),
  'people.detail': () => ({ name: 'Ada' }),
  'people.summary': (n) => ({ photos: n, faces: n }),
  'people.facesOf': (n) => ({ name: n % 2 ? 'Ada' : null }),
  'people.notThisPerson': (n) => ({ name: n % 2 ? 'Ada' : null }),
  'events.dayNumber': (n) => ({ number: n }),
  'events.with': (n) => ({ names: ['Ada', 'Grace', 'Linus'].slice(0, 1 + (n % 3)) }),
  'events.withSome': (n) => ({ names: ['Ada', 'Grace', 'Linus'], more: n }),
  'book.pageLabel': (n) => ({ page: n }),
  'book.photoLabel': (n) => ({ n }),
  'book.soft': (n) => ({ ppi: n }),
  'book.blocked': (n) => ({ ppi: n }),
  'book.exporting': (n) => ({ page: n, pages: n + 1 }),
  'book.remaining': () => ({ time: '3 min' }),
};

const isFunctionKey = (key: MessageKey): key is FunctionKey => typeof en[key] === 'function';
const sampleParams = (key: FunctionKey, n: number): unknown => (key in SAMPLES ? SAMPLES[key as keyof typeof SAMPLES](n) : { count: n });

/** What a message says in a language: the string, or the function's output for each count. */
function outputs(language: Language, key: MessageKey): string[] {
  const message = catalogues[language][key];
  if (!isFunctionKey(key)) return [message as string];
  return COUNTS.map((n) => (message as (p: unknown) => string)(sampleParams(key, n)));
}

/**
 * Messages that may read exactly as in English, and where: unit symbols and loanwords that are the
 * same words there. Anything else equal to English is an untranslated string.
 */
const SAME_AS_ENGLISH: Partial<Record<MessageKey, Language[]>> = {
  'format.bytes': ['de', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'pl', 'ja', 'zh'], // KB, MB… (French says ko, Mo…)
  'format.seconds': ['fr', 'es', 'it', 'pt', 'pl'], // "5 s"
  'format.minutes': ['fr', 'es', 'it', 'pt', 'pl'], // "3 min 20 s"
  'format.hours': ['fr', 'es', 'it', 'pt'], // "1 h 5 min"
  'backend.wasm': ['nl', 'sv', 'da'], // "WebAssembly (processor)"
  'library.filter.photos': ['fr'], // "Photos"
  'photoKind.screenshot': ['it'], // "Screenshot"
  'photoKind.document': ['fr', 'nl'], // "Document"
  'import.label': ['de', 'sv', 'da', 'pl'], // "Import"
  'analysis.stop': ['da'], // "Stop"
  'viewer.original': ['de', 'es', 'pt', 'sv', 'da'], // "Original"
  'people.name': ['de'], // "Name"
  'people.detail': ['de', 'sv', 'da'], // "Person: Ada"
  'book.format': ['de', 'fr', 'sv', 'da', 'pl'], // "Format"
  'book.pageLabel': ['fr'], // "Page 5"
  'book.pageStrip': ['fr'], // "Pages"
};

describe('UI catalogues', () => {
  it('give every language exactly the keys of English, each a string or a function as in English', () => {
    for (const language of LANGUAGES) {
      const catalogue = catalogues[language];
      expect(Object.keys(catalogue).sort(), language).toEqual([...KEYS].sort());
      for (const key of KEYS) expect(typeof catalogue[key], `${language} ${key}`).toBe(typeof en[key]);
    }
  });

  it('say something whole for every message and count: no empty text, undefined, NaN or leftover {slot}', () => {
    for (const language of LANGUAGES) {
      for (const key of KEYS) {
        for (const text of outputs(language, key)) {
          expect(text.trim(), `${language} ${key}`).not.toBe('');
          expect(text, `${language} ${key}`).not.toMatch(/\b(undefined|NaN|null)\b|\[object|[{}]/);
        }
      }
    }
  });

  it('use the three Polish forms wherever English counts photos', () => {
    const forms: Record<number, string> = { 1: '1 zdjęcie', 2: '2 zdjęcia', 5: '5 zdjęć', 22: '22 zdjęcia' };
    const checked = new Set<MessageKey>();
    for (const key of KEYS.filter(isFunctionKey)) {
      for (const [n, form] of Object.entries(forms)) {
        const english = translate('en', key, sampleParams(key, Number(n)) as never);
        if (!new RegExp(`(?<![\\d.,])${n} photos?\\b`).test(english)) continue;
        checked.add(key);
        expect(translate('pl', key, sampleParams(key, Number(n)) as never), `pl ${key} for ${n}`).toContain(form);
      }
    }
    expect([...checked]).toEqual(expect.arrayContaining(['count.photos', 'library.grid', 'import.summary', 'analysis.paused', 'analysis.failed', 'people.summary']));
  });

  it('count with counters, not plurals, in Japanese and Chinese', () => {
    expect(translate('ja', 'count.photos', { count: 5 })).toBe('5枚');
    expect(translate('zh', 'count.photos', { count: 5 })).toBe('5张照片');
    expect(translate('ja', 'count.photos', { count: 1 })).toBe('1枚');
  });

  it('follow English plurals and keep the wording the browser tests look for', () => {
    expect(translate('en', 'count.photos', { count: 1 })).toBe('1 photo');
    expect(translate('en', 'count.photos', { count: 1234 })).toBe('1,234 photos');
    expect(translate('en', 'library.grid', { count: 22 })).toBe('Library, 22 photos');
    expect(translate('en', 'import.summary', { cancelled: false, imported: 90, duplicates: 0, rejected: 0 })).toBe('Import finished: 90 photos added.');
    expect(translate('en', 'import.summary', { cancelled: true, imported: 1, duplicates: 2, rejected: 1 }))
      .toBe('Import cancelled: 1 photo added, 2 duplicates skipped, 1 file could not be imported.');
    expect(translate('en', 'people.notThisPerson', { name: 'Grace Hopper' })).toBe('Not Grace Hopper');
    expect(translate('de', 'count.photos', { count: 1234 })).toBe('1.234 Fotos');
  });

  it('leave nothing in English except the words each language shares with it', () => {
    const untranslated: string[] = [];
    for (const language of TRANSLATIONS) {
      for (const key of KEYS) {
        const same = outputs(language, key).every((text, i) => text === outputs('en', key)[i]);
        const allowed = SAME_AS_ENGLISH[key]?.includes(language) ?? false;
        if (same !== allowed) untranslated.push(`${language} ${key}: ${same ? 'same as English' : 'allowed as English but differs'}`);
      }
    }
    expect(untranslated).toEqual([]);
  });
});
