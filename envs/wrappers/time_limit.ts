/**
 * `TimeLimit`: cuts episodes after `maxEpisodeSteps` steps by setting `truncated = true`
 * on the step that reaches the limit (Gymnasium's `TimeLimit`). `terminated` is passed
 * through unchanged, so both flags may be true on the same step; algorithms then treat
 * the step as terminal (no bootstrapping), since the MDP did end.
 *
 * When the wrapped environment exposes `getState`/`setState` (a `StatefulEnv`) or the
 * allocation-free `stepInto`/`resetInto` fast path (a `FastStepEnv`), the wrapper
 * exposes them too. Its `stepInto` counts steps but, as the fast-path contract says, never
 * truncates: a caller on the fast path compares {@link TimeLimit.elapsedSteps} with
 * {@link TimeLimit.maxEpisodeSteps} itself (the vector environment does).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TimeLimit } from "./time_limit.ts";
 * import type { Env } from "../types.ts";
 * const inner: Env = {
 *   observationSpace: { type: "box", low: 0, high: 1, shape: [1] },
 *   actionSpace: { type: "discrete", n: 1 },
 *   reset: () => ({ observation: [0], info: {} }),
 *   step: () => ({ observation: [0], reward: 0, terminated: false, truncated: false, info: {} }),
 * };
 * const env = new TimeLimit(inner, 2);
 * env.reset();
 * env.step(0);
 * const last = env.step(0);
 * assert.ok(!(last instanceof Promise));
 * assert.ok(last.truncated);
 * ```
 * @module
 */
import {
  type Action,
  type Env,
  type FastStepEnv,
  isFastStepEnv,
  isPromiseLike,
  type MaybePromise,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "../types.ts";
import { Wrapper } from "./wrapper.ts";

/**
 * Truncates episodes after a fixed number of steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TimeLimit } from "./time_limit.ts";
 * import { CartPoleEnv } from "../classic/mod.ts";
 *
 * const env = new TimeLimit(new CartPoleEnv(), 2);
 * await env.reset({ seed: 0 });
 * assert.equal((await env.step(0)).truncated, false);
 * assert.equal((await env.step(1)).truncated, true);
 * ```
 */
export class TimeLimit extends Wrapper {
  /** Steps after which an episode is truncated. */
  readonly maxEpisodeSteps: number;
  /** Steps taken in the current episode. */
  elapsedSteps = 0;
  /** The wrapped environment's fast path, when it has one. */
  readonly fastEnv: FastStepEnv | null;
  /** Forwarded `getState` of a `StatefulEnv` (absent otherwise). */
  readonly getState?: () => number[];
  /** Forwarded `setState` of a `StatefulEnv` (absent otherwise). */
  readonly setState?: (state: ArrayLike<number>) => void;
  /** Forwarded fast-path step (counts steps, never truncates; absent without a fast path). */
  readonly stepInto?: FastStepEnv["stepInto"];
  /** Forwarded fast-path reset (restarts the step count; absent without a fast path). */
  readonly resetInto?: FastStepEnv["resetInto"];

  /** Wraps `env` with a limit of `maxEpisodeSteps` (a positive integer). */
  constructor(env: Env, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new RangeError(
        `TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`,
      );
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
    const stateful = env as Partial<{ getState(): number[]; setState(s: ArrayLike<number>): void }>;
    if (typeof stateful.getState === "function" && typeof stateful.setState === "function") {
      this.getState = () => stateful.getState!();
      this.setState = (s) => stateful.setState!(s);
    }
    this.fastEnv = isFastStepEnv(env) ? env : null;
    const fast = this.fastEnv;
    if (fast) {
      this.stepInto = (action, out, offset, terminated, index) => {
        this.elapsedSteps++;
        return fast.stepInto(action, out, offset, terminated, index);
      };
      this.resetInto = (out, offset, seed) => {
        this.elapsedSteps = 0;
        fast.resetInto(out, offset, seed);
      };
    }
  }

  /** Resets the inner environment and the step count. */
  override reset(options?: ResetOptions): MaybePromise<ResetResult> {
    this.elapsedSteps = 0;
    return this.env.reset(options);
  }

  /** Steps; sets `truncated` on the step that reaches the limit. */
  override step(action: Action): MaybePromise<StepResult> {
    const r = this.env.step(action);
    return isPromiseLike(r) ? r.then((v) => this.#count(v)) : this.#count(r);
  }

  #count(r: StepResult): StepResult {
    if (++this.elapsedSteps >= this.maxEpisodeSteps && !r.truncated) {
      return { ...r, truncated: true };
    }
    return r;
  }
}
