/**
 * `NormalizeReward`, exactly Gymnasium 1.x's: after each step the discounted return is
 * accumulated as `G ← G·γ·(1 − terminated) + r`, its running variance `σ²_G` is updated
 * (unless frozen), and the reward is returned as `r / √(σ²_G + ε)` (optionally clipped to
 * [−c, c]). No mean is subtracted.
 * @module
 */
import type { Action, Env, MaybePromise, ResetOptions, ResetResult, StepResult } from "../types.ts";
import {
  RewardNormalizer,
  type RewardNormalizerOptions,
  type RewardNormalizerState,
} from "./normalizers.ts";
import { thenMaybe, Wrapper } from "./wrapper.ts";

/**
 * Scales rewards by the running standard deviation of the discounted return.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NormalizeReward } from "./normalize_reward.ts";
 * import { CartPoleEnv } from "../classic/mod.ts";
 *
 * const env = new NormalizeReward(new CartPoleEnv(), { gamma: 0.99 });
 * await env.reset({ seed: 0 });
 * const { reward } = await env.step(1); // 1 / √(σ²_G + ε) with σ²_G of the return so far
 * assert.ok(reward > 0 && reward !== 1);
 * ```
 */
export class NormalizeReward extends Wrapper {
  /** The normaliser (return statistics, γ, ε, clip, training flag; one copy). */
  readonly normalizer: RewardNormalizer;

  /** Wraps `env`. */
  constructor(env: Env, options: RewardNormalizerOptions = {}) {
    super(env);
    this.normalizer = new RewardNormalizer(1, options);
  }

  /** When false, the statistics are frozen. */
  get training(): boolean {
    return this.normalizer.training;
  }

  set training(on: boolean) {
    this.normalizer.training = on;
  }

  /** Forwards the reset (the running return carries over, as in Gymnasium). */
  override reset(options?: ResetOptions): MaybePromise<ResetResult> {
    return this.env.reset(options);
  }

  /** Steps and scales the reward. */
  override step(action: Action): MaybePromise<StepResult> {
    return thenMaybe(this.env.step(action), (r) => {
      const n = this.normalizer;
      n.returns[0] = n.returns[0] * n.gamma * (r.terminated ? 0 : 1) + r.reward;
      if (n.training) n.rms.update(n.returns, 1);
      return { ...r, reward: n.scaleReward(r.reward) };
    });
  }

  /** A JSON-serialisable copy of the state. */
  getNormState(): RewardNormalizerState {
    return this.normalizer.getState();
  }

  /** Restores a state saved by {@link NormalizeReward.getNormState}. */
  setNormState(state: RewardNormalizerState): void {
    this.normalizer.setState(state);
  }
}
