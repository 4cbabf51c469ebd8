/**
 * Training metrics: what one update reports, and the window of recent episodes.
 *
 * The recent return is the mean of the last `statsWindow` finished episodes' *raw*
 * (unnormalised, undiscounted) returns `Σ_t r_t`. Steps per second counts environment
 * steps over training wall time.
 * @module
 */

/** The saved state of an {@link EpisodeWindow}. */
export interface EpisodeWindowState {
  /** Raw returns of the recent episodes, oldest first. */
  returns: number[];
  /** Their lengths. */
  lengths: number[];
  /** Episodes finished in total. */
  total: number;
}

/** The figures reported after every update (one line of `metrics.jsonl`). */
export interface UpdateMetrics {
  /** Algorithm name. */
  algo: string;
  /** Update number, 1-based. */
  update: number;
  /** Environment steps so far (all environments). */
  timesteps: number;
  /** Finished episodes so far. */
  episodes: number;
  /** Mean return of the recent episodes (`null` before the first episode ends). */
  recentReturnMean: number | null;
  /** Minimum return of the recent episodes. */
  recentReturnMin: number | null;
  /** Maximum return of the recent episodes. */
  recentReturnMax: number | null;
  /** Mean length of the recent episodes. */
  recentLengthMean: number | null;
  /** Policy loss (the surrogate being minimised) of the last gradient step. */
  policyLoss: number;
  /** Value loss (mean squared error, before any coefficient) of the last critic step. */
  valueLoss: number;
  /** Mean entropy of the policy on the batch. */
  entropy: number;
  /** Approximate KL(π_old‖π_new) on the batch after the update, `E[(r − 1) − log r]`. */
  approxKl: number;
  /** Fraction of samples whose ratio was clipped (PPO-clip), else 0. */
  clipFraction: number;
  /** Explained variance of the critic's values on the batch's returns. */
  explainedVariance: number;
  /** Learning rate of the (policy) optimiser at this update. */
  learningRate: number;
  /** Environment steps per second since training (this `learn` call) started. */
  sps: number;
  /** Wall-clock seconds of training so far (evaluation excluded). */
  wallSeconds: number;
  /** Algorithm-specific figures (TRPO's line search, PPO-KL's β, …). */
  extra: Record<string, number>;
}

/** What an algorithm's update reports (the loop adds counters, returns, speed). */
export interface UpdateStats {
  /** Policy loss. */
  policyLoss: number;
  /** Value loss (0 without a critic). */
  valueLoss: number;
  /** Mean entropy. */
  entropy: number;
  /** Approximate KL between the policy before and after the update. */
  approxKl: number;
  /** Clip fraction (PPO-clip), else 0. */
  clipFraction?: number;
  /** Explained variance of the critic (NaN without a critic). */
  explainedVariance: number;
  /** Learning rate used. */
  learningRate: number;
  /** Algorithm-specific figures. */
  extra?: Record<string, number>;
}

/**
 * The metrics of one update: the run's counters and recent episodes, the update's
 * statistics, and the speed.
 */
export function updateMetrics(
  run: { algo: string; updates: number; timesteps: number; episodeWindow: EpisodeWindow },
  stats: UpdateStats,
  sps: number,
  wallSeconds: number,
): UpdateMetrics {
  const w = run.episodeWindow.summary();
  return {
    algo: run.algo,
    update: run.updates,
    timesteps: run.timesteps,
    episodes: run.episodeWindow.total,
    recentReturnMean: w.mean,
    recentReturnMin: w.min,
    recentReturnMax: w.max,
    recentLengthMean: w.meanLength,
    policyLoss: stats.policyLoss,
    valueLoss: stats.valueLoss,
    entropy: stats.entropy,
    approxKl: stats.approxKl,
    clipFraction: stats.clipFraction ?? 0,
    explainedVariance: stats.explainedVariance,
    learningRate: stats.learningRate,
    sps,
    wallSeconds,
    extra: stats.extra ?? {},
  };
}

/** One finished episode. */
export interface EpisodeRecord {
  /** Index of the environment in the vector. */
  env: number;
  /** Raw undiscounted return. */
  return: number;
  /** Length in steps. */
  length: number;
  /** Environment steps so far when it finished. */
  timesteps: number;
}

/** The statistics of the last `capacity` episodes (a ring buffer). */
export class EpisodeWindow {
  readonly #returns: Float64Array;
  readonly #lengths: Float64Array;
  #count = 0;
  #next = 0;
  /** Total episodes ever added. */
  total = 0;

  /** A window over the last `capacity` episodes. */
  constructor(readonly capacity: number) {
    this.#returns = new Float64Array(capacity);
    this.#lengths = new Float64Array(capacity);
  }

  /** Adds one finished episode. */
  add(ret: number, length: number): void {
    this.#returns[this.#next] = ret;
    this.#lengths[this.#next] = length;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#count < this.capacity) this.#count++;
    this.total++;
  }

  /** Number of episodes in the window. */
  get size(): number {
    return this.#count;
  }

  /** Mean, min and max return and mean length (all `null` when empty). */
  summary(): {
    mean: number | null;
    min: number | null;
    max: number | null;
    meanLength: number | null;
  } {
    if (this.#count === 0) return { mean: null, min: null, max: null, meanLength: null };
    let sum = 0, len = 0, min = Infinity, max = -Infinity;
    for (let i = 0; i < this.#count; i++) {
      const r = this.#returns[i];
      sum += r;
      len += this.#lengths[i];
      if (r < min) min = r;
      if (r > max) max = r;
    }
    return { mean: sum / this.#count, min, max, meanLength: len / this.#count };
  }

  /** The window's contents, oldest first, for checkpoints. */
  getState(): EpisodeWindowState {
    const returns: number[] = [];
    const lengths: number[] = [];
    const start = this.#count < this.capacity ? 0 : this.#next;
    for (let i = 0; i < this.#count; i++) {
      const k = (start + i) % this.capacity;
      returns.push(this.#returns[k]);
      lengths.push(this.#lengths[k]);
    }
    return { returns, lengths, total: this.total };
  }

  /** Restores a state produced by {@link EpisodeWindow.getState}. */
  setState(state: EpisodeWindowState): void {
    this.#count = 0;
    this.#next = 0;
    for (let i = 0; i < state.returns.length; i++) this.add(state.returns[i], state.lengths[i]);
    this.total = state.total;
  }
}

/** Mean and (population) standard deviation of `xs` (NaN for an empty list). */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(v / n) };
}
