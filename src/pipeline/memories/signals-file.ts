/**
 * The signals file the `book` command replays (`--signals signals.jsonl`): one JSON signal per
 * line, as in the app's log (DESIGN.md §6). A target may name a photo by its path in the folder
 * instead of its id, which is easier to write by hand. Pure.
 */
import type { SignalRecord, SignalType } from '../../db/schema';

const TYPES: readonly SignalType[] = [
  'favourite', 'unfavourite', 'hide', 'unhide', 'open', 'dwellMs', 'share', 'print', 'removeFromMemory', 'addToMemory', 'rename',
  'thumbsUp', 'thumbsDown', 'notThisPerson', 'moveFace', 'merge', 'dismiss', 'resetLearning',
];
const TARGETS = ['photoId', 'memoryId', 'personId', 'eventId', 'faceId', 'path'] as const;

export interface FileSignal extends Omit<SignalRecord, 'target'> {
  target: SignalRecord['target'] & { path?: string };
}

export class SignalsFileError extends Error {}

/** Parse and check every line; the first bad one throws with its line number. Signals without `at` get their line order. */
export function parseSignalsFile(text: string): FileSignal[] {
  const signals: FileSignal[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SignalsFileError(`${where} is not JSON`);
    }
    if (!value || typeof value !== 'object') throw new SignalsFileError(`${where} is not a JSON object`);
    const { type, target = {}, at, value: payload } = value as Record<string, unknown>;
    if (!TYPES.includes(type as SignalType)) throw new SignalsFileError(`${where}: unknown signal type ${JSON.stringify(type)} (known: ${TYPES.join(', ')})`);
    if (!target || typeof target !== 'object') throw new SignalsFileError(`${where}: "target" must be an object`);
    const keys = Object.keys(target);
    const unknown = keys.find((key) => !(TARGETS as readonly string[]).includes(key));
    if (unknown) throw new SignalsFileError(`${where}: unknown target field "${unknown}" (known: ${TARGETS.join(', ')})`);
    if (keys.some((key) => typeof (target as Record<string, unknown>)[key] !== 'string')) throw new SignalsFileError(`${where}: target ids must be strings`);
    if (at !== undefined && (typeof at !== 'number' || !Number.isFinite(at))) throw new SignalsFileError(`${where}: "at" must be a number (ms)`);
    signals.push({ at: (at as number | undefined) ?? signals.length + 1, type: type as SignalType, target: target as FileSignal['target'], ...(payload === undefined ? {} : { value: payload }) });
  });
  return signals;
}

/** Replace photo paths by photo ids (paths relative to the imported folder). */
export function resolveSignalPaths(signals: readonly FileSignal[], photoIdOf: (path: string) => string | undefined): SignalRecord[] {
  return signals.map((signal, i) => {
    const { path, ...target } = signal.target;
    if (path === undefined) return { ...signal, target };
    const photoId = photoIdOf(path);
    if (!photoId) throw new SignalsFileError(`signal ${i + 1}: no imported photo has the path ${path}`);
    return { ...signal, target: { ...target, photoId } };
  });
}
