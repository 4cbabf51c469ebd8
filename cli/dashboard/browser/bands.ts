/**
 * The band drawn around a group of runs (same algorithm and environment, several seeds):
 * every run's curve is interpolated linearly onto a common grid of environment steps over
 * the range all runs cover, then the band is the mean with the minimum and maximum across
 * runs at each grid point.
 *
 * This is the dashboard's stand-in for the confidence intervals of `cli/experiments/`
 * (issue 14): one function, {@link meanMinMaxBand}, that the statistics module can replace
 * (an IQM with a bootstrap interval has the same shape: a centre line and a lower and an
 * upper edge on the grid).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanMinMaxBand } from "./bands.ts";
 * const band = meanMinMaxBand([
 *   { x: [0, 10], y: [0, 10] },
 *   { x: [0, 10], y: [2, 12] },
 * ], 3);
 * assert.deepEqual([band.lo[1], band.mean[1], band.hi[1]], [5, 6, 7]);
 * ```
 * @module
 */

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
  /** Mean across runs. */
  mean: number[];
  /** Minimum across runs. */
  lo: number[];
  /** Maximum across runs. */
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

/** Linear interpolation of (x, y) at `at` (x increasing, `at` within range). */
function interpolate(x: number[], y: number[], at: number): number {
  let lo = 0, hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= at) lo = mid;
    else hi = mid;
  }
  if (x[hi] === x[lo]) return y[lo];
  const t = (at - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

/**
 * Mean, minimum and maximum of `curves` on `points` grid points over the steps every curve
 * covers; empty when the curves share no range.
 */
export function meanMinMaxBand(curves: Curve[], points = 120): Band {
  const cs = curves.map(clean).filter((c) => c.x.length > 0);
  const empty: Band = { x: [], mean: [], lo: [], hi: [], runs: cs.length };
  if (cs.length === 0) return empty;
  const start = Math.max(...cs.map((c) => c.x[0]));
  const end = Math.min(...cs.map((c) => c.x[c.x.length - 1]));
  if (!(end >= start)) return empty;
  const n = end === start ? 1 : Math.max(2, points);
  const band: Band = { x: [], mean: [], lo: [], hi: [], runs: cs.length };
  for (let i = 0; i < n; i++) {
    const at = n === 1 ? start : start + (end - start) * i / (n - 1);
    let sum = 0, lo = Infinity, hi = -Infinity;
    for (const c of cs) {
      const v = interpolate(c.x, c.y, at);
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    band.x.push(at);
    band.mean.push(sum / cs.length);
    band.lo.push(lo);
    band.hi.push(hi);
  }
  return band;
}
