/**
 * Aggregate statistics over runs (seeds), after Agarwal et al. (2021), "Deep RL at the Edge
 * of the Statistical Precipice". Pure functions: no Deno APIs, so the benchmarks and the
 * dashboard import them as they are.
 *
 * - mean, median, population standard deviation;
 * - interquartile mean, the mean of the middle 50 % of the probability mass of the sorted
 *   sample: with weights `1/n` per run, run `i` (sorted, 0-based) keeps the part of
 *   `[i/n, (i+1)/n]` that lies in `[1/4, 3/4]`, so
 *   `IQM = 2 Σ_i x_(i) · |[i/n, (i+1)/n] ∩ [1/4, 3/4]|`
 *   (for `n` divisible by 4 this is the 25 %-trimmed mean; for `n = 3` it is
 *   `(x₁ + 4x₂ + x₃)/6`);
 * - percentile confidence intervals from a stratified bootstrap: each stratum (one task,
 *   or one group's seeds) is resampled with replacement on its own, the statistic is
 *   computed on the pooled resample, and the interval is the `α/2` and `1 − α/2`
 *   quantiles of `reps` such statistics; the generator is seeded, so intervals reproduce;
 * - area under a learning curve (trapezoid rule, divided by the span of steps, so it is the
 *   mean return over training and has the units of a return);
 * - performance profiles: the fraction of runs whose score exceeds `τ`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapCi, iqm, mean } from "./statistics.ts";
 * assert.equal(iqm([1, 2, 3, 4, 5, 6, 7, 100]), 4.5);
 * const [lo, hi] = bootstrapCi([[1, 2, 3, 4, 5]], mean, { seed: 1 });
 * assert.ok(lo < 3 && 3 < hi);
 * ```
 * @module
 */
import { Rng } from "../../random.ts";

/** Arithmetic mean (NaN for an empty sample). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation, `√(Σ(x − x̄)²/n)` (NaN for an empty sample). */
export function std(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const m = mean(xs);
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  return Math.sqrt(v / xs.length);
}

function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Median: the middle value, or the mean of the two middle values (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Quantile `q ∈ [0, 1]` by linear interpolation between order statistics (NumPy's default,
 * "linear"; NaN when empty).
 */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  return quantileSorted(sorted(xs), q);
}

function quantileSorted(s: readonly number[], q: number): number {
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Interquartile mean: the mean of the middle 50 % of the mass (see the module doc). */
export function iqm(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const s = sorted(xs);
  // Weights in units of 1/n (exact for the usual n), normalised by their sum (n/2).
  let total = 0, weights = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.max(0, Math.min(i + 1, 0.75 * n) - Math.max(i, 0.25 * n));
    total += w * s[i];
    weights += w;
  }
  return total / weights;
}

/** Options of {@link bootstrapCi}. */
export interface BootstrapOptions {
  /** Bootstrap resamples (default 2000). */
  reps?: number;
  /** Confidence level (default 0.95). */
  confidence?: number;
  /** Seed of the resampling generator (default 0). */
  seed?: number;
}

/**
 * Stratified-bootstrap percentile interval of `statistic`: `strata` are resampled each
 * with replacement (keeping their sizes), pooled, and `statistic` is evaluated on each
 * pooled resample. Returns `[lo, hi]`; `[NaN, NaN]` when there is no data.
 */
export function bootstrapCi(
  strata: readonly (readonly number[])[],
  statistic: (xs: readonly number[]) => number,
  options: BootstrapOptions = {},
): [number, number] {
  const reps = options.reps ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(reps) || reps < 1) {
    throw new RangeError(`bootstrapCi: reps must be a positive integer, got ${reps}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`bootstrapCi: confidence must be in (0, 1), got ${confidence}`);
  }
  const total = strata.reduce((n, s) => n + s.length, 0);
  if (total === 0) return [NaN, NaN];
  const rng = new Rng(options.seed ?? 0);
  const values = new Array<number>(reps);
  const pooled = new Array<number>(total);
  for (let r = 0; r < reps; r++) {
    let k = 0;
    for (const stratum of strata) {
      const m = stratum.length;
      for (let i = 0; i < m; i++) pooled[k++] = stratum[rng.integer(m)];
    }
    values[r] = statistic(pooled);
  }
  const s = sorted(values);
  const alpha = 1 - confidence;
  return [quantileSorted(s, alpha / 2), quantileSorted(s, 1 - alpha / 2)];
}

/** The summary of one sample: point estimates and bootstrap intervals. */
export interface SampleSummary {
  /** Number of values. */
  n: number;
  /** Mean. */
  mean: number;
  /** Median. */
  median: number;
  /** Interquartile mean. */
  iqm: number;
  /** Population standard deviation. */
  std: number;
  /** Bootstrap interval of the mean. */
  meanCi: [number, number];
  /** Bootstrap interval of the IQM. */
  iqmCi: [number, number];
}

/** Mean, median, IQM, std and bootstrap intervals of the mean and the IQM of `xs`. */
export function summarize(xs: readonly number[], options: BootstrapOptions = {}): SampleSummary {
  return {
    n: xs.length,
    mean: mean(xs),
    median: median(xs),
    iqm: iqm(xs),
    std: std(xs),
    meanCi: bootstrapCi([xs], mean, options),
    iqmCi: bootstrapCi([xs], iqm, options),
  };
}

/** A learning curve: steps (increasing) and values. */
export interface Curve {
  /** Environment steps, increasing. */
  x: readonly number[];
  /** The value at each step (e.g. mean return). */
  y: readonly number[];
}

/**
 * Normalised area under a curve: `(1/(x_last − x_0)) ∫ y dx` by the trapezoid rule, the
 * mean value over the curve's span (a single point gives its value; NaN when empty).
 */
export function areaUnderCurve(curve: Curve): number {
  const { x, y } = curve;
  if (x.length !== y.length) {
    throw new RangeError(`areaUnderCurve: x has ${x.length} points, y ${y.length}`);
  }
  if (x.length === 0) return NaN;
  if (x.length === 1) return y[0];
  let area = 0;
  for (let i = 1; i < x.length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
  const span = x[x.length - 1] - x[0];
  return span > 0 ? area / span : mean(y);
}

/**
 * The curve's value at `at` by linear interpolation (the first value before the first
 * point, the last after the last; NaN when empty).
 */
export function interpolate(curve: Curve, at: number): number {
  const { x, y } = curve;
  if (x.length === 0) return NaN;
  if (at <= x[0]) return y[0];
  if (at >= x[x.length - 1]) return y[y.length - 1];
  let lo = 0, hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= at) lo = mid;
    else hi = mid;
  }
  const t = x[hi] === x[lo] ? 0 : (at - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + (y[hi] - y[lo]) * t;
}

/** `count` evenly spaced points from `from` to `to` inclusive. */
export function linspace(from: number, to: number, count: number): number[] {
  if (count === 1) return [to];
  return Array.from({ length: count }, (_, i) => from + (to - from) * i / (count - 1));
}

/** One band point of an aggregated curve. */
export interface BandPoint {
  /** Steps. */
  x: number;
  /** The statistic across runs. */
  y: number;
  /** Lower end of its interval. */
  lo: number;
  /** Upper end of its interval. */
  hi: number;
}

/**
 * Aggregates several runs' curves on `points` common steps (from the largest first step to
 * the smallest last step, so every run covers the span): `statistic` across runs with a
 * bootstrap interval at each point.
 */
export function aggregateCurves(
  curves: readonly Curve[],
  statistic: (xs: readonly number[]) => number,
  options: BootstrapOptions & { points?: number } = {},
): BandPoint[] {
  const live = curves.filter((c) => c.x.length > 0);
  if (live.length === 0) return [];
  const from = Math.max(...live.map((c) => c.x[0]));
  const to = Math.min(...live.map((c) => c.x[c.x.length - 1]));
  const grid = linspace(from, Math.max(from, to), options.points ?? 50);
  return grid.map((x) => {
    const ys = live.map((c) => interpolate(c, x));
    const [lo, hi] = bootstrapCi([ys], statistic, {
      reps: options.reps ?? 500,
      confidence: options.confidence,
      seed: options.seed ?? 0, // the same resamples at every point: a coherent band
    });
    return { x, y: statistic(ys), lo, hi };
  });
}

/** Fraction of `scores` strictly greater than `tau`. */
export function fractionAbove(scores: readonly number[], tau: number): number {
  if (scores.length === 0) return NaN;
  let k = 0;
  for (const s of scores) if (s > tau) k++;
  return k / scores.length;
}

/**
 * A performance profile: for each `τ` in `taus`, the fraction of runs (pooled over the
 * strata, e.g. tasks) scoring above `τ`, with a stratified-bootstrap interval.
 */
export function performanceProfile(
  strata: readonly (readonly number[])[],
  taus: readonly number[],
  options: BootstrapOptions = {},
): BandPoint[] {
  const pooled = strata.flat();
  return taus.map((tau) => {
    const [lo, hi] = bootstrapCi(strata, (xs) => fractionAbove(xs, tau), {
      reps: options.reps ?? 500,
      confidence: options.confidence,
      seed: options.seed ?? 0, // the same resamples at every point: a coherent band
    });
    return { x: tau, y: fractionAbove(pooled, tau), lo, hi };
  });
}
