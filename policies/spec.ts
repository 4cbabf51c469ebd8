/**
 * A trained policy as plain data: everything an exporter needs, nothing of the trainer.
 *
 * The network computes, for an observation `o` (flattened, float32):
 *
 * 1. normalisation, when `obsNorm` is given: `x = clip((o − mean) / √(var + ε), −c, c)`;
 * 2. the actor MLP: `h₁ = act(W₁x + b₁)`, …, `y = W_L h_{L−1} + b_L` (no activation on the
 *    last layer), where `y` is the logits (discrete) or the Gaussian mean (box);
 * 3. for box actions, the state-independent `logStd`;
 * 4. the critic MLP, same form, with one output (the state value), when present.
 * @module
 */
import type { Space } from "../envs/spaces.ts";
import type { MlpSpec } from "../nn/spec.ts";

export type { DenseLayerSpec, MlpSpec } from "../nn/spec.ts";

/**
 * Observation normalisation statistics (Gymnasium's `NormalizeObservation` formula).
 *
 * The same shape as `ObsNormStats` in `envs/wrappers/normalizers.ts`, which a normaliser's
 * `toSpec()` returns: `policies/` may not import `envs/` beyond its spaces, so the shape is
 * declared on both sides and TypeScript's structural typing joins them (a test keeps them
 * assignable both ways).
 */
export interface ObsNormSpec {
  /** Running mean, one per observation element. */
  mean: Float64Array;
  /** Running variance, one per observation element. */
  var: Float64Array;
  /** The ε inside the square root. */
  epsilon: number;
  /** Normalised values are clipped to [−clip, clip] (`Infinity` for no clipping). */
  clip: number;
}

/** Who made the policy; copied into exported metadata. */
export interface PolicyProvenance {
  /** Algorithm name, e.g. `"ppo"`. */
  algorithm: string;
  /** Environment id the policy was trained on. */
  envId: string;
  /** Environment steps of training. */
  timesteps: number;
  /** The seed training used (evaluation tools offset it for held-out episodes). */
  seed?: number;
  /** The options the environment was made with (`make(envId, { envOptions })`). */
  envOptions?: Record<string, unknown>;
  /**
   * The simulator an environment's dynamics depend on, with its release (for example
   * `"mujoco 3.12.0"`): a policy is only known to behave the same on that release.
   */
  simulator?: string;
}

/** A complete, trainer-free description of an actor (and optional critic). */
export interface PolicySpec {
  /** The observation space the policy expects. */
  observationSpace: Space;
  /** The action space the policy acts in (`discrete` or `box`). */
  actionSpace: Space;
  /** Observation normalisation baked into the policy, if it trained with one. */
  obsNorm?: ObsNormSpec;
  /** Actor network: logits (discrete) or mean (box). */
  actor: MlpSpec;
  /** Log standard deviations for box actions (length = action dimension). */
  logStd?: Float32Array;
  /** Critic network with one output, if any. */
  critic?: MlpSpec;
  /** Provenance, for metadata. */
  provenance: PolicyProvenance;
}
