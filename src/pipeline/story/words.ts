/** Single words and short phrases the UI shows on their own: badges, theme names, places, counts. */
import type { Theme } from '../analyse/types';
import type { Language, MemoryKind, MemoryPlace } from '../memories/types';
import { cleanText, countryName, fillTemplate, formatCount, formatList } from './format';
import { LOCALES, type Locale } from './locale';

/** A short badge for the kind of memory: "Trip", "Reise", "旅行". */
export function kindLabel(kind: MemoryKind, lang: Language): string {
  return LOCALES[lang].kinds[kind];
}

/** The plain name of a theme: "pets", "Haustiere", "ペット". */
export function themeName(theme: Theme, lang: Language): string {
  return LOCALES[lang].themes[theme];
}

export type CountedThing = keyof Locale['counts'];

/** "5 photos", "5 zdjęć", "5枚"; "2 years ago", "vor 2 Jahren". */
export function countPhrase(thing: CountedThing, n: number, lang: Language): string {
  return formatCount(LOCALES[lang].counts[thing], n, lang);
}

/** The towns of a place as one phrase ("Leuven and Brussels"), '' when it names none. */
export function cityList(place: MemoryPlace, lang: Language): string {
  const cities = place.cities.slice(0, 3).map(cleanText).filter(Boolean);
  return cities.length > 0 ? formatList(cities, lang) : '';
}

/**
 * The place as a title names it: its towns, else its region, else its country in the language.
 * Town and region names stay as given; only the country is localised.
 */
export function placeName(place: MemoryPlace, lang: Language): string {
  return cityList(place, lang) || cleanText(place.region) || (countryName(place.countryCode, lang) ?? '');
}

/** The place with its country, for subtitles: "Lisbon, Portugal"; just the country when that is all. */
export function placeWithCountry(place: MemoryPlace, lang: Language): string {
  const name = placeName(place, lang);
  const country = countryName(place.countryCode, lang);
  if (!country) return name;
  if (!name || name === country) return country;
  return fillTemplate(LOCALES[lang].placeInCountry, { place: name, country }) ?? name;
}
