/**
 * The scale benchmark's side in the page (bench/scale.ts bundles this module with the synthetic
 * library generator into one script, so that no function is serialised from Node): main-thread
 * observers installed before the app's scripts, and each measured step as a person would take it.
 */
import type { Language } from '../src/pipeline/memories/types';

export { seedSyntheticLibrary, syntheticLibrarySize, syntheticLibraryStale } from './synthetic-library';

export interface Worst {
  /** Longest main-thread task (PerformanceObserver 'longtask'), ms. */
  longestTaskMs: number;
  tasksOver50ms: number;
  /** Longest animation frame ('long-animation-frame': script, style, layout and paint of one frame), ms. */
  longestFrameMs: number;
  framesOver50ms: number;
  framesOver100ms: number;
  /** The scripts that ran in the longest frame, longest first (Long Animation Frames attribution). */
  longestFrameScripts?: FrameScript[];
}

/** One script in a long animation frame: what invoked it, where it lives and how long it ran. */
interface FrameScript {
  invoker: string;
  source: string;
  ms: number;
}

interface ScaleWindow {
  __scale: {
    tasks: Array<{ start: number; ms: number }>;
    frames: Array<{ start: number; ms: number; scripts: FrameScript[] }>;
    gridAt: number | null;
    thumbsAt: number | null;
    worst(from: number, to: number): Worst;
  };
}

/** What the observers installed by observeMainThread have seen on this page. */
export const scale = (): ScaleWindow['__scale'] => (window as unknown as ScaleWindow).__scale;

export interface FilterFigures extends Worst {
  ms: number;
  shown: number;
  expected?: number;
}

/**
 * Runs in the page before its scripts (every navigation): long tasks and long animation frames
 * from the start, and when the grid first shows photo cells and then their thumbnails.
 */
export function observeMainThread(): void {
  const scale: ScaleWindow['__scale'] = {
    tasks: [],
    frames: [],
    gridAt: null,
    thumbsAt: null,
    worst(from, to) {
      const tasks = this.tasks.filter((t) => t.start + t.ms >= from && t.start <= to).map((t) => t.ms);
      const inRange = this.frames.filter((f) => f.start + f.ms >= from && f.start <= to);
      const frames = inRange.map((f) => f.ms);
      const longest = inRange.reduce<(typeof inRange)[number] | null>((worst, f) => (!worst || f.ms > worst.ms ? f : worst), null);
      return {
        longestTaskMs: Math.round(Math.max(0, ...tasks)),
        tasksOver50ms: tasks.length,
        longestFrameMs: Math.round(Math.max(0, ...frames)),
        framesOver50ms: frames.length,
        framesOver100ms: frames.filter((ms) => ms > 100).length,
        ...(longest?.scripts.length ? { longestFrameScripts: longest.scripts } : {}),
      };
    },
  };
  (window as unknown as ScaleWindow).__scale = scale;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) scale.tasks.push({ start: entry.startTime, ms: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) scale.frames.push({ start: entry.startTime, ms: entry.duration, scripts: frameScripts(entry) });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // Not in this browser: long tasks only.
  }
  const watch = (): void => {
    const grid = document.querySelector('[data-testid=library-grid]');
    if (scale.gridAt === null && grid?.querySelector('button[data-photo-id]')) scale.gridAt = performance.now();
    if (scale.gridAt !== null && grid) {
      const bounds = grid.getBoundingClientRect();
      const inView = [...grid.querySelectorAll('img')].filter((img) => {
        const r = img.getBoundingClientRect();
        return r.bottom > bounds.top && r.top < bounds.bottom;
      });
      if (inView.length && inView.every((img) => img.getAttribute('src') && img.complete)) scale.thumbsAt = performance.now();
    }
    if (scale.thumbsAt === null) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

/** The three longest scripts of a long animation frame (PerformanceScriptTiming), for attribution. */
function frameScripts(entry: PerformanceEntry): FrameScript[] {
  const scripts = (entry as PerformanceEntry & { scripts?: Array<{ invoker: string; sourceURL: string; sourceFunctionName: string; sourceCharPosition: number; duration: number }> }).scripts ?? [];
  return scripts
    .map((script) => ({
      invoker: script.invoker,
      source: `${script.sourceURL.slice(script.sourceURL.lastIndexOf('/') + 1)}:${script.sourceCharPosition}${script.sourceFunctionName ? ` ${script.sourceFunctionName}` : ''}`,
      ms: Math.round(script.duration),
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3);
}

/** Runs in the page: scroll the timeline from top to bottom, `step` px a frame. */
export async function scrollThrough(step: number): Promise<Worst & { pixels: number; frames: number; ms: number; meanFrameMs: number; thumbnailsShownAtEnd: number; longTasks: Array<{ atMs: number; ms: number }> }> {
  const scale = (window as unknown as ScaleWindow).__scale;
  const grid = document.querySelector<HTMLElement>('[data-testid=library-grid]')!;
  grid.scrollTop = 0;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const started = performance.now();
  let frames = 0;
  while (grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1) {
    grid.scrollTop += step;
    await new Promise(requestAnimationFrame);
    frames++;
  }
  // The last frames' tasks are reported a little later.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ms = performance.now() - started;
  // When each task over 50 ms began, from the scroll's start: at the start, on the way, or at the end.
  const longTasks = scale.tasks.filter((t) => t.start + t.ms >= started).map((t) => ({ atMs: Math.round(t.start - started), ms: Math.round(t.ms) }));
  return {
    pixels: Math.round(grid.scrollTop),
    frames,
    ms: Math.round(ms),
    meanFrameMs: Math.round((ms / Math.max(1, frames)) * 10) / 10,
    thumbnailsShownAtEnd: grid.querySelectorAll('img[src]').length,
    longTasks,
    ...scale.worst(started, performance.now()),
  };
}

/**
 * Runs in the page: apply each filter as a person would (the pickers' change events, the chip's
 * clear button) and time from the action to the frame that shows the result (the next animation
 * frame has run and painted), with the longest task in between.
 */
export async function measureFilters(): Promise<Record<string, FilterFigures | string>> {
  const scale = (window as unknown as ScaleWindow).__scale;
  const grid = document.querySelector<HTMLElement>('[data-testid=library-grid]')!;
  // The grid's label says how many photos it shows ("Library, 1,234 photos").
  const shown = (): number => Number(grid.getAttribute('aria-label')?.replace(/\D/g, '') || 0);
  const painted = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 400));
  const timed = async (action: () => void, expected?: number): Promise<FilterFigures> => {
    await settle();
    const started = performance.now();
    action();
    await painted();
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { ms: Math.round(ms * 10) / 10, shown: shown(), ...(expected === undefined ? {} : { expected }), ...scale.worst(started, started + ms) };
  };
  const choose = (testId: string, value: string): void => {
    const select = document.querySelector<HTMLSelectElement>(`[data-testid=${testId}]`);
    if (!select) throw new Error(`no ${testId}`);
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const optionOf = (testId: string, pick: (options: HTMLOptionElement[]) => HTMLOptionElement | undefined): HTMLOptionElement => {
    const options = [...document.querySelectorAll<HTMLOptionElement>(`[data-testid=${testId}] option`)].filter((option) => option.value && !option.disabled);
    const option = pick(options);
    if (!option) throw new Error(`nothing to choose in ${testId} (${options.length} options; screens: ${[...document.querySelectorAll('[data-screen]')].map((b) => b.textContent).join(' ')})`);
    return option;
  };
  const countIn = (option: HTMLOptionElement): number | undefined => {
    const match = /\(([\d\s.,  ]+)\)\s*$/.exec(option.textContent ?? '');
    return match ? Number(match[1]!.replace(/\D/g, '')) : undefined;
  };
  const clear = (testId: string): void => {
    const button = document.querySelector<HTMLButtonElement>(`[data-testid=${testId}] button`);
    if (!button) throw new Error(`no ${testId} to clear`);
    button.click();
  };
  const all = shown();
  const out: Record<string, FilterFigures | string> = {};
  // The person with the most photos (the people list is most-photographed first).
  const person = optionOf('person-picker', (options) => options[0]);
  out.personWhat = `${person.textContent?.trim()}`;
  out.person = await timed(() => choose('person-picker', person.value));
  out.personClear = await timed(() => clear('person-filter'), all);
  // The place with the most photos that is not a whole country.
  const place = optionOf('place-picker', (options) => options.filter((o) => o.dataset.kind === 'place').sort((a, b) => (countIn(b) ?? 0) - (countIn(a) ?? 0))[0]);
  out.placeWhat = place.textContent?.trim() ?? '';
  out.place = await timed(() => choose('place-picker', place.value), countIn(place));
  out.placeClear = await timed(() => clear('place-filter'), all);
  const country = optionOf('place-picker', (options) => options.filter((o) => o.dataset.kind === 'country').sort((a, b) => (countIn(b) ?? 0) - (countIn(a) ?? 0))[1] ?? options[0]);
  out.countryWhat = country.textContent?.trim() ?? '';
  out.country = await timed(() => choose('place-picker', country.value), countIn(country));
  out.countryClear = await timed(() => clear('place-filter'), all);
  // A year in the middle of the library, then a month of it.
  const year = optionOf('year-picker', (options) => options[Math.floor(options.length / 2)]);
  out.yearWhat = year.textContent?.trim() ?? '';
  out.year = await timed(() => choose('year-picker', year.value), countIn(year));
  const month = optionOf('month-picker', (options) => options[Math.floor(options.length / 2)]);
  out.monthWhat = month.textContent?.trim() ?? '';
  out.month = await timed(() => choose('month-picker', month.value), countIn(month));
  out.dateClear = await timed(() => clear('date-filter'), all);
  return out;
}

/** Runs in the page: open the People screen; time to its cards, then to the cover faces of those in view. */
export async function openPeople(): Promise<Worst & { ms: number; coversMs: number; people: number }> {
  const scale = (window as unknown as ScaleWindow).__scale;
  await new Promise((resolve) => setTimeout(resolve, 400));
  const started = performance.now();
  document.querySelector<HTMLButtonElement>('[data-screen=people]')!.click();
  await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const ms = performance.now() - started;
  const cards = (): HTMLElement[] => [...document.querySelectorAll<HTMLElement>('[data-testid=person]')];
  let coversMs = -1;
  for (let i = 0; i < 1200 && coversMs < 0; i++) {
    // A card shows a canvas with the face once its cover is read, a "?" until then.
    const inView = cards().filter((card) => card.getBoundingClientRect().top < innerHeight);
    if (inView.length && inView.every((card) => card.querySelector('canvas'))) coversMs = performance.now() - started;
    else await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const worst = scale.worst(started, started + Math.max(ms, coversMs));
  const people = cards().length;
  document.querySelector<HTMLButtonElement>('[data-screen=library]')!.click();
  await new Promise((resolve) => setTimeout(resolve, 400));
  return { ms: Math.round(ms), coversMs: Math.round(coversMs), people, ...worst };
}

export type MemoriesFigures = Worst & { ms: number; workerMs: number | null; workerPhases: unknown; memories: number };

/**
 * Runs in the page: make memories again after what a person changes, each time to stored and shown:
 * another language (the first run after the reload: the worker has read nothing yet), the language
 * back (the worker keeps the library and its ranking), then a favourite photo (ranks again). The
 * favourite is taken back afterwards, untimed, so a kept profile stays as it was.
 */
export async function makeMemories(): Promise<{ ms: number; changes: Record<'language' | 'languageBack' | 'favourite', MemoriesFigures> }> {
  const keepsake = window.__keepsake!;
  await keepsake.clusterSettled();
  const original = document.documentElement.lang as Language;
  const photoId = document.querySelector<HTMLElement>('[data-photo-id]')?.dataset.photoId;
  if (!photoId) throw new Error('no photo in the grid to favourite');
  const favourite = (type: 'favourite' | 'unfavourite') => keepsake.replaySignals([{ at: Date.now(), type, target: { photoId } }]);
  const changes = {
    language: await timeMemories(() => keepsake.setLanguage(original === 'de' ? 'en' : 'de')),
    languageBack: await timeMemories(() => keepsake.setLanguage(original)),
    favourite: await timeMemories(() => favourite('favourite')),
  };
  await favourite('unfavourite');
  await keepsake.clusterSettled();
  return { ms: Math.max(...Object.values(changes).map((change) => change.ms)), changes };
}

async function timeMemories(change: () => Promise<void>): Promise<MemoriesFigures> {
  const scale = (window as unknown as ScaleWindow).__scale;
  const keepsake = window.__keepsake!;
  const started = performance.now();
  await change();
  await keepsake.clusterSettled();
  const ms = performance.now() - started;
  const status = keepsake.status();
  return { ms: Math.round(ms), workerMs: status.cluster.lastMs?.memories ?? null, workerPhases: status.cluster.memoryPhases, memories: Number(document.querySelector('[data-screen=memories] .count')?.textContent?.replace(/\D/g, '') ?? 0), ...scale.worst(started, started + ms) };
}

/** Runs in the page: lay out a book of the best memory worth one. */
export async function makeBook(): Promise<Worst & { ms: number; pages: number; memoryId: string | null }> {
  const scale = (window as unknown as ScaleWindow).__scale;
  const started = performance.now();
  const made = await window.__keepsake!.makeBook(null, 'square-20', 'standard');
  const ms = performance.now() - started;
  if ('error' in made) throw new Error(made.error);
  return { ms: Math.round(ms), pages: made.pages, memoryId: made.memoryId, ...scale.worst(started, started + ms) };
}

