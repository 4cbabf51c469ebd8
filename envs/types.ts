/**
 * The environment interface, with Gymnasium's semantics.
 *
 * - `reset({ seed })` starts an episode; a seed re-seeds the environment's generator.
 * - `step(action)` advances one step and reports `terminated` (the MDP reached a terminal
 *   state: do **not** bootstrap) separately from `truncated` (the episode was cut, for
 *   example by a time limit: **do** bootstrap from the final observation).
 * - Either method may return a Promise (an environment wrapping a remote simulator);
 *   synchronous environments return plain values and never pay for a Promise.
 *
 * Actions: a `number` for `discrete` spaces, a `Float32Array` for `box` spaces, an
 * `Int32Array` for `multi-discrete` and `multi-binary` spaces. Observations are flat `Float32Array`s of length
 * `flatDim(observationSpace)` (built-in environments) or any array-like of numbers.
 * @module
 */
import type { Space } from "./spaces.ts";

/** An action: discrete index, continuous vector, or multi-discrete (or multi-binary) vector. */
export type Action = number | Float32Array | Int32Array;

/** What an observation may be; built-in environments return `Float32Array`. */
export type Observation = Float32Array | ArrayLike<number>;

/** Free-form diagnostic data, as Gymnasium's `info` dict. */
export type Info = Record<string, unknown>;

/** Options of {@link Env.reset}. */
export interface ResetOptions {
  /** Re-seed the environment's generator before the reset. */
  seed?: number;
  /** Environment-specific options (for example start-state bounds). */
  options?: Record<string, unknown>;
}

/** What {@link Env.reset} returns. */
export interface ResetResult {
  /** The first observation of the episode. */
  observation: Observation;
  /** Diagnostic data. */
  info: Info;
}

/** What {@link Env.step} returns. */
export interface StepResult {
  /** The observation after the step. */
  observation: Observation;
  /** The reward for the transition. */
  reward: number;
  /** The MDP reached a terminal state (no bootstrapping). */
  terminated: boolean;
  /** The episode was cut short, for example by a time limit (bootstrap from `observation`). */
  truncated: boolean;
  /** Diagnostic data. */
  info: Info;
}

/** A value that may or may not be a Promise. */
export type MaybePromise<T> = T | Promise<T>;

/** A reinforcement-learning environment. */
export interface Env {
  /** The space observations live in. */
  readonly observationSpace: Space;
  /** The space actions live in. */
  readonly actionSpace: Space;
  /** Starts a new episode. */
  reset(options?: ResetOptions): MaybePromise<ResetResult>;
  /** Advances one step. */
  step(action: Action): MaybePromise<StepResult>;
  /** Releases resources. */
  close?(): MaybePromise<void>;
  /** A human-readable rendering (text) of the current state. */
  render?(): MaybePromise<string>;
}

/**
 * A classic-control environment whose internal state can be read and written in the
 * layout of Gymnasium's `env.unwrapped.state` (used by `deno task replay`).
 */
export interface StatefulEnv extends Env {
  /** A copy of the internal state, as float64 numbers. */
  getState(): number[];
  /** Overwrites the internal state. */
  setState(state: ArrayLike<number>): void;
}

/** True when `value` is a thenable (a Promise or Promise-like). */
export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === "function";
}

/**
 * An optional allocation-free fast path that built-in environments offer to the vector
 * environment. `stepInto` behaves exactly like `step` but writes the observation into
 * `out[offset .. offset + obsDim)`, writes the terminated flag (1/0) into
 * `terminated[index]`, and returns the reward. It never truncates (time limits are applied
 * by the caller) and never allocates.
 */
export interface FastStepEnv extends Env {
  /** Steps like {@link Env.step}, writing into caller-owned buffers. */
  stepInto(
    action: number | Float32Array,
    out: Float32Array,
    offset: number,
    terminated: Uint8Array,
    index: number,
  ): number;
  /** Resets like {@link Env.reset}, writing the observation into `out` at `offset`. */
  resetInto(out: Float32Array, offset: number, seed?: number): void;
}

/** True when `env` offers the {@link FastStepEnv} fast path. */
export function isFastStepEnv(env: Env): env is FastStepEnv {
  const e = env as Partial<FastStepEnv>;
  return typeof e.stepInto === "function" && typeof e.resetInto === "function";
}
