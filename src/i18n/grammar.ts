/**
 * Numbers, counts, lists and percentages worded for one language. Every catalogue builds its
 * messages with these, so plurals follow the language's own rules (Polish "2 zdjęcia" but
 * "5 zdjęć", Japanese none at all) and numbers use its digit grouping and decimal mark.
 */
import type { Language } from '../pipeline/memories/types';

/** The forms of a counted phrase by Intl.PluralRules category; "other" is always there. {n} is the number. */
export type PluralForms = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

/** Storage sizes in steps of 1000; each language names them (French says o, ko, Mo…). */
export type ByteUnit = 'B' | 'KB' | 'MB' | 'GB' | 'TB';

export interface Grammar {
  /** "1,234" in English, "1.234" in German; with fractionDigits, exactly that many decimals. */
  number(n: number, fractionDigits?: number): string;
  /** The form for this count, with {n} filled in: plural(5, { one: '{n} photo', other: '{n} photos' }). */
  plural(count: number, forms: PluralForms): string;
  /** "Ada and Grace", "Ada und Grace", "Ada、Grace". */
  list(items: readonly string[]): string;
  /** 0.85 as "85%", "85 %"… */
  percent(fraction: number): string;
}

export function grammar(language: Language): Grammar {
  const rules = new Intl.PluralRules(language);
  const lists = new Intl.ListFormat(language, { type: 'conjunction' });
  const percents = new Intl.NumberFormat(language, { style: 'percent' });
  // toLocaleString builds a number format on every call: the grid words hundreds of numbers a frame.
  const numbers = new Map<number | undefined, Intl.NumberFormat>();
  const number = (n: number, fractionDigits?: number): string => {
    let format = numbers.get(fractionDigits);
    if (!format) numbers.set(fractionDigits, (format = new Intl.NumberFormat(language, fractionDigits === undefined ? undefined : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits })));
    return format.format(n);
  };
  return {
    number,
    plural: (count, forms) => (forms[rules.select(count)] ?? forms.other).replaceAll('{n}', number(count)),
    list: (items) => lists.format(items),
    percent: (fraction) => percents.format(fraction),
  };
}
