/**
 * `NormalizeObservation` (Gymnasium's formula): every observation `o` updates running
 * statistics `μ`, `σ²` (unless frozen) and is returned as
 * `x = clip((o − μ) / √(σ² + ε), −c, c)`, `ε = 1e-8`, no clipping by default.
 *
 * The statistics can be frozen for evaluation (`training = false`), saved and restored as
 * JSON, and exported as the {@link ObsNormStats} a trained policy bakes into ONNX.
 * @module
 */
import { flatDim, type Space } from "../spaces.ts";
import type {
  Action,
  Env,
  MaybePromise,
  Observation,
  ResetOptions,
  ResetResult,
  StepResult,
} from "../types.ts";
import {
  ObservationNormalizer,
  type ObservationNormalizerOptions,
  type ObservationNormalizerState,
  type ObsNormStats,
} from "./normalizers.ts";
import { thenMaybe, Wrapper } from "./wrapper.ts";

/**
 * Normalises observations with running statistics.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NormalizeObservation } from "./normalize_observation.ts";
 * import { CartPoleEnv } from "../classic/mod.ts";
 *
 * const env = new NormalizeObservation(new CartPoleEnv());
 * const { observation } = await env.reset({ seed: 0 });
 * // The first observation is its own mean: it normalises to (almost) zero.
 * assert.ok(Array.from(observation).every((x) => Math.abs(x) < 1e-3));
 * assert.equal(env.toSpec().mean.length, 4);
 * ```
 */
export class NormalizeObservation extends Wrapper {
  /** The normaliser (statistics, ε, clip, training flag). */
  readonly normalizer: ObservationNormalizer;
  readonly #space: Space;

  /** Wraps `env`, whose observation space must be a box. */
  constructor(env: Env, options: ObservationNormalizerOptions = {}) {
    super(env);
    const space = env.observationSpace;
    if (space.type !== "box") {
      throw new TypeError(`NormalizeObservation needs a box observation space, got ${space.type}`);
    }
    this.normalizer = new ObservationNormalizer(flatDim(space), options);
    const c = this.normalizer.clip;
    this.#space = { type: "box", low: -c, high: c, shape: [...space.shape] };
  }

  /** An unbounded box (or ±clip) of the inner shape. */
  override get observationSpace(): Space {
    return this.#space;
  }

  /** When false, the statistics are frozen. */
  get training(): boolean {
    return this.normalizer.training;
  }

  set training(on: boolean) {
    this.normalizer.training = on;
  }

  #apply(obs: Observation): Float32Array {
    const x = Float32Array.from(obs as ArrayLike<number>);
    this.normalizer.update(x, 1);
    this.normalizer.normalizeInPlace(x, 1);
    return x;
  }

  /** Resets and normalises the first observation. */
  override reset(options?: ResetOptions): MaybePromise<ResetResult> {
    return thenMaybe(
      this.env.reset(options),
      (r) => ({ observation: this.#apply(r.observation), info: r.info }),
    );
  }

  /** Steps and normalises the observation. */
  override step(action: Action): MaybePromise<StepResult> {
    return thenMaybe(
      this.env.step(action),
      (r) => ({ ...r, observation: this.#apply(r.observation) }),
    );
  }

  /** The statistics as an {@link ObsNormStats} snapshot (copies). */
  toSpec(): ObsNormStats {
    return this.normalizer.toSpec();
  }

  /** A JSON-serialisable copy of the statistics. */
  getNormState(): ObservationNormalizerState {
    return this.normalizer.getState();
  }

  /** Restores statistics saved by {@link NormalizeObservation.getNormState}. */
  setNormState(state: ObservationNormalizerState): void {
    this.normalizer.setState(state);
  }
}
