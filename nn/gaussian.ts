/**
 * The diagonal Gaussian policy distribution `N(μ, diag σ²)` with the mean from the
 * network (rows × d) and a state-independent log standard deviation `log σ` (1 × d, a
 * free {@link Parameter} shared by all rows), differentiable on the tape:
 *
 * - `log π(a) = −½ Σⱼ ((aⱼ − μⱼ)/σⱼ)² − Σⱼ log σⱼ − (d/2) log 2π`,
 * - entropy `H = Σⱼ (log σⱼ + ½ log 2πe)`,
 * - `KL(this ‖ other) = Σⱼ [log σ'ⱼ − log σⱼ + (σⱼ² + (μⱼ − μ'ⱼ)²)/(2σ'ⱼ²) − ½]`; call it as
 *   `old.kl(new)` for KL(π_old‖π_θ).
 *
 * Sampling: `a = μ + σ·z` with `z` from `Rng.normal()`, row by row.
 *
 * @example
 * ```ts
 * import { Rng } from "../random.ts";
 * import { DiagGaussian, Parameter, tensor } from "./mod.ts";
 * const d = new DiagGaussian(tensor([0, 0], 1, 2), new Parameter("logStd", 1, 2));
 * const h = d.entropy().item();
 * if (!(Math.abs(h - Math.log(2 * Math.PI * Math.E)) < 1e-5)) throw new Error("example failed");
 * if (!(d.sample(new Rng(0)).length === 2)) throw new Error("example failed");
 * ```
 * @module
 */
import type { Rng } from "../random.ts";
import { add, addScalar, div, exp, mulScalar, square, sub } from "./ops.ts";
import { sum } from "./reduce.ts";
import { shapeError, Tensor } from "./tensor.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Diagonal Gaussians, one per row of `mean`, with a shared `logStd` (1 × d). */
export class DiagGaussian {
  /** The means (rows × d). */
  readonly mean: Tensor;
  /** The log standard deviations (1 × d), usually a {@link Parameter}. */
  readonly logStd: Tensor;
  #std: Tensor | null = null;

  /** Wraps `mean` (rows × d) and `logStd` (1 × d). */
  constructor(mean: Tensor, logStd: Tensor) {
    if (logStd.rows !== 1 || logStd.cols !== mean.cols) {
      throw shapeError("DiagGaussian (mean, logStd must be 1×d)", mean, logStd);
    }
    this.mean = mean;
    this.logStd = logStd;
  }

  /** Number of rows (samples). */
  get rows(): number {
    return this.mean.rows;
  }

  /** Action dimension `d`. */
  get dim(): number {
    return this.mean.cols;
  }

  /** `σ = exp(log σ)` (1 × d), on the tape. */
  get std(): Tensor {
    return this.#std ??= exp(this.logStd);
  }

  /** Draws one action per row (rows × d values); writes into `out` when given. */
  sample(rng: Rng, out: Float32Array = new Float32Array(this.mean.size)): Float32Array {
    const m = this.mean.data, s = this.logStd.data, d = this.dim;
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < d; j++) out[i * d + j] = m[i * d + j] + Math.exp(s[j]) * rng.normal();
    }
    return out;
  }

  /** The means (the deterministic action), copied into `out` when given. */
  mode(out: Float32Array = new Float32Array(this.mean.size)): Float32Array {
    out.set(this.mean.data);
    return out;
  }

  /** `log π(aᵢ)` summed over dimensions (rows × 1); `actions` is rows × d. */
  logProb(actions: Tensor | Float32Array): Tensor {
    const a = actions instanceof Tensor ? actions : new Tensor(this.rows, this.dim, actions);
    if (a.rows !== this.rows || a.cols !== this.dim) {
      throw shapeError("DiagGaussian.logProb (mean, actions)", this.mean, a);
    }
    const z = div(sub(a, this.mean), this.std);
    const perDim = add(
      mulScalar(square(z), -0.5),
      addScalar(mulScalar(this.logStd, -1), -HALF_LOG_2PI),
    );
    return sum(perDim, 1);
  }

  /** Entropy of each row (rows × 1); the same for every row. */
  entropy(): Tensor {
    const perDim = addScalar(this.logStd, 0.5 + HALF_LOG_2PI);
    return add(sum(perDim, 1), new Tensor(this.rows, 1));
  }

  /** `KL(this ‖ other)` per row (rows × 1). */
  kl(other: DiagGaussian): Tensor {
    if (other.rows !== this.rows || other.dim !== this.dim) {
      throw shapeError("DiagGaussian.kl", this.mean, other.mean);
    }
    const varRatio = square(div(this.std, other.std));
    const meanTerm = square(div(sub(this.mean, other.mean), other.std));
    const perDim = add(
      sub(other.logStd, this.logStd),
      mulScalar(addScalar(add(varRatio, meanTerm), -1), 0.5),
    );
    return sum(perDim, 1);
  }
}

/**
 * The rollout's allocation-free sampler: for `rows` rows of raw means `y` (`rows × d`, no
 * tape) and `logStd` (`d`), draws `a = μ + σ·ε`, `ε ~ N(0, I)` (or `a = μ` when
 * `deterministic`), and writes `log π(a) = Σ_j (−½ z_j² − log σ_j − ½ log 2π)` with
 * `z = (a − μ)/σ` computed from the float32 action as stored.
 */
export function sampleGaussianRows(
  y: Float32Array,
  logStd: Float32Array,
  rows: number,
  d: number,
  rng: Rng,
  actions: Float32Array,
  logProbs: Float32Array,
  deterministic: boolean,
): void {
  const ls = logStd;
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    let lp = 0;
    for (let j = 0; j < d; j++) {
      const noise = deterministic ? 0 : rng.normal();
      const a = y[o + j] + Math.exp(ls[j]) * noise;
      actions[o + j] = a;
      const z = (actions[o + j] - y[o + j]) / Math.exp(ls[j]);
      lp += -0.5 * z * z - ls[j] - HALF_LOG_2PI;
    }
    logProbs[i] = lp;
  }
}
