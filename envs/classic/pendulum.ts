/**
 * # Pendulum-v1
 *
 * The inverted-pendulum swing-up: a rigid pendulum on a frictionless pivot starts at a
 * random angle and must be swung up and held upright with a bounded torque, with Gymnasium
 * 1.4.0's constants (m = 1, l = 1, dt = 0.05 s, g = 10 by default).
 *
 * ## Observation space: Box(3), float32
 *
 * `[cos θ, sin θ, θ̇]` with bounds ±1, ±1, ±8. θ = 0 is upright.
 *
 * ## Action space: Box(1), float32, in [−2, 2]
 *
 * The torque; the dynamics clip it to [−2, 2].
 *
 * ## Dynamics (semi-implicit Euler)
 *
 *     u  = clip(a, −2, 2)
 *     θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m·l²)·u)·dt, −8, 8)
 *     θ'  = θ + θ̇'·dt
 *
 * θ itself is never wrapped: it grows without bound when the pendulum spins.
 *
 * ## Reward
 *
 * −(norm(θ)² + 0.1·θ̇² + 0.001·u²) on the OLD state, where norm(x) = ((x + π) mod 2π) − π
 * with a floored modulo; the reward lies in [−16.2736044, 0].
 *
 * ## Start state
 *
 * θ ~ U(−π, π), θ̇ ~ U(−1, 1) in float64; reset options `{ x_init, y_init }` (Gymnasium's
 * names) replace π and 1. The draws come from this toolkit's `Rng`: the distribution matches
 * Gymnasium's, the individual draws do not.
 *
 * ## Episode end
 *
 * Never terminates. The bare environment never truncates either: `Pendulum-v1` is
 * registered with a 200-step limit and no reward threshold.
 *
 * ## Bit-exactness
 *
 * numpy 1.x evaluates the float32 torque together with Python floats in float64, so every
 * intermediate here is float64 (u² is exact), grouped as Gymnasium groups it. The state is
 * float64; the observation is rounded to float32. `Math.sin`/`Math.cos` may differ from
 * numpy's SIMD versions in the last bit, so the float64 state agrees with Gymnasium's to a
 * few ulp while reward and observation agree exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PendulumEnv } from "./pendulum.ts";
 * const env = new PendulumEnv({ g: 9.81 });
 * env.reset({ seed: 0 });
 * const { reward, terminated } = env.step(new Float32Array([0]));
 * assert.ok(reward <= 0);
 * assert.ok(!terminated);
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import { Rng } from "../../random.ts";
import {
  checkState,
  entropySeed,
  parseOptions,
  parseResetOptions,
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

const ID = "Pendulum-v1";
const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const MASS = 1.0;
const LENGTH = 1.0;
const PI = Math.PI;
const TWO_PI = 2 * Math.PI;
const DEFAULT_X = Math.PI;
const DEFAULT_Y = 1.0;

/** Constructor options of {@link PendulumEnv}. */
export interface PendulumOptions {
  /** Gravitational acceleration (default 10.0). */
  g?: number;
}

const OptionsSchema = z.object({ g: z.number().optional() }).strict();

const ResetBoundsSchema = z.object({
  x_init: z.number().optional(),
  y_init: z.number().optional(),
}).strict();

/** ((x + π) mod 2π) − π with numpy's floored modulo (result has the sign of 2π). */
export function angleNormalize(x: number): number {
  let r = (x + PI) % TWO_PI;
  if (r !== 0 && r < 0) r += TWO_PI;
  else if (r === 0) r = 0; // numpy returns +0 for a zero remainder with a positive divisor
  return r - PI;
}

/** The Pendulum-v1 environment (see the module documentation). */
export class PendulumEnv implements StatefulEnv, FastStepEnv {
  /** Gymnasium's id of this environment. */
  static readonly id: "Pendulum-v1" = ID;
  /** Gymnasium's id of this environment. */
  readonly id: "Pendulum-v1" = ID;
  /** Box(3) float32: cos θ, sin θ, θ̇. */
  readonly observationSpace: BoxSpace = {
    type: "box",
    low: [-1, -1, -MAX_SPEED],
    high: [1, 1, MAX_SPEED],
    shape: [3],
    dtype: "float32",
  };
  /** Box(1) float32 in [−2, 2]: the torque. */
  readonly actionSpace: BoxSpace = {
    type: "box",
    low: [-MAX_TORQUE],
    high: [MAX_TORQUE],
    shape: [1],
    dtype: "float32",
  };
  /** The gravitational acceleration in use. */
  readonly g: number;

  private theta = 0;
  private thetaDot = 0;
  private lastU = NaN;
  private hasState = false;
  /** sin θ of the last observation, valid while `theta === sinThetaAt` (saves a libm call). */
  private sinTheta = 0;
  private sinThetaAt = NaN;
  /** 3g/(2l), evaluated as Gymnasium does. */
  private readonly gravityCoef: number;
  /** 3/(m·l²). */
  private readonly torqueCoef = 3.0 / (MASS * LENGTH ** 2);
  private readonly rng = new Rng(entropySeed());

  /** Creates the environment; throws a TypeError naming the bad option. */
  constructor(options: PendulumOptions = {}) {
    const data = parseOptions(ID, OptionsSchema, options);
    this.g = data.g ?? 10.0;
    this.gravityCoef = 3 * this.g / (2 * LENGTH);
  }

  /** Starts an episode at a random angle and rate; a seed re-seeds the Rng. */
  reset(options: ResetOptions = {}): ResetResult {
    this.start(options.seed, options.options);
    const observation = new Float32Array(3);
    this.writeObservation(observation, 0);
    return { observation, info: {} };
  }

  /** Advances one step with torque `action[0]` (a plain number is accepted too). */
  step(action: Action): StepResult {
    const a = scalarAction(ID, action);
    requireState(this.hasState, ID, "step");
    return stepViaInto(this, a, 3);
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
    this.writeObservation(out, offset);
    terminated[index] = 0;
    return reward;
  }

  /** Allocation-free reset (see {@link FastStepEnv.resetInto}). */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    this.start(seed, undefined);
    this.writeObservation(out, offset);
  }

  /** The internal state `[θ, θ̇]` (float64), as Gymnasium's `env.unwrapped.state`. */
  getState(): number[] {
    return [this.theta, this.thetaDot];
  }

  /** Overwrites the internal state `[θ, θ̇]`. */
  setState(state: ArrayLike<number>): void {
    checkState(ID, state, 2);
    this.theta = state[0];
    this.thetaDot = state[1];
    this.hasState = true;
  }

  /** One line: angle from upright (degrees), rate, and the last torque. */
  render(): string {
    const deg = angleNormalize(this.theta) * 180 / PI;
    const u = Number.isNaN(this.lastU) ? "-" : this.lastU.toFixed(3);
    return `${ID} θ=${deg.toFixed(1)}° from upright θ̇=${this.thetaDot.toFixed(3)} u=${u}`;
  }

  /** Nothing to release. */
  close(): void {}

  /**
   * Reseeds the generator when `seed` is given, then draws θ ~ U(−x, x) and θ̇ ~ U(−y, y)
   * (defaults x = π, y = 1, overridable by `options.x_init`/`options.y_init`).
   */
  private start(seed: number | undefined, options: Record<string, unknown> | undefined): void {
    reseed(this.rng, ID, seed);
    let x = DEFAULT_X;
    let y = DEFAULT_Y;
    if (options !== undefined) {
      const bounds = parseResetOptions(ID, ResetBoundsSchema, options);
      x = bounds.x_init ?? x;
      y = bounds.y_init ?? y;
    }
    this.theta = this.rng.uniformRange(-x, x);
    this.thetaDot = this.rng.uniformRange(-y, y);
    this.lastU = NaN;
    this.hasState = true;
  }

  /** One step of the dynamics; returns the reward (−cost of the old state). */
  private advance(action: number): number {
    const u = action < -MAX_TORQUE ? -MAX_TORQUE : action > MAX_TORQUE ? MAX_TORQUE : action;
    this.lastU = u;
    const th = this.theta;
    const thDot = this.thetaDot;
    const sinTh = th === this.sinThetaAt ? this.sinTheta : Math.sin(th);
    const n = angleNormalize(th);
    const cost = n * n + 0.1 * (thDot * thDot) + 0.001 * (u * u);
    let newThDot = thDot + (this.gravityCoef * sinTh + this.torqueCoef * u) * DT;
    if (newThDot < -MAX_SPEED) newThDot = -MAX_SPEED;
    else if (newThDot > MAX_SPEED) newThDot = MAX_SPEED;
    this.theta = th + newThDot * DT;
    this.thetaDot = newThDot;
    return -cost;
  }

  /**
   * Writes the observation (cos θ, sin θ, θ̇) at `out[offset..offset + 3)`, caching sin θ for
   * the next step.
   */
  private writeObservation(out: Float32Array, offset: number): void {
    const theta = this.theta;
    const sinTh = Math.sin(theta);
    this.sinTheta = sinTh;
    this.sinThetaAt = theta;
    out[offset] = Math.cos(theta);
    out[offset + 1] = sinTh;
    out[offset + 2] = this.thetaDot;
  }
}
