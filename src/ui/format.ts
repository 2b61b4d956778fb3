/** Display formatting shared by the UI. */

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "June 2024" from "2024-06" (local-sort times are wall clock stored as UTC). */
export const formatMonth = (key: string): string => monthFormat.format(new Date(`${key}-01T00:00:00Z`));
/** "Mon 3 Jun 2024" from "2024-06-03". */
export const formatDay = (key: string): string => dayFormat.format(new Date(`${key}T00:00:00Z`));

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** How the vision backends are named to people. */
export const BACKEND_NAMES = { webgpu: 'WebGPU (graphics card)', webgl: 'WebGL (graphics card)', wasm: 'WebAssembly (processor)' } as const;
