/**
 * The values last made for a few objects (by identity), held strongly, the least recently used
 * dropped first. The page uses it where a WeakMap would hold a big derived value (a layout of
 * 100,000 photos, a person's photos as a set): a WeakMap's value is only marked once its key has
 * been, and in Chromium such big values were left to the collector's final pause (see
 * docs/decisions.md, "Garbage collection while scrolling"). Pure: no browser imports.
 */
export class RecentValues<K extends object, V> {
  readonly #entries: Array<{ key: K; value: V }> = [];

  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const last = this.#entries.length - 1;
    if (this.#entries[last]?.key === key) return this.#entries[last].value;
    const at = this.#entries.findIndex((entry) => entry.key === key);
    if (at < 0) return undefined;
    const [entry] = this.#entries.splice(at, 1);
    this.#entries.push(entry!);
    return entry!.value;
  }

  /** Keep `value` for `key` (the most recent now); returns `value`. */
  set(key: K, value: V): V {
    const at = this.#entries.findIndex((entry) => entry.key === key);
    if (at >= 0) this.#entries.splice(at, 1);
    this.#entries.push({ key, value });
    if (this.#entries.length > this.capacity) this.#entries.shift();
    return value;
  }
}
