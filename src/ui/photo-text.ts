/**
 * Words for a photo, for those who hear the screen instead of seeing it: when it was taken, where,
 * and who is in it (people the person named), e.g. "Sat, Jul 14, 2023, Lisbon, with Ada and Grace".
 */
import type { Library } from '../state/library.svelte';
import type { PersonRecord } from '../db/schema';
import { t } from '../i18n/i18n.svelte';
import { peopleByPhoto } from '../pipeline/people/summary';
import { formatDay } from './format';
import { RecentValues } from '../pipeline/library/recent';

/** Named people's names by photo, made once per people list: the grid asks for every cell it draws. */
const namesByPeople = new RecentValues<readonly PersonRecord[], ReadonlyMap<string, string[]>>(1);

function namesByPhoto(people: readonly PersonRecord[]): ReadonlyMap<string, string[]> {
  let map = namesByPeople.get(people);
  if (!map) {
    // Only the people the person named and shows: a name stands where the index keeps an id.
    const named = people.flatMap((person) => (person.name && !person.hidden ? [{ id: person.name, photoIds: person.photoIds }] : []));
    namesByPeople.set(people, (map = peopleByPhoto(named)));
  }
  return map;
}

/**
 * `takenMs` is the photo's local wall-clock time stored as UTC (LibraryPhoto.t); without it the day
 * comes from the photo's event.
 */
export function describePhoto(library: Library, id: string, takenMs?: number): string {
  const event = library.eventOf.get(id);
  const day = takenMs !== undefined && Number.isFinite(takenMs) ? new Date(takenMs).toISOString().slice(0, 10) : event?.days.find((d) => d.photoIds.includes(id))?.date;
  return t('photo.describe', { when: day ? formatDay(day) : null, place: event?.photoPlaces.get(id) ?? null, names: namesByPhoto(library.people).get(id) ?? [] });
}
