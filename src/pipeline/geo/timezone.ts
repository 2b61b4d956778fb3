/**
 * When a photo says what its wall clock read but not its UTC offset, the time zone at its GPS
 * position says it (tz-lookup: a compact offline zone map, then Intl for the offset at that date).
 */
import tzLookup from '@photostructure/tz-lookup';

/** The UTC offset, in minutes, in force at a position for a local wall-clock time (ms as if UTC). */
export function offsetMinutesAt(lat: number, lon: number, localMs: number): number | null {
  const zone = zoneAt(lat, lon);
  if (!zone) return null;
  // The offset at the local time read as UTC is right except within hours of a DST switch; one
  // correction step settles those.
  const first = zoneOffsetMinutes(zone, localMs);
  return zoneOffsetMinutes(zone, localMs - first * 60_000);
}

const zones = new Map<string, string | null>();

/** The zone at a position, remembered per ~1 km cell: a library has thousands of photos from a few hundred spots. */
function zoneAt(lat: number, lon: number): string | null {
  const key = `${lat.toFixed(2)}:${lon.toFixed(2)}`;
  let zone = zones.get(key);
  if (zone === undefined) {
    try {
      zone = tzLookup(lat, lon);
    } catch {
      zone = null;
    }
    zones.set(key, zone);
  }
  return zone;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const DAY_MS = 86_400_000;
/** The offsets at the start and end of each UTC day already asked about, by zone. */
const dayEnds = new Map<string, readonly [number, number]>();
/** Enough days for a lifetime of photos in a few dozen zones; then start again rather than grow. */
const MAX_DAYS = 200_000;

/**
 * The UTC offset, in minutes, of an IANA zone at a UTC instant. Intl is slow (microseconds a call)
 * and zones change offset at most twice a year, so a day whose two ends agree answers from memory.
 */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const day = Math.floor(utcMs / DAY_MS);
  const key = `${zone} ${day}`;
  let ends = dayEnds.get(key);
  if (!ends) {
    if (dayEnds.size >= MAX_DAYS) dayEnds.clear();
    ends = [intlOffsetMinutes(zone, day * DAY_MS), intlOffsetMinutes(zone, (day + 1) * DAY_MS - 1000)];
    dayEnds.set(key, ends);
  }
  return ends[0] === ends[1] ? ends[0] : intlOffsetMinutes(zone, utcMs);
}

function intlOffsetMinutes(zone: string, utcMs: number): number {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60_000);
}
