/**
 * From what the object detector saw (COCO classes) and a few colour statistics to the small theme
 * vocabulary memories and titles use. Colour cues only ever add nature/snow/night/beach to
 * pictures that are photos; they never label people.
 */
import type { Label, Raster, Theme } from './types';

const OBJECT_THEMES: Record<string, Theme[]> = {
  person: ['people'],
  cat: ['pets'], dog: ['pets'],
  bird: ['animals'], horse: ['animals'], sheep: ['animals'], cow: ['animals'], elephant: ['animals'], bear: ['animals'], zebra: ['animals'], giraffe: ['animals'],
  banana: ['food'], apple: ['food'], sandwich: ['food'], orange: ['food'], broccoli: ['food'], carrot: ['food'], 'hot dog': ['food'], pizza: ['food'], donut: ['food'],
  cake: ['food', 'party'],
  bottle: ['drinks'], 'wine glass': ['drinks'], cup: ['drinks'],
  bicycle: ['vehicles'], car: ['vehicles'], motorcycle: ['vehicles'], bus: ['vehicles'], truck: ['vehicles'],
  boat: ['boats'], airplane: ['planes'], train: ['trains'],
  frisbee: ['sport'], 'sports ball': ['sport'], kite: ['sport'], 'baseball bat': ['sport'], 'baseball glove': ['sport'], skateboard: ['sport'], 'tennis racket': ['sport'],
  skis: ['sport', 'snow'], snowboard: ['sport', 'snow'], surfboard: ['sport', 'beach'],
  'traffic light': ['city'], 'fire hydrant': ['city'], 'stop sign': ['city'], 'parking meter': ['city'],
  couch: ['home'], bed: ['home'], 'dining table': ['home'], tv: ['home'], oven: ['home'], refrigerator: ['home'],
  'potted plant': ['flowers'], vase: ['flowers'],
};

/** Objects count towards a theme only when the detector is reasonably sure. */
export const THEME_MIN_SCORE = 0.4;

export interface SceneStats {
  /** Fractions of pixels that look like foliage, sky, snow/white and sand; mean luma 0..1. */
  green: number;
  sky: number;
  white: number;
  sand: number;
  meanLuma: number;
}

/** Colour statistics on a small raster (≈ 64–256 px): cheap cues for outdoor scenes and night. */
export function sceneStats(r: Raster): SceneStats {
  let green = 0;
  let sky = 0;
  let white = 0;
  let sand = 0;
  let luma = 0;
  const pixels = r.width * r.height;
  const topRows = Math.ceil(r.height / 2);
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const i = (y * r.width + x) * 4;
      const red = r.data[i]!, g = r.data[i + 1]!, b = r.data[i + 2]!;
      const max = Math.max(red, g, b);
      const min = Math.min(red, g, b);
      luma += 0.299 * red + 0.587 * g + 0.114 * b;
      if (g > red * 1.08 && g > b * 1.05 && max > 40 && max - min > 20) green++;
      else if (y < topRows && b > red * 1.1 && b >= g && max > 110) sky++;
      else if (min > 200 && max - min < 25) white++;
      else if (red > 150 && red > g && g > b && red - b > 30 && red - b < 110) sand++;
    }
  }
  return { green: green / pixels, sky: sky / pixels, white: white / pixels, sand: sand / pixels, meanLuma: luma / pixels / 255 };
}

/** Scene words from colour statistics, as labels with a modest score (they are cues, not detections). */
export function sceneLabels(stats: SceneStats): Label[] {
  const labels: Label[] = [];
  if (stats.green > 0.3) labels.push({ name: 'greenery', score: Math.min(0.9, stats.green + 0.3), source: 'scene' });
  if (stats.white > 0.35 && stats.sky + stats.green > 0.05) labels.push({ name: 'snow', score: Math.min(0.8, stats.white), source: 'scene' });
  if (stats.sand > 0.2 && stats.sky > 0.1) labels.push({ name: 'beach', score: Math.min(0.8, stats.sand + stats.sky), source: 'scene' });
  if (stats.meanLuma < 0.16) labels.push({ name: 'night', score: Math.min(0.9, 1 - stats.meanLuma * 3), source: 'scene' });
  return labels;
}

const SCENE_THEMES: Record<string, Theme> = { greenery: 'nature', snow: 'snow', beach: 'beach', night: 'night' };

/** Themes of one photo, most certain first, without repeats. */
export function themesOf(labels: Label[], faceCount: number): Theme[] {
  const scored = new Map<Theme, number>();
  const add = (theme: Theme, score: number): void => void scored.set(theme, Math.max(scored.get(theme) ?? 0, score));
  for (const label of labels) {
    if (label.source === 'objects' && label.score >= THEME_MIN_SCORE) for (const theme of OBJECT_THEMES[label.name] ?? []) add(theme, label.score);
    if (label.source === 'scene' && SCENE_THEMES[label.name]) add(SCENE_THEMES[label.name]!, label.score);
  }
  if (faceCount > 0) add('people', 0.9);
  const people = labels.filter((label) => label.name === 'person' && label.score >= THEME_MIN_SCORE).length;
  if (Math.max(people, faceCount) >= 5 && (scored.has('drinks') || scored.has('food'))) add('party', 0.6);
  return [...scored.entries()].sort((a, b) => b[1] - a[1]).map(([theme]) => theme);
}
