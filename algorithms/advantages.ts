/**
 * Returns and advantage estimators shared by every algorithm.
 *
 * **Reward-to-go** of one episode (REINFORCE):
 *
 *     G_t = Σ_{t' ≥ t} γ^{t'−t} r_{t'} = r_t + γ G_{t+1},   G_T = bootstrap (0 by default)
 *
 * **Generalised advantage estimation** (Schulman et al., 2016) over a time-major rollout of
 * T steps × N environments (row `t·N + i` is step `t` of environment `i`), with the
 * vector environment's *same-step autoreset*: when an episode ends at step t, the next
 * row's observation already belongs to a new episode, so the value of the state after
 * step t is
 *
 *     V_next(t) = 0                   if terminated_t          (the MDP ended: no bootstrap)
 *               = V(finalObs_t)       else if truncated_t      (time limit: bootstrap)
 *               = V(s_{t+1})          otherwise (V(s_T) = `lastValues` for t = T − 1)
 *
 *     δ_t = r_t + γ V_next(t) − V(s_t)
 *     A_t = δ_t + γ λ (1 − done_t) A_{t+1},   done_t = terminated_t ∨ truncated_t
 *     R_t = A_t + V(s_t)                     (the λ-return, regression target of the critic)
 *
 * λ = 1 gives the Monte Carlo advantage G_t − V(s_t) (bootstrapped at the rollout's end
 * and at truncations); λ = 0 gives the one-step TD error δ_t. With λ = 1 and a rollout of
 * n steps, A_t is the n-step advantage of A2C:
 * `Σ_{k<n−t} γ^k r_{t+k} + γ^{n−t} V(s_n) − V(s_t)` (see {@link nStepAdvantages}).
 *
 * All arithmetic is in float64; the outputs are `Float64Array`s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { returnsToGo } from "./advantages.ts";
 * const g = returnsToGo([1, 1, 1], 0.5);
 * assert.deepEqual(Array.from(g), [1.75, 1.5, 1]);
 * ```
 * @module
 */

/**
 * Discounted reward-to-go of one episode: `G_t = r_t + γ G_{t+1}`, with `G_T = bootstrap`.
 *
 * @param rewards the episode's rewards r_0 … r_{T−1}
 * @param gamma the discount γ ∈ [0, 1]
 * @param bootstrap the value of the state after the last step (0 for a terminated episode;
 *   `V(s_T)` for one cut by a time limit, when a critic is available)
 * @returns `G`, with `G[t]` the discounted sum of rewards from step t on
 */
export function returnsToGo(
  rewards: ArrayLike<number>,
  gamma: number,
  bootstrap = 0,
): Float64Array {
  checkDiscount("returnsToGo", "gamma", gamma);
  const out = new Float64Array(rewards.length);
  let g = bootstrap;
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t] + gamma * g;
    out[t] = g;
  }
  return out;
}

/** Input of {@link gae}: one time-major rollout of `numSteps × numEnvs` transitions. */
export interface GaeInput {
  /** Number of steps per environment, T. */
  numSteps: number;
  /** Number of parallel environments, N. */
  numEnvs: number;
  /** Rewards r_t, length T·N, row `t·N + i`. */
  rewards: ArrayLike<number>;
  /** Critic values V(s_t) of the observations the actions were taken in, length T·N. */
  values: ArrayLike<number>;
  /** 1 where the step ended the episode in a terminal state, length T·N. */
  terminated: ArrayLike<number>;
  /** 1 where the step cut the episode (time limit), length T·N. */
  truncated: ArrayLike<number>;
  /**
   * V(finalObs_t): the critic's value of the final observation of a truncated episode,
   * length T·N; read only where `truncated` is 1 and `terminated` is 0.
   */
  finalValues: ArrayLike<number>;
  /** V(s_T): values of the observations after the last step, length N. */
  lastValues: ArrayLike<number>;
  /** Discount γ. */
  gamma: number;
  /** GAE parameter λ ∈ [0, 1]. */
  lambda: number;
}

/** Output of {@link gae}. */
export interface GaeResult {
  /** Advantages A_t, length T·N. */
  advantages: Float64Array;
  /** λ-returns R_t = A_t + V(s_t), length T·N (the critic's regression targets). */
  returns: Float64Array;
}

/**
 * Generalised advantage estimates with correct bootstrapping at terminations, truncations
 * and the rollout's end (see the module documentation for the equations).
 *
 * @param input the rollout (time-major, `numSteps × numEnvs`)
 * @param out optional output buffers of length T·N to fill instead of allocating
 * @returns advantages A_t and λ-returns R_t
 * @throws RangeError when a length does not match `numSteps × numEnvs`, or γ, λ are outside [0, 1]
 */
export function gae(input: GaeInput, out?: GaeResult): GaeResult {
  const { numSteps: T, numEnvs: N, gamma, lambda } = input;
  checkDiscount("gae", "gamma", gamma);
  checkDiscount("gae", "lambda", lambda);
  const size = T * N;
  for (
    const key of ["rewards", "values", "terminated", "truncated", "finalValues"] as const
  ) {
    if (input[key].length !== size) {
      throw new RangeError(
        `gae: ${key} has length ${
          input[key].length
        }, expected numSteps × numEnvs = ${T} × ${N} = ${size}`,
      );
    }
  }
  if (input.lastValues.length !== N) {
    throw new RangeError(
      `gae: lastValues has length ${input.lastValues.length}, expected numEnvs = ${N}`,
    );
  }
  const advantages = out?.advantages ?? new Float64Array(size);
  const returns = out?.returns ?? new Float64Array(size);
  if (advantages.length !== size || returns.length !== size) {
    throw new RangeError(`gae: output buffers must have length ${size}`);
  }
  const { rewards, values, terminated, truncated, finalValues, lastValues } = input;
  const gl = gamma * lambda;
  for (let i = 0; i < N; i++) {
    let nextAdvantage = 0;
    let nextValue = lastValues[i];
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + i;
      const term = terminated[k] !== 0;
      const trunc = truncated[k] !== 0;
      let vNext: number;
      if (term) vNext = 0;
      else if (trunc) vNext = finalValues[k];
      else vNext = nextValue;
      const delta = rewards[k] + gamma * vNext - values[k];
      const a = term || trunc ? delta : delta + gl * nextAdvantage;
      advantages[k] = a;
      returns[k] = a + values[k];
      nextAdvantage = a;
      nextValue = values[k];
    }
  }
  return { advantages, returns };
}

/**
 * The n-step advantages of A2C: GAE with λ = 1 over a rollout of n steps, i.e.
 * `A_t = Σ_{k=0}^{m−1} γ^k r_{t+k} + γ^m V_next − V(s_t)` where the sum runs to the
 * rollout's end or the episode's end, whichever comes first (bootstrapping as in {@link gae}).
 */
export function nStepAdvantages(input: Omit<GaeInput, "lambda">, out?: GaeResult): GaeResult {
  return gae({ ...input, lambda: 1 }, out);
}

/**
 * One-step TD errors `δ_t = r_t + γ V_next(t) − V(s_t)` (GAE with λ = 0).
 */
export function tdErrors(input: Omit<GaeInput, "lambda">, out?: GaeResult): GaeResult {
  return gae({ ...input, lambda: 0 }, out);
}

/**
 * Fraction of the variance of `targets` explained by `predictions`:
 * `1 − Var[y − ŷ] / Var[y]` (NaN when `Var[y] = 0`). 1 is perfect, 0 is no better than the
 * mean, negative is worse.
 */
export function explainedVariance(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
): number {
  const n = targets.length;
  if (predictions.length !== n) {
    throw new RangeError(
      `explainedVariance: predictions has length ${predictions.length}, targets ${n}`,
    );
  }
  if (n === 0) return NaN;
  let my = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    my += targets[i];
    md += targets[i] - predictions[i];
  }
  my /= n;
  md /= n;
  let vy = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    const y = targets[i] - my;
    const d = targets[i] - predictions[i] - md;
    vy += y * y;
    vd += d * d;
  }
  return vy === 0 ? NaN : 1 - vd / vy;
}

/**
 * Normalises `x` in place to zero mean and unit standard deviation:
 * `x ← (x − mean) / (std + eps)`, with the unbiased (n − 1) standard deviation by default, as
 * PyTorch's `std()` used by CleanRL; `unbiased = false` divides by n. Returns `x`.
 */
export function normalize<T extends Float64Array | Float32Array>(
  x: T,
  eps = 1e-8,
  unbiased = true,
): T {
  const n = x.length;
  if (n === 0) return x;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  const denom = unbiased && n > 1 ? n - 1 : n;
  const std = Math.sqrt(ss / denom);
  for (let i = 0; i < n; i++) x[i] = (x[i] - mean) / (std + eps);
  return x;
}

function checkDiscount(fn: string, name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${fn}: ${name} must be in [0, 1], got ${value}`);
  }
}
