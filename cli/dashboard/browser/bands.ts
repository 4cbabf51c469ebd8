/**
 * The band drawn around a group of runs (same algorithm and environment, several seeds):
 * every run's curve is interpolated linearly onto a common grid of environment steps over
 * the range all runs cover.
 *
 * {@link iqmBand} draws what `deno task compare` reports: the interquartile mean across
 * runs with its 95 % bootstrap interval (the statistics of `cli/experiments/statistics.ts`),
 * in the same shape — a centre line and a lower and an upper edge on a grid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iqmBand } from "./bands.ts";
 * const band = iqmBand([{ x: [0, 10], y: [0, 10] }, { x: [0, 10], y: [2, 12] }], 3);
 * assert.deepEqual(band.x, [0, 5, 10]);
 * assert.deepEqual(band.mean, [1, 6, 11]); // the IQM of two runs is their mean
 * assert.ok(band.lo[1] >= 5 && band.hi[1] <= 7);
 * ```
 * @module
 */
import { aggregateCurves, iqm } from "../../experiments/statistics.ts";

/** One run's curve: y against x, x increasing (null y: missing). */
export interface Curve {
  /** Environment steps, increasing. */
  x: number[];
  /** The metric. */
  y: (number | null)[];
}

/** A centre line with lower and upper edges on a common grid. */
export interface Band {
  /** The grid. */
  x: number[];
  /** The centre line (the IQM across runs). */
  mean: number[];
  /** Lower edge (of the 95 % interval). */
  lo: number[];
  /** Upper edge. */
  hi: number[];
  /** Runs in the band. */
  runs: number;
}

function clean(c: Curve): { x: number[]; y: number[] } {
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < c.x.length; i++) {
    const v = c.y[i];
    if (v !== null && v !== undefined && Number.isFinite(v) && Number.isFinite(c.x[i])) {
      x.push(c.x[i]);
      y.push(v);
    }
  }
  return { x, y };
}

/**
 * The interquartile mean across `curves` with its 95 % stratified-bootstrap interval at
 * `points` steps that every curve covers (seeded: the same band on every redraw).
 */
export function iqmBand(curves: Curve[], points = 60): Band {
  const live = curves.map(clean).filter((c) => c.x.length > 0);
  const from = Math.max(...live.map((c) => c.x[0]));
  const to = Math.min(...live.map((c) => c.x[c.x.length - 1]));
  if (live.length === 0 || !(to >= from)) return { x: [], mean: [], lo: [], hi: [], runs: 0 };
  const agg = aggregateCurves(live, iqm, { points: to > from ? points : 1, reps: 300, seed: 0 });
  return {
    x: agg.map((p) => p.x),
    mean: agg.map((p) => p.y),
    lo: agg.map((p) => p.lo),
    hi: agg.map((p) => p.hi),
    runs: live.length,
  };
}
