/**
 * # MountainCarContinuous-v0
 *
 * The mountain car with a continuous throttle: the car must climb the right hill (goal at
 * p ≥ 0.45) while paying for the energy it uses, with Gymnasium 1.4.0's constants.
 *
 * ## Observation space: Box(2), float32
 *
 * `[position p, velocity v]` in [−1.2, 0.6] × [−0.07, 0.07] (float32 bounds).
 *
 * ## Action space: Box(1), float32, in [−1, 1]
 *
 * The throttle a. Out-of-range actions are accepted and clipped by the dynamics (not by the
 * reward, which charges the unclipped action, as Gymnasium does).
 *
 * ## Dynamics (semi-implicit Euler; the slope uses the old position)
 *
 *     force = min(max(a, −1), 1)
 *     v ← clip(v + force·0.0015 − 0.0025·cos(3p), −0.07, 0.07)
 *     p ← clip(p + v, −1.2, 0.6)
 *     if p = −1.2 and v < 0: v ← 0          (inelastic left wall)
 *
 * ## Reward
 *
 * (100 if the step terminates, else 0) − 0.1·a², with a the unclipped action.
 *
 * ## Start state
 *
 * p ~ U(−0.6, −0.4), v = 0, in float64; reset option `{ low, high }` changes the interval of
 * p. The draw comes from this toolkit's `Rng`: the distribution matches Gymnasium's, the
 * individual draws do not.
 *
 * ## Episode end
 *
 * Terminated when p ≥ 0.45 and v ≥ goal velocity (option `goalVelocity`, default 0). The
 * bare environment never truncates: `MountainCarContinuous-v0` is registered with a 999-step
 * limit and a reward threshold of 90.
 *
 * ## Bit-exactness
 *
 * Gymnasium (numpy 1.x) computes the step in float64 from the float32 action and state,
 * tests termination on those float64 values, and only then STORES the new state as float32.
 * So the state after reset is float64, after every step float32-valued, and the next step
 * starts from the rounded values. This file does the same (`Math.fround` on store) and
 * reproduces Gymnasium to the bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MountainCarContinuousEnv } from "./mountain_car_continuous.ts";
 * const env = new MountainCarContinuousEnv();
 * env.reset({ seed: 0 });
 * const { reward } = env.step(new Float32Array([0.5]));
 * assert.equal(reward, -0.1 * 0.25);
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import { Rng } from "../../random.ts";
import {
  checkState,
  entropySeed,
  parseOptions,
  parseResetBounds,
  renderTrack,
  requireState,
  reseed,
  scalarAction,
  stepViaInto,
} from "./common.ts";
import type { BoxSpace } from "../spaces.ts";
import type {
  Action,
  FastStepEnv,
  ResetOptions,
  ResetResult,
  StatefulEnv,
  StepResult,
} from "../types.ts";

const ID = "MountainCarContinuous-v0";
const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const POWER = 0.0015;

/** Constructor options of {@link MountainCarContinuousEnv}. */
export interface MountainCarContinuousOptions {
  /** Minimum velocity at the goal position for the episode to terminate (default 0). */
  goalVelocity?: number;
}

const OptionsSchema = z.object({ goalVelocity: z.number().optional() }).strict();

/** The MountainCarContinuous-v0 environment (see the module documentation). */
export class MountainCarContinuousEnv implements StatefulEnv, FastStepEnv {
  /** Gymnasium's id of this environment. */
  static readonly id: "MountainCarContinuous-v0" = ID;
  /** Gymnasium's id of this environment. */
  readonly id: "MountainCarContinuous-v0" = ID;
  /** Box(2) float32: position, velocity. */
  readonly observationSpace: BoxSpace = {
    type: "box",
    low: [Math.fround(MIN_POSITION), Math.fround(-MAX_SPEED)],
    high: [Math.fround(MAX_POSITION), Math.fround(MAX_SPEED)],
    shape: [2],
    dtype: "float32",
  };
  /** Box(1) float32 in [−1, 1]: the throttle. */
  readonly actionSpace: BoxSpace = {
    type: "box",
    low: [MIN_ACTION],
    high: [MAX_ACTION],
    shape: [1],
    dtype: "float32",
  };

  private position = 0;
  private velocity = 0;
  private hasState = false;
  /** Whether the last step terminated (read right after `advance`). */
  private lastTerminated = false;
  private readonly goalVelocity: number;
  private readonly rng = new Rng(entropySeed());

  /** Creates the environment; throws a TypeError naming the bad option. */
  constructor(options: MountainCarContinuousOptions = {}) {
    const data = parseOptions(ID, OptionsSchema, options);
    this.goalVelocity = data.goalVelocity ?? 0;
  }

  /** Starts an episode at rest in the valley; a seed re-seeds the Rng. */
  reset(options: ResetOptions = {}): ResetResult {
    this.start(options.seed, options.options);
    const observation = new Float32Array(2);
    observation[0] = this.position;
    observation[1] = this.velocity;
    return { observation, info: {} };
  }

  /** Advances one step with throttle `action[0]` (a plain number is accepted too). */
  step(action: Action): StepResult {
    const a = scalarAction(ID, action);
    requireState(this.hasState, ID, "step");
    return stepViaInto(this, a, 2);
  }

  /** Allocation-free step (see {@link FastStepEnv.stepInto}); reads `action[0]`. */
  stepInto(
    action: number | Float32Array,
    out: Float32Array,
    offset: number,
    terminated: Uint8Array,
    index: number,
  ): number {
    if (!this.hasState) requireState(false, ID, "stepInto");
    const reward = this.advance(typeof action === "number" ? action : action[0]);
    out[offset] = this.position;
    out[offset + 1] = this.velocity;
    terminated[index] = this.lastTerminated ? 1 : 0;
    return reward;
  }

  /** Allocation-free reset (see {@link FastStepEnv.resetInto}). */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    this.start(seed, undefined);
    out[offset] = this.position;
    out[offset + 1] = this.velocity;
  }

  /** The internal state `[position, velocity]`, as Gymnasium's `env.unwrapped.state`. */
  getState(): number[] {
    return [this.position, this.velocity];
  }

  /** Overwrites the internal state `[position, velocity]` (values used as given). */
  setState(state: ArrayLike<number>): void {
    checkState(ID, state, 2);
    this.position = state[0];
    this.velocity = state[1];
    this.hasState = true;
  }

  /** One line: the track with the car (C) and the flag (F), and the state. */
  render(): string {
    return renderTrack(
      ID,
      this.position,
      this.velocity,
      GOAL_POSITION,
      MIN_POSITION,
      MAX_POSITION,
    );
  }

  /** Nothing to release. */
  close(): void {}

  /**
   * Reseeds the generator when `seed` is given, then draws the position uniformly from
   * [low, high] (default [−0.6, −0.4], overridable by `options.low`/`options.high`) with velocity 0.
   */
  private start(seed: number | undefined, options: Record<string, unknown> | undefined): void {
    reseed(this.rng, ID, seed);
    let low = -0.6;
    let high = -0.4;
    if (options !== undefined) ({ low, high } = parseResetBounds(ID, options, low, high));
    this.position = this.rng.uniformRange(low, high);
    this.velocity = 0;
    this.hasState = true;
  }

  /** One step of the dynamics; sets `lastTerminated` and returns the reward. */
  private advance(action: number): number {
    const force = Math.min(Math.max(action, MIN_ACTION), MAX_ACTION);
    const p0 = this.position;
    let v = this.velocity + (force * POWER - 0.0025 * Math.cos(3 * p0));
    if (v > MAX_SPEED) v = MAX_SPEED;
    if (v < -MAX_SPEED) v = -MAX_SPEED;
    let p = p0 + v;
    if (p > MAX_POSITION) p = MAX_POSITION;
    if (p < MIN_POSITION) p = MIN_POSITION;
    if (p === MIN_POSITION && v < 0) v = 0;
    const terminated = p >= GOAL_POSITION && v >= this.goalVelocity;
    this.lastTerminated = terminated;
    this.position = Math.fround(p);
    this.velocity = Math.fround(v);
    return (terminated ? 100.0 : 0) - action * action * 0.1;
  }
}
