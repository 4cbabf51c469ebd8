/**
 * # CartPole-v1
 *
 * A pole is hinged on top of a cart that rolls without friction along a track. Pushing the
 * cart left or right keeps the pole upright; the episode lasts as long as the pole stays
 * within 12° of vertical and the cart stays on the track. This is the cart-pole of Barto,
 * Sutton & Anderson (1983), with the equations and constants of Gymnasium 1.4.0.
 *
 * ## Observation space: Box(4), float32
 *
 * | index | quantity              | low     | high   |
 * | ----- | --------------------- | ------- | ------ |
 * | 0     | cart position x (m)   | −4.8    | 4.8    |
 * | 1     | cart velocity ẋ (m/s) | −∞      | ∞      |
 * | 2     | pole angle θ (rad)    | −0.4189 | 0.4189 |
 * | 3     | pole angular rate θ̇   | −∞      | ∞      |
 *
 * The bounds are twice the termination thresholds, stored as float32 (so 4.8 is
 * 4.800000190734863 and 24° is 0.41887903213500977).
 *
 * ## Action space: Discrete(2)
 *
 * 0 pushes the cart left with a force of 10 N, 1 pushes it right.
 *
 * ## Dynamics
 *
 * With F = ±10, c = cos θ, s = sin θ, total mass 1.1 and pole mass × half-length 0.05:
 *
 *     temp = (F + 0.05·θ̇²·s) / 1.1
 *     θ̈    = (9.8·s − c·temp) / (0.5·(4/3 − 0.1·c²/1.1))
 *     ẍ    = temp − 0.05·θ̈·c / 1.1
 *
 * followed by one explicit Euler step of τ = 0.02 s in which positions move with the OLD
 * velocities: x += τẋ, ẋ += τẍ, θ += τθ̇, θ̇ += τθ̈ (option `kinematicsIntegrator:
 * "semi-implicit"` updates velocities first, as Gymnasium's alternative integrator does).
 *
 * ## Reward
 *
 * +1 for every step, including the step on which the episode terminates. Stepping again
 * after termination without a reset yields 0 (and a warning). With
 * `suttonBartoReward: true` the reward is 0 per step and −1 on termination.
 *
 * ## Start state
 *
 * Each of the four state variables is drawn from U(−0.05, 0.05) in float64; reset option
 * `{ low, high }` changes the interval. The generator is this toolkit's `Rng`, not numpy's:
 * the start-state *distribution* matches Gymnasium's, the individual draws do not.
 *
 * ## Episode end
 *
 * Terminated when |x| > 2.4 or |θ| > 12·2π/360 rad (tested on the new float64 state).
 * The bare environment never truncates: `CartPole-v1` is registered with a time limit of
 * 500 steps and a reward threshold of 475.
 *
 * ## Bit-exactness
 *
 * The state is float64 throughout and every expression is evaluated in Gymnasium's order
 * (left-to-right products, θ̇² as θ̇·θ̇); the observation is the state rounded to float32.
 * Only the trigonometry may differ in the last bit: numpy 1.24's SIMD sin/cos already
 * differ from the C library's on most angles, and for speed this file takes
 * cos θ = √(1 − sin²θ) when |θ| < 0.5 (always, while the episode is live), which equals
 * `Math.cos` or is one ulp away. The float64 state therefore agrees with Gymnasium's to a
 * few ulp (2.2e-16 on the reference transitions) while the float32 observation, the
 * reward and the termination flag agree exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CartPoleEnv } from "./cartpole.ts";
 * const env = new CartPoleEnv();
 * env.reset({ seed: 1 });
 * const { reward, terminated } = env.step(1);
 * assert.equal(reward, 1);
 * assert.equal(terminated, false);
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

const ID = "CartPole-v1";
const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5;
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const FOUR_THIRDS = 4.0 / 3.0;
const THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
const X_THRESHOLD = 2.4;

/** Constructor options of {@link CartPoleEnv} (Gymnasium's, in camelCase). */
export interface CartPoleOptions {
  /** Reward 0 per step and −1 on termination instead of +1 per step (default false). */
  suttonBartoReward?: boolean;
  /** `"euler"` (default, Gymnasium's) or `"semi-implicit"` Euler. */
  kinematicsIntegrator?: "euler" | "semi-implicit";
}

const OptionsSchema = z.object({
  suttonBartoReward: z.boolean().optional(),
  kinematicsIntegrator: z.enum(["euler", "semi-implicit"]).optional(),
}).strict();

/** The CartPole-v1 environment (see the module documentation). */
export class CartPoleEnv implements StatefulEnv, FastStepEnv {
  /** Gymnasium's id of this environment. */
  static readonly id: "CartPole-v1" = ID;
  /** Gymnasium's id of this environment. */
  readonly id: "CartPole-v1" = ID;
  /** Box(4) float32: x, ẋ, θ, θ̇, bounded by twice the termination thresholds. */
  readonly observationSpace: BoxSpace = {
    type: "box",
    low: [-Math.fround(X_THRESHOLD * 2), -Infinity, -Math.fround(THETA_THRESHOLD * 2), -Infinity],
    high: [Math.fround(X_THRESHOLD * 2), Infinity, Math.fround(THETA_THRESHOLD * 2), Infinity],
    shape: [4],
    dtype: "float32",
  };
  /** Discrete(2): 0 pushes left, 1 pushes right. */
  readonly actionSpace: DiscreteSpace = { type: "discrete", n: 2 };

  /** Cart position (m). */
  private x = 0;
  /** Cart velocity (m/s). */
  private xDot = 0;
  /** Pole angle (rad, 0 = upright). */
  private theta = 0;
  /** Pole angular velocity (rad/s). */
  private thetaDot = 0;
  /** −1 while the episode is live; else steps taken since termination. */
  private stepsBeyondTerminated = -1;
  private hasState = false;
  private readonly suttonBarto: boolean;
  private readonly semiImplicit: boolean;
  private readonly rng = new Rng(entropySeed());

  /** Creates the environment; throws a TypeError naming the bad option. */
  constructor(options: CartPoleOptions = {}) {
    const data = parseOptions(ID, OptionsSchema, options);
    this.suttonBarto = data.suttonBartoReward ?? false;
    this.semiImplicit = data.kinematicsIntegrator === "semi-implicit";
  }

  /** Starts an episode: state ~ U(low, high)⁴ (default ±0.05); a seed re-seeds the Rng. */
  reset(options: ResetOptions = {}): ResetResult {
    this.start(options.seed, options.options);
    const observation = new Float32Array(4);
    this.writeObservation(observation, 0);
    return { observation, info: {} };
  }

  /** Advances one step with action 0 (left) or 1 (right). */
  step(action: Action): StepResult {
    if (action !== 0 && action !== 1) {
      throw discreteActionError(ID, "step", 2, preview(action));
    }
    requireState(this.hasState, ID, "step");
    return stepViaInto(this, action, 4);
  }

  /** Allocation-free step (see {@link FastStepEnv.stepInto}). */
  stepInto(
    action: number | Float32Array,
    out: Float32Array,
    offset: number,
    terminated: Uint8Array,
    index: number,
  ): number {
    const a = discreteAction(ID, action, 2);
    if (!this.hasState) requireState(false, ID, "stepInto");
    const done = this.advance(a);
    this.writeObservation(out, offset);
    terminated[index] = done ? 1 : 0;
    return this.rewardFor(done);
  }

  /** Allocation-free reset (see {@link FastStepEnv.resetInto}). */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    this.start(seed, undefined);
    this.writeObservation(out, offset);
  }

  /** The internal state `[x, ẋ, θ, θ̇]` (float64), as Gymnasium's `env.unwrapped.state`. */
  getState(): number[] {
    return [this.x, this.xDot, this.theta, this.thetaDot];
  }

  /** Overwrites the internal state `[x, ẋ, θ, θ̇]`; the episode counts as live again. */
  setState(state: ArrayLike<number>): void {
    checkState(ID, state, 4);
    this.x = state[0];
    this.xDot = state[1];
    this.theta = state[2];
    this.thetaDot = state[3];
    this.stepsBeyondTerminated = -1;
    this.hasState = true;
  }

  /** One line: the track with the cart, the pole's lean, and the state. */
  render(): string {
    const width = 41;
    const pos = Math.round(((this.x + X_THRESHOLD) / (2 * X_THRESHOLD)) * (width - 1));
    const cells = Array.from({ length: width }, () => "-");
    const lean = this.theta > 0.05 ? "/" : this.theta < -0.05 ? "\\" : "|";
    if (pos >= 0 && pos < width) cells[pos] = lean;
    return `${ID} [${cells.join("")}] x=${fmt(this.x)} ẋ=${fmt(this.xDot)} ` +
      `θ=${fmt(this.theta * 180 / Math.PI)}° θ̇=${fmt(this.thetaDot)}`;
  }

  /** Nothing to release. */
  close(): void {}

  /**
   * Reseeds the generator when `seed` is given, then draws x, ẋ, θ, θ̇ each uniformly from
   * [low, high] (default ±0.05, overridable by `options.low`/`options.high`).
   */
  private start(seed: number | undefined, options: Record<string, unknown> | undefined): void {
    reseed(this.rng, ID, seed);
    let low = -0.05;
    let high = 0.05;
    if (options !== undefined) ({ low, high } = parseResetBounds(ID, options, low, high));
    const rng = this.rng;
    this.x = rng.uniformRange(low, high);
    this.xDot = rng.uniformRange(low, high);
    this.theta = rng.uniformRange(low, high);
    this.thetaDot = rng.uniformRange(low, high);
    this.stepsBeyondTerminated = -1;
    this.hasState = true;
  }

  /** Integrates one step of τ; returns whether the new state is terminal. */
  private advance(action: number): boolean {
    const x = this.x;
    const xDot = this.xDot;
    const theta = this.theta;
    const thetaDot = this.thetaDot;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const s = Math.sin(theta);
    // √(1 − s²) is within 1 ulp of cos θ for |θ| < 0.5 and saves a libm call (see module doc).
    const c = theta < 0.5 && theta > -0.5 ? Math.sqrt(1 - s * s) : Math.cos(theta);
    const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * s) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * s - c * temp) /
      (LENGTH * (FOUR_THIRDS - MASS_POLE * (c * c) / TOTAL_MASS));
    const xAcc = temp - POLEMASS_LENGTH * thetaAcc * c / TOTAL_MASS;
    let nx: number, nxDot: number, nTheta: number, nThetaDot: number;
    if (this.semiImplicit) {
      nxDot = xDot + TAU * xAcc;
      nx = x + TAU * nxDot;
      nThetaDot = thetaDot + TAU * thetaAcc;
      nTheta = theta + TAU * nThetaDot;
    } else {
      nx = x + TAU * xDot;
      nxDot = xDot + TAU * xAcc;
      nTheta = theta + TAU * thetaDot;
      nThetaDot = thetaDot + TAU * thetaAcc;
    }
    this.x = nx;
    this.xDot = nxDot;
    this.theta = nTheta;
    this.thetaDot = nThetaDot;
    return nx < -X_THRESHOLD || nx > X_THRESHOLD || nTheta < -THETA_THRESHOLD ||
      nTheta > THETA_THRESHOLD;
  }

  /** Gymnasium's reward rule, including its bookkeeping of steps after termination. */
  private rewardFor(terminated: boolean): number {
    if (!terminated) return this.suttonBarto ? 0 : 1;
    if (this.stepsBeyondTerminated < 0) {
      this.stepsBeyondTerminated = 0;
      return this.suttonBarto ? -1 : 1;
    }
    if (this.stepsBeyondTerminated === 0) {
      console.warn(
        `${ID}.step: called after the episode terminated; call reset() first (reward is 0 now)`,
      );
    }
    this.stepsBeyondTerminated++;
    return this.suttonBarto ? -1 : 0;
  }

  /** Writes the observation (x, ẋ, θ, θ̇) at `out[offset..offset + 4)`. */
  private writeObservation(out: Float32Array, offset: number): void {
    out[offset] = this.x;
    out[offset + 1] = this.xDot;
    out[offset + 2] = this.theta;
    out[offset + 3] = this.thetaDot;
  }
}

function fmt(v: number): string {
  return (v >= 0 ? "+" : "") + v.toFixed(3);
}
