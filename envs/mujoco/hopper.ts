/**
 * # Hopper-v5
 *
 * A one-legged planar robot (torso, thigh, leg, foot) must hop forward without falling.
 * Gymnasium 1.4.0's `Hopper-v5` on MuJoCo 3.12.0, with this toolkit's own model description.
 *
 * ## Model
 *
 * Root slides `rootx`, `rootz` (reference 1.25) and hinge `rooty`; hinges `thigh_joint`,
 * `leg_joint` (−150°…0°) and `foot_joint` (±45°), damping 1 and armature 1; capsules of
 * density 1000; three motors with gear 200. Contacts with the floor: condim 1 on the body,
 * margin 0.001, solimp (0.8, 0.8, 0.01). RK4, timestep 0.002 s, `frameSkip` 4 (dt = 0.008 s).
 *
 * ## Observation space: Box(11), float64, unbounded
 *
 * `qpos[1:6]` (`qpos[0:6]` when `excludeCurrentPositionsFromObservation` is false: Box(12)),
 * then `clip(qvel, ±10)`.
 *
 * ## Action space: Box(3), float32, in [−1, 1]³
 *
 * ## Reward
 *
 * x_velocity = (x_after − x_before)/dt of `qpos[0]`. `reward_forward` =
 * `forwardRewardWeight` · x_velocity; `reward_survive` = `healthyReward` while healthy, else 0;
 * `reward_ctrl` = −`ctrlCostWeight` · Σa² (float32 sum). reward = (forward + survive) + ctrl.
 * `info` also has `x_position`, `z_distance_from_origin` (qpos[1] − 1.25) and `x_velocity`.
 *
 * ## Start state
 *
 * `qpos = qpos0 + U(−s, s)` (6 draws), then `qvel = U(−s, s)` (6 draws), s =
 * `resetNoiseScale` = 0.005, from this toolkit's `Rng`.
 *
 * ## Episode end
 *
 * Healthy means every entry of `qpos[2:]` and of (unclipped) `qvel` lies strictly inside
 * `healthyStateRange`, z = qpos[1] strictly inside `healthyZRange` and the angle qpos[2]
 * strictly inside `healthyAngleRange`. Terminates when unhealthy (if
 * `terminateWhenUnhealthy`). Registered with a 1000-step limit, reward threshold 3800.
 *
 * ## Constructor options
 *
 * `forwardRewardWeight` (1), `ctrlCostWeight` (1e−3), `healthyReward` (1),
 * `terminateWhenUnhealthy` (true), `healthyStateRange` ([−100, 100]), `healthyZRange`
 * ([0.7, ∞]), `healthyAngleRange` ([−0.2, 0.2]), `resetNoiseScale` (5e−3),
 * `excludeCurrentPositionsFromObservation` (true), `frameSkip` (4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHopper } from "./hopper.ts";
 * const env = await createHopper();
 * env.reset({ seed: 0 });
 * const { info } = env.step(new Float32Array([0, 0, 0]));
 * assert.equal(info.reward_survive, 1);
 * env.close();
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import { loadMujoco, type MujocoModule, parseOptions, rangeOption } from "./common.ts";
import type { ModelDesc } from "./mjcf.ts";
import {
  planarLeg,
  planarTorso,
  planarWalkerDefaults,
  PlanarWalkerEnv,
  planarWalkerOptionFields,
  type PlanarWalkerOptions,
} from "./planar_walker.ts";

const ID = "Hopper-v5";

/** Constructor options of {@link HopperEnv} (Gymnasium's, in camelCase). */
export interface HopperOptions extends PlanarWalkerOptions {
  /** Open interval for `qpos[2:]` and `qvel` (default [−100, 100]). */
  healthyStateRange?: [number, number];
  /** Open interval for the torso height (default [0.7, ∞]). */
  healthyZRange?: [number, number];
  /** Open interval for the torso angle (default [−0.2, 0.2]). */
  healthyAngleRange?: [number, number];
}

const OptionsSchema = z.object({
  ...planarWalkerOptionFields,
  healthyStateRange: rangeOption.optional(),
}).strict();

/** The model: torso, thigh, leg and foot capsules in the x–z plane. */
export const HOPPER_MODEL: ModelDesc = {
  name: "ascent_hopper",
  angle: "degree",
  option: { timestep: 0.002, integrator: "RK4" },
  defaults: {
    joint: { armature: 1, damping: 1 },
    geom: {
      contype: 1,
      conaffinity: 1,
      condim: 1,
      margin: 0.001,
      solimp: [0.8, 0.8, 0.01],
      solref: [0.02, 1],
    },
  },
  worldGeoms: [{ name: "floor", type: "plane", size: [20, 20, 0.125], condim: 3 }],
  bodies: [planarTorso([planarLeg("", { x: 0.13, halfLength: 0.195, friction: 2 })])],
  motors: ["thigh_joint", "leg_joint", "foot_joint"].map((joint) => ({
    joint,
    gear: 200,
    ctrlrange: [-1, 1] as const,
  })),
};

/** The Hopper-v5 environment (see the module documentation). */
export class HopperEnv extends PlanarWalkerEnv {
  /** Gymnasium's id. */
  static readonly id: "Hopper-v5" = ID;
  /** The options in use, defaults filled in. */
  readonly options: Readonly<Required<HopperOptions>>;

  /** Builds the environment on a loaded MuJoCo module. */
  constructor(mj: MujocoModule, options: HopperOptions = {}) {
    const o = parseOptions(ID, OptionsSchema, options);
    const shared = planarWalkerDefaults(o, [0.7, Infinity], [-0.2, 0.2]);
    super(mj, {
      id: ID,
      model: HOPPER_MODEL,
      frameSkip: o.frameSkip ?? 4,
      observationSize: shared.excludeCurrentPositionsFromObservation ? 11 : 12,
    });
    this.options = {
      ...shared,
      healthyStateRange: o.healthyStateRange ?? [-100, 100],
      frameSkip: this.frameSkip,
    };
  }

  /** Whether the current state is healthy (see the module documentation). */
  get isHealthy(): boolean {
    const v = this.views;
    const [lo, hi] = this.options.healthyStateRange;
    for (let i = 2; i < this.nq; i++) if (!(lo < v.qpos[i] && v.qpos[i] < hi)) return false;
    for (let i = 0; i < this.nv; i++) if (!(lo < v.qvel[i] && v.qvel[i] < hi)) return false;
    return this.torsoHealthy;
  }
}

/** Loads MuJoCo (once per process) and builds a {@link HopperEnv}. */
export async function createHopper(options: HopperOptions = {}): Promise<HopperEnv> {
  return new HopperEnv(await loadMujoco(), options);
}
