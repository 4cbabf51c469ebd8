/**
 * Running mean and variance of a stream of vectors, merged batch by batch with the
 * parallel algorithm of Chan, Golub & LeVeque (1979), as Gymnasium's `RunningMeanStd`:
 *
 * for a batch of `m` rows with mean `μ_B` and (population) variance `σ²_B`, and running
 * statistics `μ`, `σ²` over `n` rows, with `δ = μ_B − μ` and `n' = n + m`:
 *
 * `μ' = μ + δ·m/n'`,  `σ²' = (σ²·n + σ²_B·m + δ²·n·m/n') / n'`.
 *
 * The statistics start at `μ = 0`, `σ² = 1`, `n = 1e-4` (Gymnasium's ε count), so the
 * first normalisations are well defined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunningMeanStd } from "./running_stats.ts";
 * const rms = new RunningMeanStd(1);
 * rms.update(new Float32Array([1, 3]), 2);
 * assert.ok(Math.abs(rms.mean[0] - 2) < 1e-3);
 * ```
 * @module
 */

/** The JSON-serialisable state of a {@link RunningMeanStd}. */
export interface RunningMeanStdState {
  /** Running mean, one per element. */
  mean: number[];
  /** Running (population) variance, one per element. */
  var: number[];
  /** Number of rows seen (starts at the ε count). */
  count: number;
}

/** Running mean/variance of `dim`-element rows (Chan's parallel update). */
export class RunningMeanStd {
  /** Running mean, one per element. */
  mean: Float64Array;
  /** Running population variance, one per element. */
  var: Float64Array;
  /** Rows seen so far, plus the initial ε count. */
  count: number;
  readonly #batchMean: Float64Array;
  readonly #batchVar: Float64Array;

  /** Creates statistics for `dim`-element rows; `epsilonCount` is the initial count. */
  constructor(readonly dim: number, epsilonCount = 1e-4) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new RangeError(`RunningMeanStd: dim must be a positive integer, got ${dim}`);
    }
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.count = epsilonCount;
    this.#batchMean = new Float64Array(dim);
    this.#batchVar = new Float64Array(dim);
  }

  /**
   * Merges `rows` rows of `batch` (row-major, `rows × dim`, starting at `offset`) into the
   * statistics.
   */
  update(batch: ArrayLike<number>, rows: number, offset = 0): void {
    const d = this.dim;
    if (rows <= 0) return;
    if (batch.length < offset + rows * d) {
      throw new RangeError(
        `RunningMeanStd.update: batch has ${batch.length} elements, needs ${offset + rows * d}`,
      );
    }
    const bm = this.#batchMean.fill(0);
    const bv = this.#batchVar.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = offset + r * d;
      for (let j = 0; j < d; j++) bm[j] += batch[o + j];
    }
    for (let j = 0; j < d; j++) bm[j] /= rows;
    for (let r = 0; r < rows; r++) {
      const o = offset + r * d;
      for (let j = 0; j < d; j++) {
        const c = batch[o + j] - bm[j];
        bv[j] += c * c;
      }
    }
    for (let j = 0; j < d; j++) bv[j] /= rows;
    this.updateFromMoments(bm, bv, rows);
  }

  /** Merges a batch given by its mean, population variance and row count. */
  updateFromMoments(batchMean: ArrayLike<number>, batchVar: ArrayLike<number>, m: number): void {
    const n = this.count;
    const total = n + m;
    for (let j = 0; j < this.dim; j++) {
      const delta = batchMean[j] - this.mean[j];
      this.mean[j] += delta * m / total;
      this.var[j] = (this.var[j] * n + batchVar[j] * m + delta * delta * n * m / total) / total;
    }
    this.count = total;
  }

  /** A JSON-serialisable copy of the statistics. */
  getState(): RunningMeanStdState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restores statistics saved by {@link RunningMeanStd.getState}. */
  setState(state: RunningMeanStdState): void {
    const ok = state !== null && typeof state === "object" && Array.isArray(state.mean) &&
      Array.isArray(state.var) && state.mean.length === this.dim &&
      state.var.length === this.dim && Number.isFinite(state.count) && state.count > 0 &&
      state.mean.every(Number.isFinite) && state.var.every((v) => Number.isFinite(v) && v >= 0);
    if (!ok) {
      throw new TypeError(
        `RunningMeanStd.setState: expected {mean, var} of ${this.dim} finite numbers and a ` +
          `positive count, got ${JSON.stringify(state)?.slice(0, 200)}`,
      );
    }
    this.mean.set(state.mean);
    this.var.set(state.var);
    this.count = state.count;
  }
}
