/**
 * # Acrobot-v1
 *
 * Two links hang from a fixed pivot, joined by an actuated elbow. Torque at the elbow must
 * swing the free end above a line one link-length above the pivot. The dynamics are the
 * Sutton & Barto book version (Sutton 1996), with Gymnasium 1.4.0's constants: masses 1,
 * lengths 1, centres of mass at 0.5, moments of inertia 1, g = 9.8, dt = 0.2 s.
 *
 * ## Observation space: Box(6), float32
 *
 * `[cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]` with bounds ±1 (four times), ±4π and ±9π
 * (float32: 12.566370964050293 and 28.274333953857422). θ1 is the angle of the first link
 * from straight down, θ2 the angle of the second link relative to the first.
 *
 * ## Action space: Discrete(3)
 *
 * Torque −1, 0 or +1 at the elbow for actions 0, 1, 2 (plus U(−n, n) noise when the
 * option `torqueNoiseMax` n is positive; Gymnasium's default is 0).
 *
 * ## Dynamics
 *
 * With τ the torque, c2 = cos θ2, s2 = sin θ2:
 *
 *     d1  = 0.25 + (1.25 + c2) + 1 + 1            d2 = (0.25 + 0.5·c2) + 1
 *     φ2  = 4.9·cos(θ1 + θ2 − π/2)
 *     φ1  = −0.5·θ̇2²·s2 − θ̇2·θ̇1·s2 + 14.7·cos(θ1 − π/2) + φ2
 *     θ̈2 = (τ + d2/d1·φ1 − 0.5·θ̇1²·s2 − φ2) / (1.25 − d2²/d1)     (book)
 *     θ̈1 = −(d2·θ̈2 + φ1) / d1
 *
 * (option `bookOrNips: "nips"` drops the −0.5·θ̇1²·s2 term). One classical RK4 step of
 * 0.2 s (k2, k3 at half steps of 0.1), then θ1, θ2 are wrapped into [−π, π] by adding or
 * subtracting 2π and θ̇1, θ̇2 are clipped to ±4π, ±9π.
 *
 * ## Reward
 *
 * −1 on every step that does not terminate, 0 on the terminating step.
 *
 * ## Start state
 *
 * (θ1, θ2, θ̇1, θ̇2) ~ U(−0.1, 0.1)⁴ drawn in float64 and rounded to float32 (as Gymnasium
 * stores it); reset option `{ low, high }` changes the interval. The draws come from this
 * toolkit's `Rng`: the distribution matches Gymnasium's, the individual draws do not.
 *
 * ## Episode end
 *
 * Terminated when −cos θ1 − cos(θ1 + θ2) > 1 on the new state. The bare environment never
 * truncates: `Acrobot-v1` is registered with a 500-step limit and a reward threshold of −100.
 *
 * ## Bit-exactness
 *
 * All arithmetic is float64 in Gymnasium's order of evaluation (products left to right,
 * squares as x·x, RK4 sum as ((k1 + 2k2) + 2k3) + k4 scaled by 0.2/6). The state after
 * reset is float32-valued, after a step float64. The observation is rounded to float32.
 * numpy 1.24's SIMD sin/cos differ from `Math.sin`/`Math.cos` in the last bit for some
 * angles, so the float64 state agrees with Gymnasium's to a few ulp, the observation exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AcrobotEnv } from "./acrobot.ts";
 * const env = new AcrobotEnv();
 * env.reset({ seed: 3 });
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

const ID = "Acrobot-v1";
const DT = 0.2;
const DT2 = DT / 2.0;
const DT6 = DT / 6.0;
const M1 = 1.0;
const M2 = 1.0;
const L1 = 1.0;
const LC1 = 0.5;
const LC2 = 0.5;
const I1 = 1.0;
const I2 = 1.0;
const G = 9.8;
const PI = Math.PI;
const HALF_PI = PI / 2.0;
const MAX_VEL_1 = 4 * PI;
const MAX_VEL_2 = 9 * PI;
// Constant sub-expressions, grouped exactly as Gymnasium's left-to-right evaluation groups them.
const D1_CONST = M1 * LC1 ** 2;
const D1_INNER = L1 ** 2 + LC2 ** 2;
const D1_COS = 2 * L1 * LC2;
const D2_CONST = LC2 ** 2;
const D2_COS = L1 * LC2;
const PHI2_COEF = M2 * LC2 * G;
const PHI1_SQ = -M2 * L1 * LC2;
const PHI1_CROSS = 2 * M2 * L1 * LC2;
const PHI1_GRAV = (M1 * LC1 + M2 * L1) * G;
const BOOK_COEF = M2 * L1 * LC2;
const DENOM_CONST = M2 * LC2 ** 2 + I2;

/** Constructor options of {@link AcrobotEnv}. */
export interface AcrobotOptions {
  /** `"book"` (default, Gymnasium's) or `"nips"` dynamics. */
  bookOrNips?: "book" | "nips";
  /** Uniform torque noise amplitude added to every action (default 0). */
  torqueNoiseMax?: number;
}

const OptionsSchema = z.object({
  bookOrNips: z.enum(["book", "nips"]).optional(),
  torqueNoiseMax: z.number().min(0, "torqueNoiseMax must be ≥ 0").optional(),
}).strict();

/**
 * Gymnasium's `wrap`: shifts x by multiples of (hi − lo) into [lo, hi]. Angles so large that
 * subtracting 2π no longer changes them (only reachable through `setState`; Gymnasium would
 * loop forever) are reduced with a floored remainder instead.
 */
function wrap(x: number, lo: number, hi: number): number {
  const diff = hi - lo;
  if (!(Math.abs(x) < 1e6)) return lo + (((x - lo) % diff) + diff) % diff;
  while (x > hi) x = x - diff;
  while (x < lo) x = x + diff;
  return x;
}

/** The Acrobot-v1 environment (see the module documentation). */
export class AcrobotEnv implements StatefulEnv, FastStepEnv {
  /** Gymnasium's id of this environment. */
  static readonly id: "Acrobot-v1" = ID;
  /** Gymnasium's id of this environment. */
  readonly id: "Acrobot-v1" = ID;
  /** Box(6) float32: cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2. */
  readonly observationSpace: BoxSpace = {
    type: "box",
    low: [-1, -1, -1, -1, -Math.fround(MAX_VEL_1), -Math.fround(MAX_VEL_2)],
    high: [1, 1, 1, 1, Math.fround(MAX_VEL_1), Math.fround(MAX_VEL_2)],
    shape: [6],
    dtype: "float32",
  };
  /** Discrete(3): torque −1, 0, +1. */
  readonly actionSpace: DiscreteSpace = { type: "discrete", n: 3 };

  private theta1 = 0;
  private theta2 = 0;
  private dtheta1 = 0;
  private dtheta2 = 0;
  private hasState = false;
  private readonly book: boolean;
  private readonly torqueNoiseMax: number;
  private readonly rng = new Rng(entropySeed());
  /** Scratch for one derivative evaluation: θ̈1, θ̈2. */
  private ddtheta1 = 0;
  private ddtheta2 = 0;
  /** cos θ1 from the termination test, valid while `theta1 === cosTheta1At`. */
  private cosTheta1 = 1;
  private cosTheta1At = NaN;

  /** Creates the environment; throws a TypeError naming the bad option. */
  constructor(options: AcrobotOptions = {}) {
    const data = parseOptions(ID, OptionsSchema, options);
    this.book = (data.bookOrNips ?? "book") === "book";
    this.torqueNoiseMax = data.torqueNoiseMax ?? 0;
  }

  /** Starts an episode near hanging straight down; a seed re-seeds the Rng. */
  reset(options: ResetOptions = {}): ResetResult {
    this.start(options.seed, options.options);
    const observation = new Float32Array(6);
    this.writeObservation(observation, 0);
    return { observation, info: {} };
  }

  /** Advances one step with action 0, 1 or 2 (torque −1, 0, +1). */
  step(action: Action): StepResult {
    if (action !== 0 && action !== 1 && action !== 2) {
      throw discreteActionError(ID, "step", 3, preview(action));
    }
    requireState(this.hasState, ID, "step");
    return stepViaInto(this, action, 6);
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
    const done = this.advance(a);
    this.writeObservation(out, offset);
    terminated[index] = done ? 1 : 0;
    return done ? 0 : -1;
  }

  /** Allocation-free reset (see {@link FastStepEnv.resetInto}). */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    this.start(seed, undefined);
    this.writeObservation(out, offset);
  }

  /** The internal state `[θ1, θ2, θ̇1, θ̇2]`, as Gymnasium's `env.unwrapped.state`. */
  getState(): number[] {
    return [this.theta1, this.theta2, this.dtheta1, this.dtheta2];
  }

  /** Overwrites the internal state `[θ1, θ2, θ̇1, θ̇2]`. */
  setState(state: ArrayLike<number>): void {
    checkState(ID, state, 4);
    this.theta1 = state[0];
    this.theta2 = state[1];
    this.dtheta1 = state[2];
    this.dtheta2 = state[3];
    this.hasState = true;
  }

  /** One line: the tip height and the state (angles in degrees). */
  render(): string {
    const height = -Math.cos(this.theta1) - Math.cos(this.theta2 + this.theta1);
    const deg = (v: number) => (v * 180 / PI).toFixed(1);
    return `${ID} tip=${height.toFixed(3)} (goal > 1) θ1=${deg(this.theta1)}° ` +
      `θ2=${deg(this.theta2)}° θ̇1=${this.dtheta1.toFixed(3)} θ̇2=${this.dtheta2.toFixed(3)}`;
  }

  /** Nothing to release. */
  close(): void {}

  /**
   * Reseeds the generator when `seed` is given, then draws θ₁, θ₂, θ̇₁, θ̇₂ each uniformly from
   * [low, high] (default ±0.1, overridable by `options.low`/`options.high`), rounded to float32.
   */
  private start(seed: number | undefined, options: Record<string, unknown> | undefined): void {
    reseed(this.rng, ID, seed);
    let low = -0.1;
    let high = 0.1;
    if (options !== undefined) ({ low, high } = parseResetBounds(ID, options, low, high));
    const rng = this.rng;
    this.theta1 = Math.fround(rng.uniformRange(low, high));
    this.theta2 = Math.fround(rng.uniformRange(low, high));
    this.dtheta1 = Math.fround(rng.uniformRange(low, high));
    this.dtheta2 = Math.fround(rng.uniformRange(low, high));
    this.hasState = true;
  }

  /** Sets `ddtheta1`, `ddtheta2` to the accelerations at the given state and torque. */
  private derivatives(
    theta1: number,
    theta2: number,
    dtheta1: number,
    dtheta2: number,
    torque: number,
  ): void {
    const c2 = Math.cos(theta2);
    const s2 = Math.sin(theta2);
    const d1 = D1_CONST + M2 * (D1_INNER + D1_COS * c2) + I1 + I2;
    const d2 = M2 * (D2_CONST + D2_COS * c2) + I2;
    const phi2 = PHI2_COEF * Math.cos(theta1 + theta2 - HALF_PI);
    const phi1 = PHI1_SQ * (dtheta2 * dtheta2) * s2 - PHI1_CROSS * dtheta2 * dtheta1 * s2 +
      PHI1_GRAV * Math.cos(theta1 - HALF_PI) + phi2;
    const denominator = DENOM_CONST - d2 * d2 / d1;
    const ddtheta2 = this.book
      ? (torque + d2 / d1 * phi1 - BOOK_COEF * (dtheta1 * dtheta1) * s2 - phi2) / denominator
      : (torque + d2 / d1 * phi1 - phi2) / denominator;
    this.ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    this.ddtheta2 = ddtheta2;
  }

  /** One RK4 step of dt, wrap and clip; returns whether the new state is terminal. */
  private advance(action: number): boolean {
    let torque = action - 1.0;
    if (this.torqueNoiseMax > 0) {
      torque += this.rng.uniformRange(-this.torqueNoiseMax, this.torqueNoiseMax);
    }
    const y0 = this.theta1;
    const y1 = this.theta2;
    const y2 = this.dtheta1;
    const y3 = this.dtheta2;
    // k1 = f(y)
    this.derivatives(y0, y1, y2, y3, torque);
    const a0 = y2, a1 = y3, a2 = this.ddtheta1, a3 = this.ddtheta2;
    // k2 = f(y + dt/2·k1)
    const b0 = y2 + DT2 * a2, b1 = y3 + DT2 * a3;
    this.derivatives(y0 + DT2 * a0, y1 + DT2 * a1, b0, b1, torque);
    const b2 = this.ddtheta1, b3 = this.ddtheta2;
    // k3 = f(y + dt/2·k2)
    const c0 = y2 + DT2 * b2, c1 = y3 + DT2 * b3;
    this.derivatives(y0 + DT2 * b0, y1 + DT2 * b1, c0, c1, torque);
    const c2 = this.ddtheta1, c3 = this.ddtheta2;
    // k4 = f(y + dt·k3)
    const d0 = y2 + DT * c2, d1 = y3 + DT * c3;
    this.derivatives(y0 + DT * c0, y1 + DT * c1, d0, d1, torque);
    const d2 = this.ddtheta1, d3 = this.ddtheta2;

    const n0 = y0 + DT6 * (a0 + 2 * b0 + 2 * c0 + d0);
    const n1 = y1 + DT6 * (a1 + 2 * b1 + 2 * c1 + d1);
    const n2 = y2 + DT6 * (a2 + 2 * b2 + 2 * c2 + d2);
    const n3 = y3 + DT6 * (a3 + 2 * b3 + 2 * c3 + d3);

    const theta1 = wrap(n0, -PI, PI);
    const theta2 = wrap(n1, -PI, PI);
    this.theta1 = theta1;
    this.theta2 = theta2;
    this.dtheta1 = n2 < -MAX_VEL_1 ? -MAX_VEL_1 : n2 > MAX_VEL_1 ? MAX_VEL_1 : n2;
    this.dtheta2 = n3 < -MAX_VEL_2 ? -MAX_VEL_2 : n3 > MAX_VEL_2 ? MAX_VEL_2 : n3;
    const cos1 = Math.cos(theta1);
    this.cosTheta1 = cos1;
    this.cosTheta1At = theta1;
    return -cos1 - Math.cos(theta2 + theta1) > 1.0;
  }

  /** Writes the observation (cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂) at `out[offset..offset + 6)`. */
  private writeObservation(out: Float32Array, offset: number): void {
    const theta1 = this.theta1;
    out[offset] = theta1 === this.cosTheta1At ? this.cosTheta1 : Math.cos(theta1);
    out[offset + 1] = Math.sin(theta1);
    out[offset + 2] = Math.cos(this.theta2);
    out[offset + 3] = Math.sin(this.theta2);
    out[offset + 4] = this.dtheta1;
    out[offset + 5] = this.dtheta2;
  }
}
