/**
 * What the seven MuJoCo environments share: the model and data handles and their
 * lifetime, views into Wasm memory, the integration state, the step (`frame_skip` calls of
 * `mj_step`, then `mj_rnePostConstraint`, as Gymnasium's `do_simulation`), reset noise from
 * this toolkit's `Rng`, action checks, option parsing, and numpy's summation order.
 *
 * ## Step and reset (Gymnasium 1.4.0, `MujocoEnv`)
 *
 *     step(a):  ctrl ← a (float32 widened to float64); frameSkip × mj_step; mj_rnePostConstraint
 *     reset():  mj_resetData; qpos, qvel ← start state drawn by the environment; mj_forward
 *
 * No `mj_forward` follows the step, so `xpos`, `site_xpos` and `cfrc_ext` describe the last
 * stage MuJoCo evaluated (RK4: the fourth stage point of the last substep; Euler: the start of
 * the last substep), not the returned `qpos`. The environments read them as Gymnasium does.
 * `dt = frameSkip · opt.timestep`.
 *
 * ## Numeric traps
 *
 * - numpy sums arrays of eight or more elements pairwise ({@link numpySum}): eight running
 *   partial sums, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder. Fewer
 *   than eight are summed left to right.
 * - The control cost sums the float32 squares of the float32 action **in float32**
 *   ({@link sumSquaresFloat32}); only the product with the weight is float64.
 *
 * ## Memory
 *
 * `MjModel`/`MjData` live on the Wasm heap and are freed by {@link MujocoEnv.close} only
 * (each environment owns a copy of a model compiled once per process, {@link compileModel}).
 * Views (`Float64Array`s over Wasm memory) are detached when the memory grows (another
 * environment allocating is enough), so every entry point re-reads them when detached.
 * @module
 */
import { z } from "../../deps.ts";
import { assertSeed, Rng } from "../../random.ts";
import { entropySeed, parseOptions } from "../classic/common.ts";
import { type BoxSpace, preview } from "../spaces.ts";
import type { Action, Env, Info, ResetOptions, ResetResult, StepResult } from "../types.ts";
import { MUJOCO_VERSION } from "./deps.ts";
import { mujocoFrame } from "./frames.ts";
import { type ModelDesc, toMjcf } from "./mjcf.ts";
import type { Frame } from "../render.ts";
import { loadMujoco, type MjDataLike, type MjModelLike, type MujocoModule } from "./runtime.ts";

export { entropySeed, loadMujoco, parseOptions };
export type { MujocoModule };

/**
 * `np.sum` of `n` elements of `a` from `offset`, in numpy's order (pairwise for n ≥ 8, in
 * blocks of at most 128, as numpy's `pairwise_sum`). `round` is applied after every addition:
 * `Math.fround` for a float32 array, the identity for float64.
 */
export function numpySum(
  a: ArrayLike<number>,
  offset = 0,
  n = a.length - offset,
  round: (x: number) => number = identity,
): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s = round(s + a[offset + i]);
    return s;
  }
  if (n <= 128) {
    let r0 = a[offset], r1 = a[offset + 1], r2 = a[offset + 2], r3 = a[offset + 3];
    let r4 = a[offset + 4], r5 = a[offset + 5], r6 = a[offset + 6], r7 = a[offset + 7];
    const whole = n - (n % 8);
    for (let i = 8; i < whole; i += 8) {
      const k = offset + i;
      r0 = round(r0 + a[k]);
      r1 = round(r1 + a[k + 1]);
      r2 = round(r2 + a[k + 2]);
      r3 = round(r3 + a[k + 3]);
      r4 = round(r4 + a[k + 4]);
      r5 = round(r5 + a[k + 5]);
      r6 = round(r6 + a[k + 6]);
      r7 = round(r7 + a[k + 7]);
    }
    let s = round(
      round(round(r0 + r1) + round(r2 + r3)) + round(round(r4 + r5) + round(r6 + r7)),
    );
    for (let i = whole; i < n; i++) s = round(s + a[offset + i]);
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return round(
    numpySum(a, offset, half, round) + numpySum(a, offset + half, n - half, round),
  );
}

function identity(x: number): number {
  return x;
}

/** Scratch for {@link sumSquaresFloat32}. */
let squares = new Float32Array(8);

/**
 * `np.sum(np.square(a))` of a float32 array, in float32 (squares rounded to float32, then
 * {@link numpySum} with float32 rounding): the control cost before its float64 weight.
 */
export function sumSquaresFloat32(a: Float32Array): number {
  if (squares.length < a.length) squares = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) squares[i] = a[i] * a[i];
  return numpySum(squares, 0, a.length, Math.fround);
}

/** Gymnasium's `control_cost`: `weight` · Σa², the sum in float32 ({@link sumSquaresFloat32}). */
export function ctrlCost(weight: number, action: Float32Array): number {
  return weight * sumSquaresFloat32(action);
}

/** min(max(x, lo), hi), as `np.clip`. */
export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Zod schema of an option that is a `[low, high]` pair (either end may be ±Infinity). */
export const rangeOption: z.ZodType<[number, number]> = z.tuple([
  z.union([z.number(), z.literal([Infinity, -Infinity])]),
  z.union([z.number(), z.literal([Infinity, -Infinity])]),
]).refine((r) => r[0] <= r[1], { message: "low must not exceed high" });

/** Zod schema of `frameSkip`: a positive integer. */
export const frameSkipOption: z.ZodType<number> = z.number().int().positive();

/**
 * The options the locomotion tasks (HalfCheetah, Hopper, Walker2d, Ant) share, as Zod
 * fields to spread into an environment's own schema.
 */
export const locomotionOptionFields = {
  forwardRewardWeight: z.number().optional(),
  ctrlCostWeight: z.number().optional(),
  resetNoiseScale: z.number().nonnegative().optional(),
  excludeCurrentPositionsFromObservation: z.boolean().optional(),
  frameSkip: frameSkipOption.optional(),
};

/**
 * Writes `qpos[first:]`, then `qvel` (each clipped to ±`velocityLimit` when given) into `out`,
 * as the locomotion tasks' observations begin; returns the number of entries written.
 */
export function writePositionsVelocities(
  v: MujocoViews,
  out: Float64Array,
  first: number,
  velocityLimit?: number,
): number {
  let k = 0;
  for (let i = first; i < v.qpos.length; i++) out[k++] = v.qpos[i];
  if (velocityLimit === undefined) {
    for (let i = 0; i < v.qvel.length; i++) out[k++] = v.qvel[i];
  } else {
    for (let i = 0; i < v.qvel.length; i++) {
      out[k++] = clip(v.qvel[i], -velocityLimit, velocityLimit);
    }
  }
  return k;
}

/**
 * Compiled models by MJCF text, one per distinct text for the life of the process (a bounded
 * cache: seven models and their option variants). Environments copy them (`mj_copyModel`),
 * which is about 25 times faster than compiling the XML again.
 */
const templates = new Map<string, MjModelLike>();

/** A fresh copy of the model compiled from `xml` (compiled once per process and text). */
export function compileModel(mj: MujocoModule, xml: string): MjModelLike {
  let template = templates.get(xml);
  if (template === undefined) {
    template = mj.MjModel.from_xml_string(xml);
    templates.set(xml, template);
  }
  return new mj.MjModel(template);
}

/** What {@link MujocoEnv.reset} returns: the observation is a fresh `Float64Array`. */
export interface MujocoResetResult extends ResetResult {
  /** The first observation (float64, as Gymnasium's). */
  observation: Float64Array;
}

/** What {@link MujocoEnv.step} returns: the observation is a fresh `Float64Array`. */
export interface MujocoStepResult extends StepResult {
  /** The observation after the step (float64, as Gymnasium's). */
  observation: Float64Array;
}

/** What a concrete environment tells {@link MujocoEnv}. */
export interface MujocoEnvConfig {
  /** Gymnasium's id, e.g. `Hopper-v5`. */
  id: string;
  /** The model. */
  model: ModelDesc;
  /** `mj_step` calls per environment step. */
  frameSkip: number;
  /** Length of the observation. */
  observationSize: number;
}

/** Where the environment's pieces of Wasm memory are; re-read after memory growth. */
export interface MujocoViews {
  /** Positions (nq). */
  qpos: Float64Array;
  /** Velocities (nv). */
  qvel: Float64Array;
  /** Activations (na). */
  act: Float64Array;
  /** Solver warm start (nv). */
  qaccWarmstart: Float64Array;
  /** Controls (nu). */
  ctrl: Float64Array;
  /** Body positions (nbody × 3). */
  xpos: Float64Array;
  /** Site positions (nsite × 3). */
  siteXpos: Float64Array;
  /** External contact wrenches (nbody × 6). */
  cfrcExt: Float64Array;
  /** Constraint forces (nv). */
  qfrcConstraint: Float64Array;
}

/**
 * The base of the MuJoCo environments. A subclass draws the start state
 * ({@link MujocoEnv.resetModel}), writes observations ({@link MujocoEnv.writeObservation})
 * and scores a step ({@link MujocoEnv.evaluate}); this class does everything else.
 */
export abstract class MujocoEnv implements Env {
  /** Gymnasium's id. */
  readonly id: string;
  /** The MuJoCo release the environment is defined on. */
  readonly mujocoVersion: string = MUJOCO_VERSION;
  /** Unbounded float64 box, as Gymnasium's. */
  readonly observationSpace: BoxSpace;
  /** Float32 box with the bounds of the actuators' `ctrlrange`. */
  readonly actionSpace: BoxSpace;
  /** `mj_step` calls per step. */
  readonly frameSkip: number;
  /** Seconds per step: `frameSkip · opt.timestep`. */
  readonly dt: number;
  /** `opt.timestep` of the compiled model. */
  readonly timestep: number;
  /** The model's `qpos0` (reset noise is added to it). */
  readonly initQpos: Float64Array;
  /** Zero velocities (reset noise is added to them). */
  readonly initQvel: Float64Array;
  /** Generalised coordinates. */
  readonly nq: number;
  /** Degrees of freedom. */
  readonly nv: number;
  /** Actuators. */
  readonly nu: number;
  /** The MJCF text the model was compiled from. */
  readonly xml: string;

  /** The generator of reset noise. */
  protected readonly rng: Rng = new Rng(entropySeed());
  /** Live views into Wasm memory (see {@link MujocoEnv.views}). */
  #views: MujocoViews;
  readonly #mj: MujocoModule;
  #model: MjModelLike | null;
  #data: MjDataLike | null;
  readonly #obsSize: number;
  readonly #action: Float32Array;
  #hasState = false;

  /** Compiles the model and allocates its data; `close()` frees both. */
  protected constructor(mj: MujocoModule, config: MujocoEnvConfig) {
    this.id = config.id;
    this.#mj = mj;
    this.frameSkip = config.frameSkip;
    this.#obsSize = config.observationSize;
    this.xml = toMjcf(config.model);
    const model = compileModel(mj, this.xml);
    let data: MjDataLike;
    try {
      data = new mj.MjData(model);
    } catch (e) {
      model.delete();
      throw e;
    }
    this.#model = model;
    this.#data = data;
    const opt = model.opt;
    this.timestep = opt.timestep;
    opt.delete();
    this.dt = this.timestep * this.frameSkip;
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    this.initQpos = Float64Array.from(model.qpos0);
    this.initQvel = new Float64Array(this.nv);
    const range = model.actuator_ctrlrange;
    const low: number[] = [];
    const high: number[] = [];
    for (let i = 0; i < this.nu; i++) {
      low.push(Math.fround(range[2 * i]));
      high.push(Math.fround(range[2 * i + 1]));
    }
    this.actionSpace = { type: "box", low, high, shape: [this.nu], dtype: "float32" };
    this.observationSpace = {
      type: "box",
      low: -Infinity,
      high: Infinity,
      shape: [config.observationSize],
      dtype: "float64",
    };
    this.#action = new Float32Array(this.nu);
    this.#views = this.#readViews();
  }

  /** The compiled model (throws after `close()`). */
  get model(): MjModelLike {
    if (this.#model === null) throw new Error(`${this.id}: the environment is closed`);
    return this.#model;
  }

  /** The simulation data (throws after `close()`). */
  get data(): MjDataLike {
    if (this.#data === null) throw new Error(`${this.id}: the environment is closed`);
    return this.#data;
  }

  /** The MuJoCo module. */
  get mujoco(): MujocoModule {
    return this.#mj;
  }

  /** True once `close()` has run. */
  get closed(): boolean {
    return this.#data === null;
  }

  /** Views into Wasm memory, re-read when memory growth detached them. */
  get views(): MujocoViews {
    const v = this.#views;
    if (v.qpos.length === 0) this.#views = this.#readViews();
    return this.#views;
  }

  #readViews(): MujocoViews {
    const d = this.data;
    return {
      qpos: d.qpos,
      qvel: d.qvel,
      act: d.act,
      qaccWarmstart: d.qacc_warmstart,
      ctrl: d.ctrl,
      xpos: d.xpos,
      siteXpos: d.site_xpos,
      cfrcExt: d.cfrc_ext,
      qfrcConstraint: d.qfrc_constraint,
    };
  }

  /** Starts an episode: `mj_resetData`, the environment's start state, `mj_forward`. */
  reset(options: ResetOptions = {}): MujocoResetResult {
    if (options.seed !== undefined) {
      assertSeed(options.seed, `${this.id}.reset: seed`);
      this.rng.seed(options.seed);
    }
    const model = this.model;
    const data = this.data;
    this.#mj.mj_resetData(model, data);
    this.resetModel(this.views);
    this.#mj.mj_forward(model, data);
    this.#hasState = true;
    const observation = new Float64Array(this.#obsSize);
    this.writeObservation(this.views, observation);
    return { observation, info: this.resetInfo(this.views) };
  }

  /** Advances `frameSkip` MuJoCo steps with controls `action` and scores the transition. */
  step(action: Action): MujocoStepResult {
    const model = this.model;
    const data = this.data;
    const a = this.#checkAction(action);
    if (!this.#hasState) throw new Error(`${this.id}.step: call reset() before stepping`);
    this.beforeStep(this.views);
    const ctrl = this.views.ctrl;
    for (let i = 0; i < this.nu; i++) ctrl[i] = a[i];
    for (let k = 0; k < this.frameSkip; k++) this.#mj.mj_step(model, data);
    this.#mj.mj_rnePostConstraint(model, data);
    const views = this.views;
    const observation = new Float64Array(this.#obsSize);
    this.writeObservation(views, observation);
    const { reward, terminated, info } = this.evaluate(views, a, observation);
    return { observation, reward, terminated, truncated: false, info };
  }

  /**
   * The integration state in the layout of the recorded reference data:
   * `[time, qpos, qvel, act, qacc_warmstart, ctrl]` (MuJoCo's `mjSTATE_INTEGRATION` without
   * the components that are always zero here: applied forces, mocap, user data).
   */
  getState(): number[] {
    const v = this.views;
    return [
      this.data.time,
      ...v.qpos,
      ...v.qvel,
      ...v.act,
      ...v.qaccWarmstart,
      ...v.ctrl,
    ];
  }

  /** Length of {@link MujocoEnv.getState}. */
  get stateSize(): number {
    return 1 + this.nq + 2 * this.nv + this.model.na + this.nu;
  }

  /** Overwrites the integration state (the layout of {@link MujocoEnv.getState}). */
  setState(state: ArrayLike<number>): void {
    const n = this.stateSize;
    if (state === null || typeof state !== "object" || state.length !== n) {
      throw new TypeError(
        `${this.id}.setState: state must hold ${n} numbers, got ${preview(state)}`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (typeof state[i] !== "number") {
        throw new TypeError(`${this.id}.setState: state[${i}] must be a number`);
      }
    }
    const v = this.views;
    this.data.time = state[0];
    let k = 1;
    for (const view of [v.qpos, v.qvel, v.act, v.qaccWarmstart, v.ctrl]) {
      for (let i = 0; i < view.length; i++) view[i] = state[k++];
    }
    this.#hasState = true;
  }

  /** One line: time and the first generalised coordinates. */
  render(): string {
    const q = Array.from(this.views.qpos.subarray(0, Math.min(this.nq, 4)), (x) => x.toFixed(3));
    return `${this.id} t=${this.data.time.toFixed(3)} qpos[0:${q.length}]=[${q.join(", ")}]`;
  }

  /** The geoms projected on the plane of motion (`frames.ts`). */
  renderFrame(): Frame {
    return mujocoFrame(this.id, this.model, this.data, this.dt);
  }

  /** Frees the MuJoCo model and data (idempotent); the environment is unusable afterwards. */
  close(): void {
    const data = this.#data;
    const model = this.#model;
    this.#data = null;
    this.#model = null;
    data?.delete();
    model?.delete();
    this.#hasState = false;
  }

  /** Writes the start state into `qpos`/`qvel` (after `mj_resetData`, before `mj_forward`). */
  protected abstract resetModel(views: MujocoViews): void;

  /** Writes the observation into `out`. */
  protected abstract writeObservation(views: MujocoViews, out: Float64Array): void;

  /** Reward, termination and `info` of the step just simulated. */
  protected abstract evaluate(
    views: MujocoViews,
    action: Float32Array,
    observation: Float64Array,
  ): { reward: number; terminated: boolean; info: Info };

  /** Reads what the reward needs from before the step (default: nothing). */
  protected beforeStep(_views: MujocoViews): void {}

  /** The `info` of `reset` (default: empty). */
  protected resetInfo(_views: MujocoViews): Info {
    return {};
  }

  /**
   * The usual start state: `qpos = qpos0 + U(−scale, scale)`, then `qvel = qvel0 +
   * U(−scale, scale)` (`"uniform"`) or `qvel0 + scale · N(0, 1)` (`"normal"`).
   */
  protected addStartNoise(
    v: MujocoViews,
    scale: number,
    velocityNoise: "uniform" | "normal",
  ): void {
    this.addUniformNoise(v.qpos, this.initQpos, scale);
    if (velocityNoise === "uniform") this.addUniformNoise(v.qvel, this.initQvel, scale);
    else this.addNormalNoise(v.qvel, this.initQvel, scale);
  }

  /** Writes `init + U(−scale, scale)` into `out` (one draw per element, in order). */
  protected addUniformNoise(out: Float64Array, init: Float64Array, scale: number): void {
    for (let i = 0; i < out.length; i++) out[i] = init[i] + this.rng.uniformRange(-scale, scale);
  }

  /** Writes `init + scale · N(0, 1)` into `out` (one draw per element, in order). */
  protected addNormalNoise(out: Float64Array, init: Float64Array, scale: number): void {
    for (let i = 0; i < out.length; i++) out[i] = init[i] + scale * this.rng.normal();
  }

  /** The action as float32 (a copy in a reused buffer). */
  #checkAction(action: Action): Float32Array {
    const n = this.nu;
    const a = action as ArrayLike<number>;
    if (
      typeof action === "number" && n === 1
    ) {
      this.#action[0] = action;
      return this.#action;
    }
    if (a === null || typeof a !== "object" || a.length !== n) {
      throw new TypeError(
        `${this.id}.step: action must be a Float32Array of length ${n}, got ${preview(action)}`,
      );
    }
    for (let i = 0; i < n; i++) {
      const x = a[i];
      if (typeof x !== "number") {
        throw new TypeError(`${this.id}.step: action[${i}] must be a number, got ${preview(x)}`);
      }
      this.#action[i] = x;
    }
    return this.#action;
  }
}
