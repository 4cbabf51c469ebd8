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
