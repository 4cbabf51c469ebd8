/**
 * Independent categorical distributions, one per entry of `nvec`, parameterised by one
 * row of concatenated logits `y = [y⁽¹⁾ | … | y⁽ᵏ⁾]` (`Σ nvec` columns) per sample:
 *
 * - `π(a) = Π_c softmax(y⁽ᶜ⁾)_{a_c}`, so `log π(a) = Σ_c log softmax(y⁽ᶜ⁾)_{a_c}`,
 * - entropy `H = Σ_c H(softmax(y⁽ᶜ⁾))`,
 * - `KL(this ‖ other) = Σ_c KL(π⁽ᶜ⁾ ‖ π'⁽ᶜ⁾)` (independent factors add).
 *
 * Each factor is a {@link Categorical} on a block of columns (`columns`), so gradients flow
 * through the same log-softmax as the single categorical. Actions are flat: `k` integers
 * per row, entry `c` in `{0, …, nvec[c] − 1}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MultiCategorical, tensor } from "./mod.ts";
 * const d = new MultiCategorical(tensor([0, 0, 0, 0, 0], 1, 5), [2, 3]);
 * assert.ok(Math.abs(d.entropy().item() - Math.log(6)) < 1e-6);
 * assert.ok(Math.abs(d.logProb([1, 2]).item() + Math.log(6)) < 1e-6);
 * ```
 * @module
 */
import type { Rng } from "../random.ts";
import { Categorical } from "./categorical.ts";
import { add } from "./ops.ts";
import { columns } from "./reduce.ts";
import type { Tensor } from "./tensor.ts";

/** Independent categoricals over `nvec`, one row of `Σ nvec` logits per sample. */
export class MultiCategorical {
  /** The concatenated logits (rows × Σ nvec). */
  readonly logits: Tensor;
  /** Categories of each factor. */
  readonly nvec: readonly number[];
  /** One {@link Categorical} per factor, on its block of logits. */
  readonly factors: readonly Categorical[];

  /** Wraps `logits` (rows × Σ nvec). @throws RangeError when the widths disagree. */
  constructor(logits: Tensor, nvec: readonly number[]) {
    const width = nvec.reduce((a, b) => a + b, 0);
    if (nvec.length < 1 || logits.cols !== width) {
      throw new RangeError(
        `MultiCategorical: logits are ${logits.shape}, nvec [${nvec}] needs ${width} columns`,
      );
    }
    this.logits = logits;
    this.nvec = nvec;
    const factors: Categorical[] = [];
    let o = 0;
    for (const n of nvec) {
      factors.push(new Categorical(columns(logits, o, n)));
      o += n;
    }
    this.factors = factors;
  }

  /** Number of rows (samples). */
  get rows(): number {
    return this.logits.rows;
  }

  /** `Σ_c log π⁽ᶜ⁾(a_c)` for flat actions (`rows × k` integers), rows × 1. */
  logProb(actions: ArrayLike<number>): Tensor {
    const k = this.nvec.length, rows = this.rows;
    if (actions.length !== rows * k) {
      throw new RangeError(
        `MultiCategorical.logProb: ${actions.length} actions for ${rows} rows × ${k}`,
      );
    }
    let total: Tensor | null = null;
    const column = new Int32Array(rows);
    for (let c = 0; c < k; c++) {
      for (let i = 0; i < rows; i++) column[i] = actions[i * k + c];
      const lp = this.factors[c].logProb(column);
      total = total === null ? lp : add(total, lp);
    }
    return total!;
  }

  /** `Σ_c H⁽ᶜ⁾` per row (rows × 1). */
  entropy(): Tensor {
    return this.factors.map((f) => f.entropy()).reduce((a, b) => add(a, b));
  }

  /** `Σ_c KL(this⁽ᶜ⁾ ‖ other⁽ᶜ⁾)` per row (rows × 1). */
  kl(other: MultiCategorical): Tensor {
    if (other.nvec.length !== this.nvec.length || other.nvec.some((n, c) => n !== this.nvec[c])) {
      throw new RangeError(`MultiCategorical.kl: nvec [${this.nvec}] and [${other.nvec}] differ`);
    }
    return this.factors.map((f, c) => f.kl(other.factors[c])).reduce((a, b) => add(a, b));
  }

  /** Draws `k` entries per row (flat), one `Rng.uniform()` per entry, row by row. */
  sample(rng: Rng, out: Int32Array = new Int32Array(this.rows * this.nvec.length)): Int32Array {
    const k = this.nvec.length;
    for (let c = 0; c < k; c++) {
      const p = this.factors[c].probs.data, n = this.nvec[c];
      for (let i = 0; i < this.rows; i++) out[i * k + c] = rng.categorical(p, i * n, n);
    }
    return out;
  }
}

/**
 * The rollout's allocation-free sampler: for `rows` rows of raw concatenated logits `y`
 * (`rows × Σ nvec`, no tape) draws each entry `a_c ~ softmax(y⁽ᶜ⁾)` by the inverse CDF (one
 * `Rng.uniform()` per entry, row by row, entry by entry), or takes each block's arg-max
 * when `deterministic`, and writes `log π(a) = Σ_c (y⁽ᶜ⁾_{a_c} − max − log Z⁽ᶜ⁾)`.
 * `scratch` holds at least `max(nvec)` float64 probabilities.
 * @throws RangeError when a block of logits is not finite
 */
export function sampleMultiCategoricalRows(
  y: Float32Array,
  rows: number,
  nvec: readonly number[],
  rng: Rng,
  actions: Int32Array,
  logProbs: Float32Array,
  deterministic: boolean,
  scratch: Float64Array,
): void {
  const p = scratch, k = nvec.length;
  let width = 0;
  for (let c = 0; c < k; c++) width += nvec[c];
  for (let i = 0; i < rows; i++) {
    let o = i * width, lp = 0;
    for (let c = 0; c < k; c++) {
      const n = nvec[c];
      let max = -Infinity;
      for (let j = 0; j < n; j++) if (y[o + j] > max) max = y[o + j];
      let z = 0;
      for (let j = 0; j < n; j++) z += p[j] = Math.exp(y[o + j] - max);
      if (!(z > 0 && z < Infinity)) {
        throw new RangeError(
          `logits of row ${i}, entry ${c} are not finite (${y.subarray(o, o + n)})`,
        );
      }
      let a: number;
      if (deterministic) {
        a = 0;
        for (let j = 1; j < n; j++) if (y[o + j] > y[o + a]) a = j;
      } else {
        a = rng.categorical(p, 0, n);
      }
      actions[i * k + c] = a;
      lp += y[o + a] - max - Math.log(z);
      o += n;
    }
    logProbs[i] = lp;
  }
}
