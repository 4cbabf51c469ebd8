/**
 * # HalfCheetah-v5
 *
 * A planar two-legged "cheetah" must run forward as fast as it can. Gymnasium 1.4.0's
 * `HalfCheetah-v5` on MuJoCo 3.12.0, with this toolkit's own model description.
 *
 * ## Model
 *
 * Root slides `rootx`, `rootz` and hinge `rooty`; back leg hinges `bthigh`, `bshin`,
 * `bfoot` and front leg hinges `fthigh`, `fshin`, `ffoot`, each a damped spring (stiffness
 * 240/180/120 and 180/120/60, damping 6/4.5/3 and 4.5/3/1.5, armature 0.1) with soft limits;
 * capsules of radius 0.046, masses rescaled to a total of 14 kg; six motors with gears 120,
 * 90, 60, 120, 60, 30. Semi-implicit **Euler** (the only one of the seven), timestep 0.01 s,
 * `frameSkip` 5 (dt = 0.05 s).
 *
 * ## Observation space: Box(17), float64, unbounded
 *
 * `qpos[1:9]` (`qpos[0:9]` when `excludeCurrentPositionsFromObservation` is false: Box(18)),
 * then `qvel` (not clipped).
 *
 * ## Action space: Box(6), float32, in [−1, 1]⁶
 *
 * ## Reward
 *
 * `reward_forward` = `forwardRewardWeight` · (Δqpos[0]/dt); `reward_ctrl` =
 * −`ctrlCostWeight` · Σa² (float32 sum); reward = forward + ctrl. `info` also has
 * `x_position` and `x_velocity`.
 *
 * ## Start state
 *
 * `qpos = qpos0 + U(−s, s)` (9 draws), then `qvel = s · N(0, 1)` (9 draws), s =
 * `resetNoiseScale` = 0.1, from this toolkit's `Rng`.
 *
 * ## Episode end
 *
 * Never terminates; registered with a 1000-step limit and reward threshold 4800.
 *
 * ## Constructor options
 *
 * `forwardRewardWeight` (1), `ctrlCostWeight` (0.1), `resetNoiseScale` (0.1),
 * `excludeCurrentPositionsFromObservation` (true), `frameSkip` (5).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHalfCheetah } from "./half_cheetah.ts";
 * const env = await createHalfCheetah();
 * env.reset({ seed: 0 });
 * const { terminated } = env.step(new Float32Array(6));
 * assert.equal(terminated, false);
 * env.close();
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import type { Info } from "../types.ts";
import {
  ctrlCost,
  loadMujoco,
  locomotionOptionFields,
  MujocoEnv,
  type MujocoModule,
  type MujocoViews,
  parseOptions,
  writePositionsVelocities,
} from "./common.ts";
import { type JointDesc, type ModelDesc, ROOT_JOINT as free } from "./mjcf.ts";

const ID = "HalfCheetah-v5";

/** Constructor options of {@link HalfCheetahEnv} (Gymnasium's, in camelCase). */
export interface HalfCheetahOptions {
  /** Weight of the forward velocity (default 1). */
  forwardRewardWeight?: number;
  /** Weight of the control cost (default 0.1). */
  ctrlCostWeight?: number;
  /** Scale of the start-state noise (default 0.1). */
  resetNoiseScale?: number;
  /** Leave `qpos[0]` out of the observation (default true). */
  excludeCurrentPositionsFromObservation?: boolean;
  /** `mj_step` calls per step (default 5). */
  frameSkip?: number;
}

const OptionsSchema = z.object(locomotionOptionFields).strict();

/** A leg hinge about the y axis: a damped spring with a soft range (radians). */
function hinge(
  name: string,
  range: [number, number],
  stiffness: number,
  damping: number,
): JointDesc {
  return { name, type: "hinge", axis: [0, 1, 0], pos: [0, 0, 0], range, stiffness, damping };
}

/** A leg segment: a capsule of radius 0.046 tilted about y by `angle` radians. */
function segment(name: string, pos: number[], angle: number, halfLength: number) {
  return {
    name,
    type: "capsule" as const,
    size: [0.046, halfLength],
    pos,
    axisangle: [0, 1, 0, angle],
  };
}

/** The model: a capsule torso and head, a back and a front leg of three segments each. */
export const HALF_CHEETAH_MODEL: ModelDesc = {
  name: "ascent_half_cheetah",
  angle: "radian",
  settotalmass: 14,
  option: { timestep: 0.01, integrator: "Euler", gravity: [0, 0, -9.81] },
  defaults: {
    joint: {
      limited: true,
      armature: 0.1,
      damping: 0.01,
      stiffness: 8,
      solimplimit: [0, 0.8, 0.03],
      solreflimit: [0.02, 1],
    },
    geom: {
      contype: 1,
      conaffinity: 0,
      condim: 3,
      friction: [0.4, 0.1, 0.1],
      solimp: [0, 0.8, 0.01],
      solref: [0.02, 1],
    },
  },
  worldGeoms: [{ name: "floor", type: "plane", size: [40, 40, 40], conaffinity: 1, condim: 3 }],
  bodies: [{
    name: "torso",
    pos: [0, 0, 0.7],
    joints: [
      { name: "rootx", type: "slide", axis: [1, 0, 0], pos: [0, 0, 0], ...free },
      { name: "rootz", type: "slide", axis: [0, 0, 1], pos: [0, 0, 0], ...free },
      { name: "rooty", type: "hinge", axis: [0, 1, 0], pos: [0, 0, 0], ...free },
    ],
    geoms: [
      { name: "torso", type: "capsule", size: [0.046], fromto: [-0.5, 0, 0, 0.5, 0, 0] },
      segment("head", [0.6, 0, 0.1], 0.87, 0.15),
    ],
    bodies: [
      {
        name: "bthigh",
        pos: [-0.5, 0, 0],
        joints: [hinge("bthigh", [-0.52, 1.05], 240, 6)],
        geoms: [segment("bthigh", [0.1, 0, -0.13], -3.8, 0.145)],
        bodies: [{
          name: "bshin",
          pos: [0.16, 0, -0.25],
          joints: [hinge("bshin", [-0.785, 0.785], 180, 4.5)],
          geoms: [segment("bshin", [-0.14, 0, -0.07], -2.03, 0.15)],
          bodies: [{
            name: "bfoot",
            pos: [-0.28, 0, -0.14],
            joints: [hinge("bfoot", [-0.4, 0.785], 120, 3)],
            geoms: [segment("bfoot", [0.03, 0, -0.097], -0.27, 0.094)],
          }],
        }],
      },
      {
        name: "fthigh",
        pos: [0.5, 0, 0],
        joints: [hinge("fthigh", [-1, 0.7], 180, 4.5)],
        geoms: [segment("fthigh", [-0.07, 0, -0.12], 0.52, 0.133)],
        bodies: [{
          name: "fshin",
          pos: [-0.14, 0, -0.24],
          joints: [hinge("fshin", [-1.2, 0.87], 120, 3)],
          geoms: [segment("fshin", [0.065, 0, -0.09], -0.6, 0.106)],
          bodies: [{
            name: "ffoot",
            pos: [0.13, 0, -0.18],
            joints: [hinge("ffoot", [-0.5, 0.5], 60, 1.5)],
            geoms: [segment("ffoot", [0.045, 0, -0.07], -0.6, 0.07)],
          }],
        }],
      },
    ],
  }],
  motors: ([
    ["bthigh", 120],
    ["bshin", 90],
    ["bfoot", 60],
    ["fthigh", 120],
    ["fshin", 60],
    ["ffoot", 30],
  ] as const).map(([joint, gear]) => ({ joint, gear, ctrlrange: [-1, 1] as const })),
};

/** The HalfCheetah-v5 environment (see the module documentation). */
export class HalfCheetahEnv extends MujocoEnv {
  /** Gymnasium's id. */
  static readonly id: "HalfCheetah-v5" = ID;
  /** The options in use, defaults filled in. */
  readonly options: Readonly<Required<HalfCheetahOptions>>;
  #xBefore = 0;

  /** Builds the environment on a loaded MuJoCo module. */
  constructor(mj: MujocoModule, options: HalfCheetahOptions = {}) {
    const o = parseOptions(ID, OptionsSchema, options);
    const exclude = o.excludeCurrentPositionsFromObservation ?? true;
    super(mj, {
      id: ID,
      model: HALF_CHEETAH_MODEL,
      frameSkip: o.frameSkip ?? 5,
      observationSize: exclude ? 17 : 18,
    });
    this.options = {
      forwardRewardWeight: o.forwardRewardWeight ?? 1,
      ctrlCostWeight: o.ctrlCostWeight ?? 0.1,
      resetNoiseScale: o.resetNoiseScale ?? 0.1,
      excludeCurrentPositionsFromObservation: exclude,
      frameSkip: this.frameSkip,
    };
  }

  /** Draws the start state (see the module documentation). */
  protected resetModel(v: MujocoViews): void {
    this.addStartNoise(v, this.options.resetNoiseScale, "normal");
  }

  /** The `info` of `reset`. */
  protected override resetInfo(v: MujocoViews): Info {
    return { x_position: v.qpos[0] };
  }

  /** Records what the reward needs from before the step. */
  protected override beforeStep(v: MujocoViews): void {
    this.#xBefore = v.qpos[0];
  }

  /** Writes the observation (see the module documentation). */
  protected writeObservation(v: MujocoViews, out: Float64Array): void {
    writePositionsVelocities(v, out, this.options.excludeCurrentPositionsFromObservation ? 1 : 0);
  }

  /** Reward, its terms and termination of the step just simulated. */
  protected evaluate(
    v: MujocoViews,
    action: Float32Array,
  ): { reward: number; terminated: boolean; info: Info } {
    const o = this.options;
    const x = v.qpos[0];
    const xVelocity = (x - this.#xBefore) / this.dt;
    const forward = o.forwardRewardWeight * xVelocity;
    const cost = ctrlCost(o.ctrlCostWeight, action);
    return {
      reward: forward - cost,
      terminated: false,
      info: {
        x_position: x,
        x_velocity: xVelocity,
        reward_forward: forward,
        reward_ctrl: -cost,
      },
    };
  }
}

/** Loads MuJoCo (once per process) and builds a {@link HalfCheetahEnv}. */
export async function createHalfCheetah(
  options: HalfCheetahOptions = {},
): Promise<HalfCheetahEnv> {
  return new HalfCheetahEnv(await loadMujoco(), options);
}
