/**
 * "Why this memory": one short sentence from the ranking's strongest reasons. The first reason
 * gives the sentence; a second one may follow as a short phrase ("A 4-day trip, far from home").
 */
import type { Language, WhyReason } from '../memories/types';
import { capitalise, cleanText, fillTemplate, formatCount, formatDistance, formatList } from './format';
import { LOCALES, type WhyPhrase } from './locale';
import { countPhrase, themeName } from './words';

type Role = keyof WhyPhrase;

/** Reasons whose sentence is already a whole clause ("Because Anna…"): nothing reads well after it. */
const COMPLETE_ON_THEIR_OWN: ReadonlySet<WhyReason['type']> = new Set(['person', 'theme', 'liked-kind', 'new']);

export function whySentence(reasons: readonly WhyReason[], lang: Language): string {
  const words = LOCALES[lang].why;
  for (const [index, first] of reasons.entries()) {
    const lead = phraseOf(first, 'lead', lang);
    if (lead === null) continue;
    const second = reasons[index + 1];
    const tail = second && second.type !== first.type && !COMPLETE_ON_THEIR_OWN.has(first.type) ? phraseOf(second, 'tail', lang) : null;
    return capitalise(tail ? lead + words.join + tail : lead, lang);
  }
  return words.neutral;
}

/** The reason as an opening sentence or as a trailing phrase; null when it has none or its numbers are unusable. */
function phraseOf(reason: WhyReason, role: Role, lang: Language): string | null {
  const words = LOCALES[lang].why;
  switch (reason.type) {
    case 'person': {
      const name = cleanText(reason.name);
      return name ? fillTemplate(words.person[role], { name }) : words.someone[role];
    }
    case 'people':
      return fillTemplate(words.people[role], { list: peopleList(reason.names, lang) });
    case 'theme':
      return role === 'lead' ? fillTemplate(words.theme, { theme: themeName(reason.theme, lang) }) : null;
    case 'trip':
      return isCount(reason.days) ? formatCount(words.trip[role], reason.days, lang) : null;
    case 'far':
      // Without a usable distance the lead says just "Far from home".
      if (role === 'tail' || !Number.isFinite(reason.km) || reason.km < 1) return words.far.tail;
      return fillTemplate(words.far.lead, { distance: formatDistance(reason.km, lang) });
    case 'anniversary':
      return isCount(reason.yearsAgo) ? fillTemplate(words.anniversary[role], { ago: countPhrase('yearsAgo', reason.yearsAgo, lang) }) : null;
    case 'recent':
      return words.recent[role];
    case 'quality':
      return words.quality[role];
    case 'liked-kind':
      return role === 'lead' ? words.likedKind : null;
    case 'big':
      return isCount(reason.photos) ? fillTemplate(words.big[role], { photos: countPhrase('photos', reason.photos, lang) }) : null;
    case 'favourites':
      return isCount(reason.count) ? fillTemplate(words.favourites[role], { photos: countPhrase('photos', reason.count, lang) }) : null;
    case 'new':
      return role === 'lead' ? words.new : null;
  }
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1;
}

/** Named people by name; the unnamed are described, never given invented names. */
function peopleList(names: Array<string | null>, lang: Language): string {
  const words = LOCALES[lang].why;
  const named = names.map(cleanText).filter(Boolean);
  const unnamed = names.length - named.length;
  if (unnamed === 1) named.push(words.familiarFace);
  else if (unnamed > 0 || named.length === 0) named.push(words.familiarFaces);
  return formatList(named, lang);
}
