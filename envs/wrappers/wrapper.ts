/**
 * The base of every wrapper: holds an inner environment and forwards everything to it.
 * Subclasses override `reset`/`step` (and the spaces) to change one behaviour each.
 *
 * Results may be Promises when the inner environment is asynchronous; {@link thenMaybe}
 * applies a function to a value or a Promise of one without wrapping synchronous values
 * in Promises, so synchronous environments stay synchronous through any wrapper stack.
 * @module
 */
import {
  type Action,
  type Env,
  isPromiseLike,
  type MaybePromise,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "../types.ts";
import type { Space } from "../spaces.ts";

/** Applies `f` to `value`, synchronously when it is not a Promise. */
export function thenMaybe<T, U>(value: MaybePromise<T>, f: (v: T) => U): MaybePromise<U> {
  return isPromiseLike(value) ? value.then(f) : f(value);
}

/**
 * A wrapper that forwards every call to the environment it wraps.
 *
 * @example A wrapper that doubles rewards
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wrapper } from "./wrapper.ts";
 * import { CartPoleEnv } from "../classic/mod.ts";
 * import type { Action, StepResult } from "../types.ts";
 *
 * class DoubleReward extends Wrapper<CartPoleEnv> {
 *   override step(action: Action): StepResult {
 *     const result = this.env.step(action);
 *     return { ...result, reward: 2 * result.reward };
 *   }
 * }
 * const env = new DoubleReward(new CartPoleEnv());
 * env.reset({ seed: 0 });
 * assert.equal(env.step(0).reward, 2);
 * assert.equal(env.observationSpace.type, "box"); // forwarded
 * ```
 */
export class Wrapper<E extends Env = Env> implements Env {
  /** The wrapped environment. */
  readonly env: E;

  /** Wraps `env`. */
  constructor(env: E) {
    this.env = env;
  }

  /** The inner environment's observation space (subclasses may override). */
  get observationSpace(): Space {
    return this.env.observationSpace;
  }

  /** The inner environment's action space (subclasses may override). */
  get actionSpace(): Space {
    return this.env.actionSpace;
  }

  /** The innermost, unwrapped environment. */
  get unwrapped(): Env {
    let e: Env = this.env;
    while (e instanceof Wrapper) e = e.env;
    return e;
  }

  /** Forwards to the inner environment. */
  reset(options?: ResetOptions): MaybePromise<ResetResult> {
    return this.env.reset(options);
  }

  /** Forwards to the inner environment. */
  step(action: Action): MaybePromise<StepResult> {
    return this.env.step(action);
  }

  /** Forwards to the inner environment (no-op when it has no `close`). */
  close(): MaybePromise<void> {
    return this.env.close?.();
  }

  /** Forwards to the inner environment, or names the wrapper when it cannot render. */
  render(): MaybePromise<string> {
    return this.env.render ? this.env.render() : `<${this.constructor.name}>`;
  }
}
