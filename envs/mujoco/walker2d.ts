/**
 * # Walker2d-v5
 *
 * A two-legged planar robot must walk forward without falling. Gymnasium 1.4.0's
 * `Walker2d-v5` on MuJoCo 3.12.0, with this toolkit's own model description (v5's model:
 * both feet have friction 1.9).
 *
 * ## Model
 *
 * Root slides `rootx`, `rootz` (reference 1.25) and hinge `rooty`; per leg hinges thigh and
 * leg (−150°…0°) and foot (±45°), damping 0.1 and armature 0.01; capsules of density 1000,
 * friction 0.7 (body 0.9, feet 1.9); six motors with gear 100. RK4, timestep 0.002 s,
 * `frameSkip` 4 (dt = 0.008 s).
 *
 * ## Observation space: Box(17), float64, unbounded
 *
 * `qpos[1:9]` (`qpos[0:9]` when `excludeCurrentPositionsFromObservation` is false: Box(18)),
 * then `clip(qvel, ±10)`.
 *
 * ## Action space: Box(6), float32, in [−1, 1]⁶
 *
 * Right thigh, leg, foot, then left thigh, leg, foot.
 *
 * ## Reward
 *
 * As Hopper-v5: (`reward_forward` + `reward_survive`) + `reward_ctrl`, with x_velocity =
 * Δqpos[0]/dt, survive = `healthyReward` while healthy, ctrl = −`ctrlCostWeight` · Σa²
 * (float32 sum). `info` also has `x_position`, `z_distance_from_origin`, `x_velocity`.
 *
 * ## Start state
 *
 * `qpos = qpos0 + U(−s, s)` (9 draws), then `qvel = U(−s, s)` (9 draws), s = 5e−3, from this
 * toolkit's `Rng`.
 *
 * ## Episode end
 *
 * Healthy: z = qpos[1] strictly inside `healthyZRange` and angle = qpos[2] strictly inside
 * `healthyAngleRange` (no state-range test). Terminates when unhealthy (if
 * `terminateWhenUnhealthy`). Registered with a 1000-step limit and no reward threshold.
 *
 * ## Constructor options
 *
 * `forwardRewardWeight` (1), `ctrlCostWeight` (1e−3), `healthyReward` (1),
 * `terminateWhenUnhealthy` (true), `healthyZRange` ([0.8, 2]), `healthyAngleRange`
 * ([−1, 1]), `resetNoiseScale` (5e−3), `excludeCurrentPositionsFromObservation` (true),
 * `frameSkip` (4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createWalker2d } from "./walker2d.ts";
 * const env = await createWalker2d();
 * const { observation } = env.reset({ seed: 0 });
 * assert.equal(observation.length, 17);
 * env.close();
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import { loadMujoco, type MujocoModule, parseOptions } from "./common.ts";
import type { ModelDesc } from "./mjcf.ts";
import {
  planarLeg,
  planarTorso,
  planarWalkerDefaults,
  PlanarWalkerEnv,
  planarWalkerOptionFields,
  type PlanarWalkerOptions,
} from "./planar_walker.ts";

const ID = "Walker2d-v5";

/** Constructor options of {@link Walker2dEnv} (Gymnasium's, in camelCase). */
export interface Walker2dOptions extends PlanarWalkerOptions {
  /** Open interval for the torso height (default [0.8, 2]). */
  healthyZRange?: [number, number];
  /** Open interval for the torso angle (default [−1, 1]). */
  healthyAngleRange?: [number, number];
}

const OptionsSchema = z.object(planarWalkerOptionFields).strict();

/** One leg; its foot (v5's) has friction 1.9. */
const leg = (suffix: string) => planarLeg(suffix, { x: 0.2, halfLength: 0.1, friction: 1.9 });

/** The model: a torso with two three-segment legs in the x–z plane. */
export const WALKER2D_MODEL: ModelDesc = {
  name: "ascent_walker2d",
  angle: "degree",
  option: { timestep: 0.002, integrator: "RK4" },
  defaults: {
    joint: { armature: 0.01, damping: 0.1 },
    geom: { contype: 1, conaffinity: 0, condim: 3, density: 1000, friction: [0.7, 0.1, 0.1] },
  },
  worldGeoms: [{ name: "floor", type: "plane", size: [40, 40, 40], conaffinity: 1 }],
  bodies: [planarTorso([leg(""), leg("_left")])],
  motors: [
    "thigh_joint",
    "leg_joint",
    "foot_joint",
    "thigh_left_joint",
    "leg_left_joint",
    "foot_left_joint",
  ].map((joint) => ({ joint, gear: 100, ctrlrange: [-1, 1] as const })),
};

/** The Walker2d-v5 environment (see the module documentation). */
export class Walker2dEnv extends PlanarWalkerEnv {
  /** Gymnasium's id. */
  static readonly id: "Walker2d-v5" = ID;
  /** The options in use, defaults filled in. */
  readonly options: Readonly<Required<Walker2dOptions>>;

  /** Builds the environment on a loaded MuJoCo module. */
  constructor(mj: MujocoModule, options: Walker2dOptions = {}) {
    const o = parseOptions(ID, OptionsSchema, options);
    const shared = planarWalkerDefaults(o, [0.8, 2], [-1, 1]);
    super(mj, {
      id: ID,
      model: WALKER2D_MODEL,
      frameSkip: o.frameSkip ?? 4,
      observationSize: shared.excludeCurrentPositionsFromObservation ? 17 : 18,
    });
    this.options = { ...shared, frameSkip: this.frameSkip };
  }

  /** Whether the torso height and angle are inside their healthy ranges. */
  get isHealthy(): boolean {
    return this.torsoHealthy;
  }
}

/** Loads MuJoCo (once per process) and builds a {@link Walker2dEnv}. */
export async function createWalker2d(options: Walker2dOptions = {}): Promise<Walker2dEnv> {
  return new Walker2dEnv(await loadMujoco(), options);
}
