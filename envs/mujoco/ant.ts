/**
 * # Ant-v5
 *
 * A four-legged robot (a sphere torso with two-segment legs) must walk in the +x direction.
 * Gymnasium 1.4.0's `Ant-v5` on MuJoCo 3.12.0, with this toolkit's own model description.
 *
 * ## Model
 *
 * A free joint `root` (qpos: x, y, z, qw, qx, qy, qz), then per leg a hip hinge about z (±30°)
 * and an ankle hinge (30°…70° in magnitude), damping 1 and armature 1; geoms of density 5,
 * friction (1, 0.5, 0.5), contact margin 0.01; eight motors with gear 150, in the order
 * hip_4, ankle_4, hip_1, ankle_1, hip_2, ankle_2, hip_3, ankle_3. 14 bodies (world
 * included). RK4, timestep 0.01 s, `frameSkip` 5 (dt = 0.05 s).
 *
 * ## Observation space: Box(105), float64, unbounded
 *
 * `qpos[2:15]` (13; all 15 when `excludeCurrentPositionsFromObservation` is false), `qvel`
 * (14), then `clip(cfrc_ext[1:14], contactForceRange)` flattened row by row (13 × 6 =
 * 78, each row [torque, force]; left out when `includeCfrcExtInObservation` is false). After
 * a reset the last block is zero (`mj_forward` does not compute `cfrc_ext`).
 *
 * ## Reward
 *
 * (vx, vy) = (xy_after − xy_before)/dt of body `mainBody`'s `xpos`, where xy_before is what
 * the previous step (or the reset's `mj_forward`) left in `xpos` and xy_after what this step
 * leaves (lagged kinematics: one RK4 stage behind `qpos`). `reward_forward` = vx ·
 * `forwardRewardWeight`; `reward_survive` = `healthyReward` if healthy, else 0;
 * `reward_ctrl` = −`ctrlCostWeight` · Σa² (float32, numpy's pairwise order for 8 terms);
 * `reward_contact` = −`contactCostWeight` · Σ clip(cfrc_ext)² over all 14 bodies (84 float64
 * terms, pairwise). reward = (forward + survive) − (ctrl + contact). `info` also has
 * `x_position`, `y_position`, `distance_from_origin`, `x_velocity`, `y_velocity`.
 *
 * ## Start state
 *
 * `qpos = qpos0 + U(−s, s)` (15 draws, the quaternion included and not renormalised), then
 * `qvel = s · N(0, 1)` (14 draws), s = `resetNoiseScale` = 0.1, from this toolkit's `Rng`.
 *
 * ## Episode end
 *
 * Healthy: every entry of `qpos` and `qvel` is finite and `healthyZRange[0]` ≤ z ≤
 * `healthyZRange[1]` (inclusive). Terminates when unhealthy (if `terminateWhenUnhealthy`).
 * Registered with a 1000-step limit and reward threshold 6000.
 *
 * ## Constructor options
 *
 * `forwardRewardWeight` (1), `ctrlCostWeight` (0.5), `contactCostWeight` (5e−4),
 * `healthyReward` (1), `mainBody` (1), `terminateWhenUnhealthy` (true), `healthyZRange`
 * ([0.2, 1]), `contactForceRange` ([−1, 1]), `resetNoiseScale` (0.1),
 * `excludeCurrentPositionsFromObservation` (true), `includeCfrcExtInObservation` (true),
 * `frameSkip` (5).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAnt } from "./ant.ts";
 * const env = await createAnt();
 * const { observation } = env.reset({ seed: 0 });
 * assert.equal(observation.length, 105);
 * env.close();
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import type { Info } from "../types.ts";
import {
  clip,
  ctrlCost,
  loadMujoco,
  locomotionOptionFields,
  MujocoEnv,
  type MujocoModule,
  type MujocoViews,
  numpySum,
  parseOptions,
  rangeOption,
  writePositionsVelocities,
} from "./common.ts";
import { type BodyDesc, type ModelDesc, ROOT_JOINT } from "./mjcf.ts";

const ID = "Ant-v5";

/** Constructor options of {@link AntEnv} (Gymnasium's, in camelCase). */
export interface AntOptions {
  /** Weight of the x velocity (default 1). */
  forwardRewardWeight?: number;
  /** Weight of the control cost (default 0.5). */
  ctrlCostWeight?: number;
  /** Weight of the contact cost (default 5e−4). */
  contactCostWeight?: number;
  /** Reward per healthy step (default 1). */
  healthyReward?: number;
  /** Body whose displacement is rewarded (default 1, the torso). */
  mainBody?: number;
  /** End the episode when unhealthy (default true). */
  terminateWhenUnhealthy?: boolean;
  /** Closed interval for the torso height (default [0.2, 1]). */
  healthyZRange?: [number, number];
  /** Clipping range of the contact wrenches (default [−1, 1]). */
  contactForceRange?: [number, number];
  /** Scale of the start-state noise (default 0.1). */
  resetNoiseScale?: number;
  /** Leave `qpos[0:2]` out of the observation (default true). */
  excludeCurrentPositionsFromObservation?: boolean;
  /** Append the clipped contact wrenches to the observation (default true). */
  includeCfrcExtInObservation?: boolean;
  /** `mj_step` calls per step (default 5). */
  frameSkip?: number;
}

const OptionsSchema = z.object({
  ...locomotionOptionFields,
  contactCostWeight: z.number().optional(),
  healthyReward: z.number().optional(),
  mainBody: z.number().int().min(1).max(13).optional(),
  terminateWhenUnhealthy: z.boolean().optional(),
  healthyZRange: rangeOption.optional(),
  contactForceRange: rangeOption.optional(),
  includeCfrcExtInObservation: z.boolean().optional(),
}).strict();

/**
 * One leg pointing along (sx, sy) in the horizontal plane: a fixed upper segment, a hip about
 * z, and an ankle with the given axis and range (degrees).
 */
function leg(
  i: number,
  names: { leg: string; upper: string; thigh: string; shin: string },
  sx: number,
  sy: number,
  ankleAxis: number[],
  ankleRange: [number, number],
): BodyDesc {
  const seg = (name: string, length: number) => ({
    name,
    type: "capsule" as const,
    size: [0.08],
    fromto: [0, 0, 0, length * sx, length * sy, 0],
  });
  return {
    name: names.leg,
    pos: [0, 0, 0],
    geoms: [seg(names.upper, 0.2)],
    bodies: [{
      name: `aux_${i}`,
      pos: [0.2 * sx, 0.2 * sy, 0],
      joints: [{
        name: `hip_${i}`,
        type: "hinge",
        axis: [0, 0, 1],
        pos: [0, 0, 0],
        range: [-30, 30],
      }],
      geoms: [seg(names.thigh, 0.2)],
      bodies: [{
        pos: [0.2 * sx, 0.2 * sy, 0],
        joints: [{
          name: `ankle_${i}`,
          type: "hinge",
          axis: ankleAxis,
          pos: [0, 0, 0],
          range: ankleRange,
        }],
        geoms: [seg(names.shin, 0.4)],
      }],
    }],
  };
}

/** The model: a sphere torso on a free joint and four legs. */
export const ANT_MODEL: ModelDesc = {
  name: "ascent_ant",
  angle: "degree",
  option: { timestep: 0.01, integrator: "RK4" },
  defaults: {
    joint: { armature: 1, damping: 1 },
    geom: { conaffinity: 0, condim: 3, density: 5, friction: [1, 0.5, 0.5], margin: 0.01 },
  },
  worldGeoms: [{ name: "floor", type: "plane", size: [40, 40, 40], conaffinity: 1, condim: 3 }],
  bodies: [{
    name: "torso",
    pos: [0, 0, 0.75],
    joints: [{ name: "root", type: "free", pos: [0, 0, 0], ...ROOT_JOINT, margin: 0.01 }],
    geoms: [{ name: "torso_geom", type: "sphere", size: [0.25], pos: [0, 0, 0] }],
    bodies: [
      leg(
        1,
        {
          leg: "front_left_leg",
          upper: "aux_1_geom",
          thigh: "left_leg_geom",
          shin: "left_ankle_geom",
        },
        1,
        1,
        [-1, 1, 0],
        [30, 70],
      ),
      leg(
        2,
        {
          leg: "front_right_leg",
          upper: "aux_2_geom",
          thigh: "right_leg_geom",
          shin: "right_ankle_geom",
        },
        -1,
        1,
        [1, 1, 0],
        [-70, -30],
      ),
      leg(
        3,
        {
          leg: "back_leg",
          upper: "aux_3_geom",
          thigh: "back_leg_geom",
          shin: "third_ankle_geom",
        },
        -1,
        -1,
        [-1, 1, 0],
        [-70, -30],
      ),
      leg(
        4,
        {
          leg: "right_back_leg",
          upper: "aux_4_geom",
          thigh: "rightback_leg_geom",
          shin: "fourth_ankle_geom",
        },
        1,
        -1,
        [1, 1, 0],
        [30, 70],
      ),
    ],
  }],
  motors: [4, 1, 2, 3].flatMap((i) => [
    { joint: `hip_${i}`, gear: 150, ctrlrange: [-1, 1] as const },
    { joint: `ankle_${i}`, gear: 150, ctrlrange: [-1, 1] as const },
  ]),
};

const NBODY = 14;

/** The Ant-v5 environment (see the module documentation). */
export class AntEnv extends MujocoEnv {
  /** Gymnasium's id. */
  static readonly id: "Ant-v5" = ID;
  /** The options in use, defaults filled in. */
  readonly options: Readonly<Required<AntOptions>>;
  #xBefore = 0;
  #yBefore = 0;
  readonly #contactSquares = new Float64Array(NBODY * 6);

  /** Builds the environment on a loaded MuJoCo module. */
  constructor(mj: MujocoModule, options: AntOptions = {}) {
    const o = parseOptions(ID, OptionsSchema, options);
    const exclude = o.excludeCurrentPositionsFromObservation ?? true;
    const cfrc = o.includeCfrcExtInObservation ?? true;
    super(mj, {
      id: ID,
      model: ANT_MODEL,
      frameSkip: o.frameSkip ?? 5,
      observationSize: (exclude ? 13 : 15) + 14 + (cfrc ? (NBODY - 1) * 6 : 0),
    });
    this.options = {
      forwardRewardWeight: o.forwardRewardWeight ?? 1,
      ctrlCostWeight: o.ctrlCostWeight ?? 0.5,
      contactCostWeight: o.contactCostWeight ?? 5e-4,
      healthyReward: o.healthyReward ?? 1,
      mainBody: o.mainBody ?? 1,
      terminateWhenUnhealthy: o.terminateWhenUnhealthy ?? true,
      healthyZRange: o.healthyZRange ?? [0.2, 1],
      contactForceRange: o.contactForceRange ?? [-1, 1],
      resetNoiseScale: o.resetNoiseScale ?? 0.1,
      excludeCurrentPositionsFromObservation: exclude,
      includeCfrcExtInObservation: cfrc,
      frameSkip: this.frameSkip,
    };
  }

  /** Finite state and torso height inside `healthyZRange` (inclusive). */
  get isHealthy(): boolean {
    const v = this.views;
    for (let i = 0; i < this.nq; i++) if (!Number.isFinite(v.qpos[i])) return false;
    for (let i = 0; i < this.nv; i++) if (!Number.isFinite(v.qvel[i])) return false;
    const [lo, hi] = this.options.healthyZRange;
    return lo <= v.qpos[2] && v.qpos[2] <= hi;
  }

  /** Draws the start state (see the module documentation). */
  protected resetModel(v: MujocoViews): void {
    this.addStartNoise(v, this.options.resetNoiseScale, "normal");
  }

  /** The `info` of `reset`. */
  protected override resetInfo(v: MujocoViews): Info {
    return {
      x_position: v.qpos[0],
      y_position: v.qpos[1],
      distance_from_origin: this.#distanceFromOrigin(v),
    };
  }

  /** Records what the reward needs from before the step. */
  protected override beforeStep(v: MujocoViews): void {
    const b = 3 * this.options.mainBody;
    this.#xBefore = v.xpos[b];
    this.#yBefore = v.xpos[b + 1];
  }

  /** Writes the observation (see the module documentation). */
  protected writeObservation(v: MujocoViews, out: Float64Array): void {
    const o = this.options;
    let k = writePositionsVelocities(v, out, o.excludeCurrentPositionsFromObservation ? 2 : 0);
    if (o.includeCfrcExtInObservation) {
      const [lo, hi] = o.contactForceRange;
      for (let i = 6; i < NBODY * 6; i++) out[k++] = clip(v.cfrcExt[i], lo, hi);
    }
  }

  /** Reward, its terms and termination of the step just simulated. */
  protected evaluate(
    v: MujocoViews,
    action: Float32Array,
  ): { reward: number; terminated: boolean; info: Info } {
    const o = this.options;
    const b = 3 * o.mainBody;
    const xVelocity = (v.xpos[b] - this.#xBefore) / this.dt;
    const yVelocity = (v.xpos[b + 1] - this.#yBefore) / this.dt;
    const healthy = this.isHealthy;
    const forward = xVelocity * o.forwardRewardWeight;
    const survive = healthy ? o.healthyReward : 0;
    const controlCost = ctrlCost(o.ctrlCostWeight, action);
    const [lo, hi] = o.contactForceRange;
    const sq = this.#contactSquares;
    for (let i = 0; i < NBODY * 6; i++) {
      const f = clip(v.cfrcExt[i], lo, hi);
      sq[i] = f * f;
    }
    const contactCost = o.contactCostWeight * numpySum(sq);
    return {
      reward: forward + survive - (controlCost + contactCost),
      terminated: !healthy && o.terminateWhenUnhealthy,
      info: {
        x_position: v.qpos[0],
        y_position: v.qpos[1],
        distance_from_origin: this.#distanceFromOrigin(v),
        x_velocity: xVelocity,
        y_velocity: yVelocity,
        reward_forward: forward,
        reward_ctrl: -controlCost,
        reward_contact: -contactCost,
        reward_survive: survive,
      },
    };
  }

  #distanceFromOrigin(v: MujocoViews): number {
    const dx = v.qpos[0] - this.initQpos[0];
    const dy = v.qpos[1] - this.initQpos[1];
    return Math.sqrt(dx * dx + dy * dy);
  }
}

/** Loads MuJoCo (once per process) and builds an {@link AntEnv}. */
export async function createAnt(options: AntOptions = {}): Promise<AntEnv> {
  return new AntEnv(await loadMujoco(), options);
}
