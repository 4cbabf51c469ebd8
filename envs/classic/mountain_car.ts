/**
 * # MountainCar-v0
 *
 * An under-powered car sits in a valley shaped like sin(3p) and must reach the flag on the
 * right hill by rocking back and forth to build momentum (Moore, 1990), with Gymnasium
 * 1.4.0's constants.
 *
 * ## Observation space: Box(2), float32
 *
 * `[position p, velocity v]` in [−1.2, 0.6] × [−0.07, 0.07] (float32 bounds, so −1.2 is
 * −1.2000000476837158).
 *
 * ## Action space: Discrete(3)
 *
 * 0 accelerates left, 1 does nothing, 2 accelerates right.
 *
 * ## Dynamics (semi-implicit Euler; the slope uses the old position)
 *
 *     v ← clip(v + ((a − 1)·0.001 + cos(3p)·(−0.0025)), −0.07, 0.07)
 *     p ← clip(p + v, −1.2, 0.6)
 *     if p = −1.2 and v < 0: v ← 0          (inelastic left wall)
 *
 * ## Reward
 *
 * −1 on every step, including the terminating one.
 *
 * ## Start state
 *
 * p ~ U(−0.6, −0.4), v = 0, in float64; reset option `{ low, high }` changes the interval of
 * p. The draw comes from this toolkit's `Rng`: the distribution matches Gymnasium's, the
 * individual draws do not.
 *
 * ## Episode end
 *
 * Terminated when p ≥ 0.5 and v ≥ goal velocity (option `goalVelocity`, default 0). The bare
 * environment never truncates: `MountainCar-v0` is registered with a 200-step limit and a
 * reward threshold of −110.
 *
 * ## Bit-exactness
 *
 * The state is float64 and the update above is evaluated in exactly that grouping; the
 * observation is the state rounded to float32. This reproduces Gymnasium to the bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MountainCarEnv } from "./mountain_car.ts";
 * const env = new MountainCarEnv();
 * env.reset({ seed: 0 });
 * assert.equal(env.step(2).reward, -1);
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import { Rng } from "../../random.ts";
import {
  checkState,
  discreteAction,
  discreteActionError,
  entropySeed,
  parseOptions,
  parseResetBounds,
  renderTrack,
  requireState,
  reseed,
  stepViaInto,
} from "./common.ts";
import { type BoxSpace, type DiscreteSpace, preview } from "../spaces.ts";
import type {
  Action,
  FastStepEnv,
  ResetOptions,
  ResetResult,
  StatefulEnv,
  StepResult,
} from "../types.ts";

const ID = "MountainCar-v0";
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/** Constructor options of {@link MountainCarEnv}. */
export interface MountainCarOptions {
  /** Minimum velocity at the goal position for the episode to terminate (default 0). */
  goalVelocity?: number;
}

const OptionsSchema = z.object({ goalVelocity: z.number().optional() }).strict();

/** The MountainCar-v0 environment (see the module documentation). */
export class MountainCarEnv implements StatefulEnv, FastStepEnv {
  /** Gymnasium's id of this environment. */
  static readonly id: "MountainCar-v0" = ID;
  /** Gymnasium's id of this environment. */
  readonly id: "MountainCar-v0" = ID;
  /** Box(2) float32: position, velocity. */
  readonly observationSpace: BoxSpace = {
    type: "box",
    low: [Math.fround(MIN_POSITION), Math.fround(-MAX_SPEED)],
    high: [Math.fround(MAX_POSITION), Math.fround(MAX_SPEED)],
    shape: [2],
    dtype: "float32",
  };
  /** Discrete(3): left, nothing, right. */
  readonly actionSpace: DiscreteSpace = { type: "discrete", n: 3 };

  private position = 0;
  private velocity = 0;
  private hasState = false;
  private readonly goalVelocity: number;
  private readonly rng = new Rng(entropySeed());

  /** Creates the environment; throws a TypeError naming the bad option. */
  constructor(options: MountainCarOptions = {}) {
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

  /** Advances one step with action 0 (left), 1 (none) or 2 (right). */
  step(action: Action): StepResult {
    if (action !== 0 && action !== 1 && action !== 2) {
      throw discreteActionError(ID, "step", 3, preview(action));
    }
    requireState(this.hasState, ID, "step");
    return stepViaInto(this, action, 2);
  }

  /** Allocation-free step (see {@link FastStepEnv.stepInto}). */
  stepInto(
    action: number | Float32Array,
    out: Float32Array,
    offset: number,
    terminated: Uint8Array,
    index: number,
  ): number {
    const a = discreteAction(ID, action, 3);
    if (!this.hasState) requireState(false, ID, "stepInto");
    terminated[index] = this.advance(a) ? 1 : 0;
    out[offset] = this.position;
    out[offset + 1] = this.velocity;
    return -1;
  }

  /** Allocation-free reset (see {@link FastStepEnv.resetInto}). */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    this.start(seed, undefined);
    out[offset] = this.position;
    out[offset + 1] = this.velocity;
  }

  /** The internal state `[position, velocity]` (float64), as Gymnasium's. */
  getState(): number[] {
    return [this.position, this.velocity];
  }

  /** Overwrites the internal state `[position, velocity]`. */
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

  /** One step of the dynamics; returns whether the new state is terminal. */
  private advance(action: number): boolean {
    const p0 = this.position;
    let v = this.velocity + ((action - 1) * FORCE + Math.cos(3 * p0) * -GRAVITY);
    if (v < -MAX_SPEED) v = -MAX_SPEED;
    else if (v > MAX_SPEED) v = MAX_SPEED;
    let p = p0 + v;
    if (p < MIN_POSITION) p = MIN_POSITION;
    else if (p > MAX_POSITION) p = MAX_POSITION;
    if (p === MIN_POSITION && v < 0) v = 0;
    this.position = p;
    this.velocity = v;
    return p >= GOAL_POSITION && v >= this.goalVelocity;
  }
}
