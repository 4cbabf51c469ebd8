/**
 * From policy actions to environment actions.
 *
 * - Discrete: the policy samples `k ∈ {0 … n−1}`; the environment's space
 *   `{start … start+n−1}` gets `k + start`.
 * - Box: the Gaussian policy samples `a ∈ ℝ^d`; the environment gets
 *   `clip(a, low, high)` per dimension (the unclipped `a` stays in the rollout, as
 *   CleanRL and SB3 do, so that `log π(a|s)` is the density of what was sampled).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toEnvActions } from "./actions.ts";
 * const box = { type: "box" as const, low: -1, high: 1, shape: [2] };
 * const out = toEnvActions(box, new Float32Array([-3, 0.5]), 1, new Float32Array(2));
 * assert.deepEqual(Array.from(out), [-1, 0.5]);
 * ```
 * @module
 */
import { Rng } from "../random.ts";
import { flatDim, type Space } from "../envs/spaces.ts";
import type { Action } from "../envs/types.ts";
import type { ObservationNormalizer } from "../envs/wrappers/normalizers.ts";
import type { ActBuffers, ActorCritic } from "../policies/actor_critic.ts";

/**
 * Converts `rows` policy actions to what the environment expects, in `out` (a discrete
 * space starting at 0 returns `actions` itself).
 */
export function toEnvActions(
  space: Space,
  actions: Int32Array | Float32Array,
  rows: number,
  out: Int32Array | Float32Array,
): Int32Array | Float32Array {
  if (space.type === "discrete") {
    const start = space.start ?? 0;
    if (start === 0) return actions;
    for (let i = 0; i < rows; i++) out[i] = actions[i] + start;
    return out;
  }
  clipToBox(space, actions as Float32Array, rows, out as Float32Array);
  return out;
}

/** The environment action of one policy action: a number (discrete) or a new clipped array. */
export function toEnvAction(space: Space, actions: Int32Array | Float32Array): Action {
  if (space.type === "discrete") return actions[0] + (space.start ?? 0);
  const out = new Float32Array(flatDim(space));
  clipToBox(space, actions as Float32Array, 1, out);
  return out;
}

/** Clips `rows` box actions into the space's bounds (NaN-free), writing `out`. */
export function clipToBox(
  space: Space,
  actions: Float32Array,
  rows: number,
  out: Float32Array,
): void {
  if (space.type !== "box") throw new TypeError("clipToBox: not a box space");
  const d = flatDim(space);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) {
      const lo = typeof space.low === "number" ? space.low : space.low[j];
      const hi = typeof space.high === "number" ? space.high : space.high[j];
      const a = actions[i * d + j];
      out[i * d + j] = a < lo ? lo : a > hi ? hi : a;
    }
  }
}

/** Acts for one raw observation at a time (`Agent.predict`), reusing its buffers. */
export class Predictor {
  readonly #obs: Float32Array;
  readonly #buffers: ActBuffers;
  readonly #rng = new Rng(0x5eed);

  /** `normalizer` (frozen: never updated here) is applied before the policy, when given. */
  constructor(
    readonly policy: ActorCritic,
    readonly normalizer: ObservationNormalizer | null,
    readonly name: string,
  ) {
    this.#obs = new Float32Array(policy.obsDim);
    this.#buffers = policy.createActBuffers(1);
  }

  /** The environment action for `observation` (the mode when `deterministic`). */
  predict(observation: ArrayLike<number>, deterministic: boolean): Action {
    const p = this.policy;
    if (observation.length !== p.obsDim) {
      throw new RangeError(
        `${this.name}.predict: observation has ${observation.length} values, expected ${p.obsDim}`,
      );
    }
    const x = this.#obs;
    for (let i = 0; i < p.obsDim; i++) x[i] = observation[i];
    this.normalizer?.normalizeInPlace(x, 1);
    p.act(x, 1, this.#rng, this.#buffers, deterministic, false);
    return toEnvAction(p.actionSpace, this.#buffers.actions);
  }
}
