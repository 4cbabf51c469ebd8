/**
 * The categorical distribution over `k` actions, parameterised by logits (one row per
 * sample), differentiable on the tape.
 *
 * - `log π(a) = logits_a − log Σ_b exp logits_b` (row-wise log-softmax),
 * - entropy `H = −Σ_a π(a) log π(a)`,
 * - `KL(this ‖ other) = Σ_a π(a) (log π(a) − log π'(a))`; call it on the old (data-
 *   collecting) distribution with the new one as `other`: `old.kl(new)` = KL(π_old‖π_θ).
 *
 * Sampling uses the inverse CDF on the float32 probabilities with one `Rng.uniform()`
 * per row, so a seeded generator gives the same actions on every run.
 *
 * @example
 * ```ts
 * import { Rng } from "../random.ts";
 * import { Categorical, tensor } from "./mod.ts";
 * const d = new Categorical(tensor([0, 0, 0, 0], 1, 4));
 * if (!(Math.abs(d.entropy().item() - Math.log(4)) < 1e-6)) throw new Error("example failed");
 * const a = d.sample(new Rng(0));
 * if (!(a[0] >= 0 && a[0] < 4)) throw new Error("example failed");
 * ```
 * @module
 */
import type { Rng } from "../random.ts";
import { exp, mul, neg, sub } from "./ops.ts";
import { gather, logSoftmax, sum } from "./reduce.ts";
import type { Tensor } from "./tensor.ts";

/** Categorical distributions, one per row of `logits` (rows × k). */
export class Categorical {
  /** The logits (rows × k). */
  readonly logits: Tensor;
  #logProbs: Tensor | null = null;
  #probs: Tensor | null = null;

  /** Wraps `logits` (rows × k, k ≥ 1). */
  constructor(logits: Tensor) {
    this.logits = logits;
  }

  /** Number of rows (samples). */
  get rows(): number {
    return this.logits.rows;
  }

  /** Number of categories `k`. */
  get numActions(): number {
    return this.logits.cols;
  }

  /** Row-wise log-probabilities (rows × k), on the tape. */
  get logProbs(): Tensor {
    return this.#logProbs ??= logSoftmax(this.logits);
  }

  /** Row-wise probabilities (rows × k), on the tape. */
  get probs(): Tensor {
    return this.#probs ??= exp(this.logProbs);
  }

  /** Draws one action per row; writes into `out` when given. */
  sample(rng: Rng, out: Int32Array = new Int32Array(this.rows)): Int32Array {
    const p = this.probs.data, k = this.numActions;
    for (let i = 0; i < this.rows; i++) out[i] = rng.categorical(p, i * k, k);
    return out;
  }

  /** The most probable action of each row (first on ties). */
  mode(out: Int32Array = new Int32Array(this.rows)): Int32Array {
    const l = this.logits.data, k = this.numActions;
    for (let i = 0; i < this.rows; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (l[i * k + j] > l[i * k + best]) best = j;
      out[i] = best;
    }
    return out;
  }

  /** `log π(aᵢ)` for one integer action per row (rows × 1). */
  logProb(actions: ArrayLike<number>): Tensor {
    return gather(this.logProbs, actions);
  }

  /** Entropy of each row (rows × 1). */
  entropy(): Tensor {
    return neg(sum(mul(this.probs, this.logProbs), 1));
  }

  /** `KL(this ‖ other)` per row (rows × 1). */
  kl(other: Categorical): Tensor {
    if (other.rows !== this.rows || other.numActions !== this.numActions) {
      throw new RangeError(
        `Categorical.kl: shapes ${this.logits.shape} and ${other.logits.shape} differ`,
      );
    }
    return sum(mul(this.probs, sub(this.logProbs, other.logProbs)), 1);
  }
}

/**
 * The rollout's allocation-free sampler: for `rows` rows of raw logits `y` (`rows × k`,
 * no tape), draws `aᵢ ~ softmax(yᵢ)` by the inverse CDF with one `Rng.uniform()` per row
 * (or takes the arg-max when `deterministic`) and writes `log π(aᵢ) = yᵢₐ − max − log Z`.
 * `scratch` holds at least `k` float64 probabilities.
 * @throws RangeError when a row of logits is not finite
 */
export function sampleCategoricalRows(
  y: Float32Array,
  rows: number,
  k: number,
  rng: Rng,
  actions: Int32Array,
  logProbs: Float32Array,
  deterministic: boolean,
  scratch: Float64Array,
): void {
  const p = scratch;
  for (let i = 0; i < rows; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (y[o + j] > max) max = y[o + j];
    let z = 0;
    for (let j = 0; j < k; j++) z += p[j] = Math.exp(y[o + j] - max);
    if (!(z > 0 && z < Infinity)) {
      throw new RangeError(`logits of row ${i} are not finite (${y.subarray(o, o + k)})`);
    }
    let a: number;
    if (deterministic) {
      a = 0;
      for (let j = 1; j < k; j++) if (y[o + j] > y[o + a]) a = j;
    } else {
      a = rng.categorical(p, 0, k);
    }
    actions[i] = a;
    logProbs[i] = y[o + a] - max - Math.log(z);
  }
}
