/**
 * Place names a person would use: for one position, the town it is in (the big city a suburb
 * belongs to, not the suburb); for an event, its one town, its two towns, its region or its
 * country ("Lisbon, Portugal", "Leuven and Brussels, Belgium", "Scotland", "Japan").
 */
import type { Gazetteer, GazetteerCity } from './gazetteer';

export interface Place {
  city: string | null;
  /** First-level region (England, Flanders, Kyoto…). */
  admin1: string | null;
  countryCode: string;
  /** English country name (issue 6 localises it from countryCode). */
  country: string;
  label: string;
}

/** A town's pull: how far from its centre a place still belongs to it (3 km for 10,000 people, 13 km for 400,000, 47 km for 10 million). */
export const urbanRadiusKm = (population: number): number => 3 * Math.max(1, population / 10_000) ** 0.4;

const SEARCH_KM = 60;
/** Out in the wilds (Death Valley), the nearest town still says which country. */
const COUNTRY_KM = 300;

/** Regions that are countries in their own right in everyday speech: named alone ("Scotland"). */
const REGION_IS_COUNTRY = new Set(['GB']);

function regionLabel(region: string, countryCode: string, country: string): string {
  return REGION_IS_COUNTRY.has(countryCode) ? region : `${region}, ${country}`;
}

const cityLabel = (city: string, countryCode: string, country: string, region: string | null): string =>
  REGION_IS_COUNTRY.has(countryCode) && region && region !== city ? `${city}, ${region}` : `${city}, ${country}`;

function toPlace(city: GazetteerCity, named: boolean): Place {
  const name = named ? city.name : null;
  return {
    city: name,
    admin1: city.region,
    countryCode: city.countryCode,
    country: city.country,
    label: name ? cityLabel(name, city.countryCode, city.country, city.region) : city.region ? regionLabel(city.region, city.countryCode, city.country) : city.country,
  };
}

/** A city swallows the nearer town only when it is this many times bigger (Lisbon and Belém, not Algueirão and Sintra)… */
const SWALLOWS = 4;
/**
 * …and a city in its own right only in its inner half (Brooklyn is New York; Potsdam beside
 * Berlin, Nara beside Osaka and Long Beach beside Los Angeles are themselves).
 */
const OWN_CITY = 100_000;

/**
 * The place at a position: the nearest real town, unless a much bigger city's pull reaches the
 * position (then the biggest such city: Chorlton is Manchester, Arashiyama is Kyoto).
 */
export function placeAt(gazetteer: Gazetteer, lat: number, lon: number): Place | null {
  const near = gazetteer.near(lat, lon, SEARCH_KM).filter(({ index }) => !gazetteer.isNeighbourhood(index));
  const people = (index: number): number => gazetteer.population(index);
  // Entries without a population are GeoNames records with missing data, not villages of nobody.
  let town: number | null = null;
  let townKm = SEARCH_KM / 2;
  for (const { index, km } of near) if (people(index) > 0 && km <= townKm) [town, townKm] = [index, km];
  const floor = SWALLOWS * (town === null ? 0 : people(town));
  const reachShare = town !== null && people(town) >= OWN_CITY ? 0.5 : 1;
  let best = town;
  for (const { index, km } of near) {
    if (people(index) >= floor && people(index) > (best === null ? 0 : people(best)) && km <= reachShare * urbanRadiusKm(people(index))) best = index;
  }
  if (best !== null) return toPlace(gazetteer.city(best), true);
  // Regions are irregular: far from any town only the country is sure.
  const far = gazetteer.near(lat, lon, COUNTRY_KM).sort((a, b) => a.km - b.km)[0];
  return far ? { ...toPlace(gazetteer.city(far.index), false), admin1: null, label: gazetteer.city(far.index).country } : null;
}

/** One town holding this share of an event's located photos names the event. */
const DOMINANT_SHARE = 0.6;

/** The name of a set of places (an event's photos, with repeats): the narrowest that fits them all. */
export function placeOfMany(places: readonly Place[]): Place | null {
  if (!places.length) return null;
  const first = places[0]!;
  const countries = counted(places.map((p) => p.countryCode));
  if (countries.length > 1) {
    const names = countries.slice(0, 3).map(([code]) => places.find((p) => p.countryCode === code)!.country);
    const label = countries.length > 3 ? `${names.join(', ')} and more` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    return { city: null, admin1: null, countryCode: countries[0]![0], country: names[0]!, label };
  }
  const cities = counted(places.map((p) => p.city ?? ''));
  const [topCity, topCount] = cities[0]!;
  const sample = (city: string): Place => places.find((p) => (p.city ?? '') === city)!;
  if (topCity && topCount >= DOMINANT_SHARE * places.length) return sample(topCity);
  if (cities.length === 2 && cities.every(([city]) => city)) {
    const [a, b] = [cities[0]![0], cities[1]![0]];
    return { ...sample(a), label: `${a} and ${b}, ${REGION_IS_COUNTRY.has(first.countryCode) && first.admin1 ? first.admin1 : first.country}` };
  }
  const regions = counted(places.map((p) => p.admin1 ?? ''));
  if (regions.length === 1 && regions[0]![0]) return { city: null, admin1: first.admin1, countryCode: first.countryCode, country: first.country, label: regionLabel(first.admin1!, first.countryCode, first.country) };
  return { city: null, admin1: null, countryCode: first.countryCode, country: first.country, label: first.country };
}

/** Values with their counts, most frequent first (ties in first-seen order). */
function counted<T>(values: readonly T[]): Array<[T, number]> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}
