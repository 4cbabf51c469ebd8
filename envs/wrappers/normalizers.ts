/**
 * Observation and reward normalisers shared by the single-environment wrappers and the
 * vector environment (one set of statistics across all copies, as SB3's `VecNormalize`).
 *
 * - Observations (Gymnasium's `NormalizeObservation`):
 *   `x = clip((o − μ) / √(σ² + ε), −c, c)`, with running `μ`, `σ²` of the observations
 *   (updated while `training` is true).
 * - Rewards (Gymnasium's `NormalizeReward`): `r̃ = clip(r / √(σ²_G + ε), −c, c)`, where
 *   `σ²_G` is the running variance of the discounted return `G ← γ·G + r` of each copy.
 *   No mean is subtracted (it would change the optimal policy's incentives).
 *
 * Both save and restore their state as JSON; {@link ObservationNormalizer.toSpec} gives the
 * {@link ObsNormStats} an exported policy bakes in (`policies/` declares the same shape as
 * its `ObsNormSpec`, since it may not import `envs/`; a test keeps the two assignable).
 * @module
 */
import { RunningMeanStd, type RunningMeanStdState } from "../running_stats.ts";

/** A snapshot of observation normalisation statistics (Gymnasium's `NormalizeObservation`). */
export interface ObsNormStats {
  /** Running mean, one per observation element. */
  mean: Float64Array;
  /** Running variance, one per observation element. */
  var: Float64Array;
  /** The ε inside the square root. */
  epsilon: number;
  /** Normalised values are clipped to [−clip, clip] (`Infinity` for no clipping). */
  clip: number;
}

/** Options of {@link ObservationNormalizer}. */
export interface ObservationNormalizerOptions {
  /** The ε inside the square root (default 1e-8). */
  epsilon?: number;
  /** Clip normalised values to [−clip, clip] (default `Infinity`: no clipping). */
  clip?: number;
}

/** Saved state of an {@link ObservationNormalizer}. */
export interface ObservationNormalizerState {
  /** The running statistics. */
  rms: RunningMeanStdState;
  /** The ε inside the square root. */
  epsilon: number;
  /** The clip bound (`null` for no clipping, since JSON has no `Infinity`). */
  clip: number | null;
}

function checkOptions(epsilon: number, clip: number, where: string): void {
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new RangeError(`${where}: epsilon must be a finite number ≥ 0, got ${epsilon}`);
  }
  if (!(clip > 0)) throw new RangeError(`${where}: clip must be > 0, got ${clip}`);
}

/** Running observation normaliser, `clip((o − μ)/√(σ² + ε), −c, c)`. */
export class ObservationNormalizer {
  /** The running statistics. */
  readonly rms: RunningMeanStd;
  /** The ε inside the square root. */
  epsilon: number;
  /** The clip bound (`Infinity`: none). */
  clip: number;
  /** When false, the statistics are frozen (evaluation). */
  training = true;

  /** Creates a normaliser of `dim`-element observations. */
  constructor(readonly dim: number, options: ObservationNormalizerOptions = {}) {
    this.rms = new RunningMeanStd(dim);
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? Infinity;
    checkOptions(this.epsilon, this.clip, "ObservationNormalizer");
  }

  /** The running mean. */
  get mean(): Float64Array {
    return this.rms.mean;
  }

  /** The running variance. */
  get var(): Float64Array {
    return this.rms.var;
  }

  /** Updates the statistics with `rows` rows of `buf` (unless frozen). */
  update(buf: ArrayLike<number>, rows: number, offset = 0): void {
    if (this.training) this.rms.update(buf, rows, offset);
  }

  /** Normalises `rows` rows of `buf` in place, starting at `offset` (no update). */
  normalizeInPlace(buf: Float32Array, rows = 1, offset = 0): void {
    const d = this.dim;
    const mean = this.rms.mean;
    const v = this.rms.var;
    const c = this.clip;
    for (let r = 0; r < rows; r++) {
      const o = offset + r * d;
      for (let j = 0; j < d; j++) {
        let x = (buf[o + j] - mean[j]) / Math.sqrt(v[j] + this.epsilon);
        if (x > c) x = c;
        else if (x < -c) x = -c;
        buf[o + j] = x;
      }
    }
  }

  /** Returns a normalised Float32Array copy of one observation (no update). */
  normalize(obs: ArrayLike<number>): Float32Array {
    const out = Float32Array.from(obs as ArrayLike<number>);
    this.normalizeInPlace(out, 1, 0);
    return out;
  }

  /** The statistics as a snapshot a policy can bake in (copies). */
  toSpec(): ObsNormStats {
    return {
      mean: Float64Array.from(this.rms.mean),
      var: Float64Array.from(this.rms.var),
      epsilon: this.epsilon,
      clip: this.clip,
    };
  }

  /** A JSON-serialisable copy of the state. */
  getState(): ObservationNormalizerState {
    return {
      rms: this.rms.getState(),
      epsilon: this.epsilon,
      clip: Number.isFinite(this.clip) ? this.clip : null,
    };
  }

  /** Restores a state saved by {@link ObservationNormalizer.getState}. */
  setState(state: ObservationNormalizerState): void {
    const clip = state?.clip === null ? Infinity : state?.clip;
    checkOptions(state?.epsilon, clip, "ObservationNormalizer.setState");
    this.rms.setState(state.rms);
    this.epsilon = state.epsilon;
    this.clip = clip;
  }
}

/** Options of {@link RewardNormalizer}. */
export interface RewardNormalizerOptions {
  /** The discount of the running return (default 0.99). */
  gamma?: number;
  /** The ε inside the square root (default 1e-8). */
  epsilon?: number;
  /** Clip normalised rewards to [−clip, clip] (default `Infinity`: no clipping). */
  clip?: number;
}

/** Saved state of a {@link RewardNormalizer}. */
export interface RewardNormalizerState {
  /** Statistics of the discounted returns. */
  rms: RunningMeanStdState;
  /** The running discounted return of each copy. */
  returns: number[];
  /** The discount. */
  gamma: number;
  /** The ε inside the square root. */
  epsilon: number;
  /** The clip bound (`null` for none). */
  clip: number | null;
}

/**
 * Reward normaliser for `numEnvs` copies: `G_i ← γ·G_i + r_i`, statistics of `G` updated
 * with all copies' returns, `r̃_i = clip(r_i / √(σ²_G + ε))`.
 */
export class RewardNormalizer {
  /** Statistics of the discounted returns. */
  readonly rms: RunningMeanStd;
  /** The running discounted return of each copy. */
  readonly returns: Float64Array;
  /** The discount. */
  gamma: number;
  /** The ε inside the square root. */
  epsilon: number;
  /** The clip bound (`Infinity`: none). */
  clip: number;
  /** When false, the statistics (not the returns) are frozen. */
  training = true;

  /** Creates a normaliser for `numEnvs` copies. */
  constructor(readonly numEnvs: number, options: RewardNormalizerOptions = {}) {
    this.rms = new RunningMeanStd(1);
    this.returns = new Float64Array(numEnvs);
    this.gamma = options.gamma ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? Infinity;
    if (!(this.gamma >= 0 && this.gamma <= 1)) {
      throw new RangeError(`RewardNormalizer: gamma must be in [0, 1], got ${this.gamma}`);
    }
    checkOptions(this.epsilon, this.clip, "RewardNormalizer");
  }

  /** The standard deviation rewards are divided by, √(σ²_G + ε). */
  get scale(): number {
    return Math.sqrt(this.rms.var[0] + this.epsilon);
  }

  /** Scales one reward (no update). */
  scaleReward(reward: number): number {
    const x = reward / this.scale;
    return x > this.clip ? this.clip : x < -this.clip ? -this.clip : x;
  }

  /**
   * Vector step: accumulates the returns with `rewards`, updates the statistics, rewrites
   * `rewards` normalised in place, then zeroes the returns of copies whose episode ended
   * (`done[i]` non-zero).
   */
  normalizeInPlace(rewards: Float64Array, done: ArrayLike<number>): void {
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) this.returns[i] = this.returns[i] * this.gamma + rewards[i];
    if (this.training) this.rms.update(this.returns, n);
    const s = this.scale;
    const c = this.clip;
    for (let i = 0; i < n; i++) {
      const x = rewards[i] / s;
      rewards[i] = x > c ? c : x < -c ? -c : x;
      if (done[i]) this.returns[i] = 0;
    }
  }

  /** A JSON-serialisable copy of the state. */
  getState(): RewardNormalizerState {
    return {
      rms: this.rms.getState(),
      returns: Array.from(this.returns),
      gamma: this.gamma,
      epsilon: this.epsilon,
      clip: Number.isFinite(this.clip) ? this.clip : null,
    };
  }

  /** Restores a state saved by {@link RewardNormalizer.getState}. */
  setState(state: RewardNormalizerState): void {
    const clip = state?.clip === null ? Infinity : state?.clip;
    checkOptions(state?.epsilon, clip, "RewardNormalizer.setState");
    if (!Array.isArray(state.returns) || state.returns.length !== this.numEnvs) {
      throw new TypeError(
        `RewardNormalizer.setState: returns must hold ${this.numEnvs} numbers, got ${
          JSON.stringify(state.returns)?.slice(0, 200)
        }`,
      );
    }
    if (!(state.gamma >= 0 && state.gamma <= 1)) {
      throw new RangeError(
        `RewardNormalizer.setState: gamma must be in [0, 1], got ${state.gamma}`,
      );
    }
    this.rms.setState(state.rms);
    this.returns.set(state.returns);
    this.gamma = state.gamma;
    this.epsilon = state.epsilon;
    this.clip = clip;
  }
}
