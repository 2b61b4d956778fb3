/**
 * CenterNet's detection rows worked out in JavaScript from its two heads, exactly as the tail of
 * the converted graph does it (sigmoid heatmap → 3×3 max-pool peak filter → top 100 over all cells
 * and classes → boxes from the size head). On the wasm backend that tail (an Equal, a TopK, casts
 * and gathers over 620,000 heatmap values) cost about a tenth of the detector; here only the cells
 * above `minScore` are looked at. Pure: arrays in, rows out.
 */

/** The graph keeps its 100 best peaks. */
const MAX_ROWS = 100;
/** Input pixels per heatmap cell. */
const STRIDE = 4;

/**
 * `heat`: the sigmoid heatmap [grid, grid, classes] (`tower_0/keypoints`); `wh`: the size head
 * [grid, grid, 4] already scaled to input pixels (`tower_0/wh`): distances from the cell to the
 * left, top, right and bottom edges. Returns rows [x1, y1, x2, y2, score, class] in input pixels,
 * surest first: the graph's `tower_0/detections` rows that score at least `minScore`.
 */
export function peakRows(heat: Float32Array, wh: Float32Array, grid: number, classes: number, minScore: number): Float32Array {
  if (heat.length !== grid * grid * classes || wh.length !== grid * grid * 4) throw new Error(`peakRows: heads of ${heat.length} and ${wh.length} values do not fit a ${grid}² grid of ${classes} classes`);
  const peaks: number[] = [];
  // Almost every value is far below minScore: one tight pass over them, neighbours only for the rest.
  for (let index = 0; index < heat.length; index++) {
    if (heat[index]! >= minScore && isPeak(heat, grid, classes, index)) peaks.push(index);
  }
  peaks.sort((a, b) => heat[b]! - heat[a]! || a - b);
  const kept = peaks.slice(0, MAX_ROWS);
  const rows = new Float32Array(kept.length * 6);
  kept.forEach((index, k) => {
    const { c, cell, x, y } = positionOf(index, grid, classes);
    rows.set([x * STRIDE - wh[cell * 4]!, y * STRIDE - wh[cell * 4 + 1]!, x * STRIDE + wh[cell * 4 + 2]!, y * STRIDE + wh[cell * 4 + 3]!, heat[index]!, c], k * 6);
  });
  return rows;
}

/** Whether no neighbour in the 3×3 window of the same class scores higher (the graph's max-pool equality). */
function isPeak(heat: Float32Array, grid: number, classes: number, index: number): boolean {
  const score = heat[index]!;
  const { c, x, y } = positionOf(index, grid, classes);
  for (let ny = Math.max(0, y - 1); ny <= Math.min(grid - 1, y + 1); ny++) {
    for (let nx = Math.max(0, x - 1); nx <= Math.min(grid - 1, x + 1); nx++) {
      if (heat[(ny * grid + nx) * classes + c]! > score) return false;
    }
  }
  return true;
}

/** A heatmap index as its class, its cell and the cell's column and row. */
function positionOf(index: number, grid: number, classes: number): { c: number; cell: number; x: number; y: number } {
  const c = index % classes;
  const cell = (index - c) / classes;
  const x = cell % grid;
  return { c, cell, x, y: (cell - x) / grid };
}
