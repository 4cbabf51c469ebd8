/**
 * What Hopper-v5 and Walker2d-v5 share: the planar walkers whose root is `rootx`, `rootz`,
 * `rooty`. Their options, start state, observation, reward terms and termination are the same
 * (Gymnasium 1.4.0's `hopper_v5.py` and `walker2d_v5.py`); each environment keeps its model,
 * its defaults and its own health test.
 *
 * - Start state: `qpos = qpos0 + U(−s, s)`, then `qvel = U(−s, s)`, s = `resetNoiseScale`.
 * - Observation: `qpos[1:]` (`qpos[0:]` when `excludeCurrentPositionsFromObservation` is
 *   false), then `clip(qvel, ±10)`.
 * - Reward: `forwardRewardWeight` · x_velocity + (`healthyReward` while healthy, else 0) −
 *   `ctrlCostWeight` · Σa²; terminated when unhealthy (if `terminateWhenUnhealthy`).
 * @module
 */
import { z } from "../../deps.ts";
import type { Info } from "../types.ts";
import {
  ctrlCost,
  locomotionOptionFields,
  MujocoEnv,
  type MujocoViews,
  rangeOption,
  writePositionsVelocities,
} from "./common.ts";
import { type BodyDesc, ROOT_JOINT as free } from "./mjcf.ts";

/**
 * The torso both walkers share: at height 1.25 on the root slides `rootx`, `rootz`
 * (reference 1.25) and hinge `rooty`, a capsule of radius 0.05 from z = 1.05 to 1.45,
 * friction 0.9; it carries `legs`.
 */
export function planarTorso(legs: BodyDesc[]): BodyDesc {
  return {
    name: "torso",
    pos: [0, 0, 1.25],
    joints: [
      { name: "rootx", type: "slide", axis: [1, 0, 0], pos: [0, 0, -1.25], ...free },
      { name: "rootz", type: "slide", axis: [0, 0, 1], pos: [0, 0, -1.25], ref: 1.25, ...free },
      { name: "rooty", type: "hinge", axis: [0, 1, 0], pos: [0, 0, 0], ...free },
    ],
    geoms: [{
      name: "torso_geom",
      type: "capsule",
      size: [0.05, 0.19999999999999996],
      friction: [0.9],
    }],
    bodies: legs,
  };
}

/** The foot of {@link planarLeg}. */
export interface PlanarFoot {
  /** How far ahead of the ankle the foot's body sits (its capsule runs back from there). */
  x: number;
  /** Half-length of the foot capsule (radius 0.06). */
  halfLength: number;
  /** Sliding friction of the foot. */
  friction: number;
}

/**
 * One thigh–leg–foot chain below the torso (`suffix` "" or "_left"): thigh and leg hinges
 * (−150°…0°) and the foot hinge (±45°) about −y, thigh capsule radius 0.05 and leg 0.04,
 * friction 0.9, and the given foot.
 */
export function planarLeg(suffix: string, foot: PlanarFoot): BodyDesc {
  const hinge = (name: string, pos: number[], range: [number, number]) => ({
    name,
    type: "hinge" as const,
    axis: [0, -1, 0],
    pos,
    range,
  });
  return {
    name: `thigh${suffix}`,
    pos: [0, 0, -0.19999999999999996],
    joints: [hinge(`thigh${suffix}_joint`, [0, 0, 0], [-150, 0])],
    geoms: [{
      name: `thigh${suffix}_geom`,
      type: "capsule",
      size: [0.05, 0.22500000000000003],
      pos: [0, 0, -0.22500000000000009],
      friction: [0.9],
    }],
    bodies: [{
      name: `leg${suffix}`,
      pos: [0, 0, -0.7000000000000001],
      joints: [hinge(`leg${suffix}_joint`, [0, 0, 0.25], [-150, 0])],
      geoms: [{ name: `leg${suffix}_geom`, type: "capsule", size: [0.04, 0.25], friction: [0.9] }],
      bodies: [{
        name: `foot${suffix}`,
        pos: [foot.x, 0, -0.35],
        joints: [hinge(`foot${suffix}_joint`, [-foot.x, 0, 0.1], [-45, 45])],
        geoms: [{
          name: `foot${suffix}_geom`,
          type: "capsule",
          size: [0.06, foot.halfLength],
          pos: [-foot.x / 2, 0, 0.1],
          quat: [0.7071067811865476, 0, -0.7071067811865475, 0],
          friction: [foot.friction],
        }],
      }],
    }],
  };
}

/** The constructor options Hopper and Walker2d share (Gymnasium's, in camelCase). */
export interface PlanarWalkerOptions {
  /** Weight of the forward velocity (default 1). */
  forwardRewardWeight?: number;
  /** Weight of the control cost (default 1e−3). */
  ctrlCostWeight?: number;
  /** Reward per healthy step (default 1). */
  healthyReward?: number;
  /** End the episode when unhealthy (default true). */
  terminateWhenUnhealthy?: boolean;
  /** Open interval for the torso height. */
  healthyZRange?: [number, number];
  /** Open interval for the torso angle. */
  healthyAngleRange?: [number, number];
  /** Half-width of the start-state noise (default 5e−3). */
  resetNoiseScale?: number;
  /** Leave `qpos[0]` out of the observation (default true). */
  excludeCurrentPositionsFromObservation?: boolean;
  /** `mj_step` calls per step (default 4). */
  frameSkip?: number;
}

/** Zod fields of {@link PlanarWalkerOptions}, to spread into an environment's schema. */
export const planarWalkerOptionFields = {
  ...locomotionOptionFields,
  healthyReward: z.number().optional(),
  terminateWhenUnhealthy: z.boolean().optional(),
  healthyZRange: rangeOption.optional(),
  healthyAngleRange: rangeOption.optional(),
};

/**
 * The shared defaults of {@link PlanarWalkerOptions} over the parsed options `o`; the
 * environment gives its own health ranges.
 */
export function planarWalkerDefaults(
  o: PlanarWalkerOptions,
  healthyZRange: [number, number],
  healthyAngleRange: [number, number],
): Required<Omit<PlanarWalkerOptions, "frameSkip">> {
  return {
    forwardRewardWeight: o.forwardRewardWeight ?? 1,
    ctrlCostWeight: o.ctrlCostWeight ?? 1e-3,
    healthyReward: o.healthyReward ?? 1,
    terminateWhenUnhealthy: o.terminateWhenUnhealthy ?? true,
    healthyZRange: o.healthyZRange ?? healthyZRange,
    healthyAngleRange: o.healthyAngleRange ?? healthyAngleRange,
    resetNoiseScale: o.resetNoiseScale ?? 5e-3,
    excludeCurrentPositionsFromObservation: o.excludeCurrentPositionsFromObservation ?? true,
  };
}

/** Hopper and Walker2d: everything but the model and the health test. */
export abstract class PlanarWalkerEnv extends MujocoEnv {
  /** The options in use, defaults filled in. */
  abstract readonly options: Readonly<Required<PlanarWalkerOptions>>;
  #xBefore = 0;

  /** Whether the current state is healthy. */
  abstract get isHealthy(): boolean;

  /** Whether the torso height qpos[1] and angle qpos[2] are strictly inside their ranges. */
  protected get torsoHealthy(): boolean {
    const q = this.views.qpos;
    const [zLo, zHi] = this.options.healthyZRange;
    const [aLo, aHi] = this.options.healthyAngleRange;
    return zLo < q[1] && q[1] < zHi && aLo < q[2] && q[2] < aHi;
  }

  /** Draws the start state (see the module documentation). */
  protected resetModel(v: MujocoViews): void {
    this.addStartNoise(v, this.options.resetNoiseScale, "uniform");
  }

  /** The `info` of `reset`. */
  protected override resetInfo(v: MujocoViews): Info {
    return { x_position: v.qpos[0], z_distance_from_origin: v.qpos[1] - this.initQpos[1] };
  }

  /** Records what the reward needs from before the step. */
  protected override beforeStep(v: MujocoViews): void {
    this.#xBefore = v.qpos[0];
  }

  /** Writes the observation (see the module documentation). */
  protected writeObservation(v: MujocoViews, out: Float64Array): void {
    writePositionsVelocities(
      v,
      out,
      this.options.excludeCurrentPositionsFromObservation ? 1 : 0,
      10,
    );
  }

  /** Reward, its terms and termination of the step just simulated. */
  protected evaluate(
    v: MujocoViews,
    action: Float32Array,
  ): { reward: number; terminated: boolean; info: Info } {
    const o = this.options;
    const x = v.qpos[0];
    const xVelocity = (x - this.#xBefore) / this.dt;
    const healthy = this.isHealthy;
    const forward = o.forwardRewardWeight * xVelocity;
    const survive = healthy ? o.healthyReward : 0;
    const cost = ctrlCost(o.ctrlCostWeight, action);
    return {
      reward: forward + survive - cost,
      terminated: !healthy && o.terminateWhenUnhealthy,
      info: {
        x_position: x,
        z_distance_from_origin: v.qpos[1] - this.initQpos[1],
        x_velocity: xVelocity,
        reward_forward: forward,
        reward_ctrl: -cost,
        reward_survive: survive,
      },
    };
  }
}
