/**
 * `ClipAction`: clips each element of a continuous action to the inner environment's box
 * bounds, `a_i ← min(max(a_i, low_i), high_i)`, and advertises an unbounded action box of
 * the same shape (Gymnasium's `ClipAction`), so a Gaussian policy's raw samples are valid.
 * @module
 */
import { boxHigh, boxLow, type BoxSpace, flatDim, type Space } from "../spaces.ts";
import type { Action, Env, MaybePromise, StepResult } from "../types.ts";
import { Wrapper } from "./wrapper.ts";

/**
 * Clips continuous actions into the action box.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ClipAction } from "./clip_action.ts";
 * import { PendulumEnv } from "../classic/mod.ts";
 *
 * const env = new ClipAction(new PendulumEnv());
 * env.reset({ seed: 0 });
 * assert.equal(env.actionSpace.type, "box");
 * const { reward } = await env.step(new Float32Array([100])); // applied as the bound, 2
 * assert.ok(Number.isFinite(reward));
 * ```
 */
export class ClipAction extends Wrapper {
  readonly #inner: BoxSpace;
  readonly #space: Space;

  /** Wraps `env`, whose action space must be a box. */
  constructor(env: Env) {
    super(env);
    const space = env.actionSpace;
    if (space.type !== "box") {
      throw new TypeError(`ClipAction needs a box action space, got ${space.type}`);
    }
    this.#inner = space;
    this.#space = { type: "box", low: -Infinity, high: Infinity, shape: [...space.shape] };
  }

  /** An unbounded box of the inner shape. */
  override get actionSpace(): Space {
    return this.#space;
  }

  /** Clips `action` to the inner box and steps. */
  override step(action: Action): MaybePromise<StepResult> {
    const n = flatDim(this.#inner);
    const a = action as ArrayLike<number>;
    if (typeof action === "number" || a.length !== n) {
      throw new TypeError(`ClipAction.step: action must have ${n} elements, got ${String(action)}`);
    }
    const clipped = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const lo = boxLow(this.#inner, i);
      const hi = boxHigh(this.#inner, i);
      const v = a[i];
      clipped[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return this.env.step(clipped);
  }
}
