/**
 * # Reacher-v5
 *
 * A two-link planar arm must bring its fingertip to a random target. Gymnasium 1.4.0's
 * `Reacher-v5` on MuJoCo 3.12.0, with this toolkit's own model description.
 *
 * ## Model
 *
 * Hinges `joint0` (unlimited) and `joint1` (±3 rad), two 0.1 m capsule links, a fingertip
 * body 0.11 m along the second link; the target is a body on two slides `target_x`,
 * `target_y` (±0.27, reference positions 0.1 and −0.1). Arm joints: damping 1, armature 1.
 * Two motors with gear 200. RK4, timestep 0.01 s, `frameSkip` 2 (dt = 0.02 s). Nothing
 * collides.
 *
 * ## Observation space: Box(10), float64, unbounded
 *
 * `[cos q0, cos q1, sin q0, sin q1, q2, q3 (target), q̇0, q̇1, (p_f − p_t).x, (p_f − p_t).y]`,
 * p_f and p_t the `xpos` of the fingertip and target bodies as the step leaves them.
 *
 * ## Action space: Box(2), float32, in [−1, 1]²
 *
 * ## Reward
 *
 * `reward_dist` = −‖p_f − p_t‖ (3-D) · `rewardDistWeight`; `reward_ctrl` = −Σa² (float32) ·
 * `rewardControlWeight`; reward = reward_dist + reward_ctrl (both terms in `info`).
 *
 * ## Start state
 *
 * `qpos = qpos0 + U(−0.1, 0.1)` (4 draws); the goal is drawn from U(−0.2, 0.2)² until its
 * norm is below 0.2 and replaces `qpos[2:4]`; `qvel = U(−0.005, 0.005)` (4 draws), then
 * `qvel[2:4] = 0`. Draws come from this toolkit's `Rng`.
 *
 * ## Episode end
 *
 * Never terminates; registered with a 50-step limit and reward threshold −3.75.
 *
 * ## Constructor options
 *
 * `rewardDistWeight` (1), `rewardControlWeight` (1), `frameSkip` (2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createReacher } from "./reacher.ts";
 * const env = await createReacher();
 * env.reset({ seed: 0 });
 * const { reward, info } = env.step(new Float32Array([0.5, -0.5]));
 * assert.equal(reward, (info.reward_dist as number) + (info.reward_ctrl as number));
 * env.close();
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import type { Info } from "../types.ts";
import {
  frameSkipOption,
  loadMujoco,
  MujocoEnv,
  type MujocoModule,
  type MujocoViews,
  parseOptions,
  sumSquaresFloat32,
} from "./common.ts";
import type { ModelDesc } from "./mjcf.ts";

const ID = "Reacher-v5";
const FINGERTIP = 3;
const TARGET = 4;

/** Constructor options of {@link ReacherEnv} (Gymnasium's, in camelCase). */
export interface ReacherOptions {
  /** Weight of the distance term (default 1). */
  rewardDistWeight?: number;
  /** Weight of the control term (default 1). */
  rewardControlWeight?: number;
  /** `mj_step` calls per step (default 2). */
  frameSkip?: number;
}

const OptionsSchema = z.object({
  rewardDistWeight: z.number().optional(),
  rewardControlWeight: z.number().optional(),
  frameSkip: frameSkipOption.optional(),
}).strict();

const link = (name: string) => ({
  name,
  type: "capsule" as const,
  size: [0.01],
  fromto: [0, 0, 0, 0.1, 0, 0],
});

const targetSlide = (name: string, axis: number[], ref: number) => ({
  name,
  type: "slide" as const,
  axis,
  range: [-0.27, 0.27] as const,
  ref,
  damping: 0,
  armature: 0,
  stiffness: 0,
});

/** The model: a two-link arm in the plane and a target on two slides. */
export const REACHER_MODEL: ModelDesc = {
  name: "ascent_reacher",
  angle: "radian",
  option: { timestep: 0.01, integrator: "RK4", gravity: [0, 0, -9.81] },
  defaults: {
    joint: { damping: 1, armature: 1 },
    geom: { contype: 0, friction: [1, 0.1, 0.1] },
  },
  bodies: [
    {
      name: "body0",
      pos: [0, 0, 0.01],
      joints: [{ name: "joint0", type: "hinge", axis: [0, 0, 1], limited: false }],
      geoms: [link("link0")],
      bodies: [{
        name: "body1",
        pos: [0.1, 0, 0],
        joints: [{ name: "joint1", type: "hinge", axis: [0, 0, 1], range: [-3, 3] }],
        geoms: [link("link1")],
        bodies: [{
          name: "fingertip",
          pos: [0.11, 0, 0],
          geoms: [{ name: "fingertip", type: "sphere", size: [0.01] }],
        }],
      }],
    },
    {
      name: "target",
      pos: [0.1, -0.1, 0.01],
      joints: [targetSlide("target_x", [1, 0, 0], 0.1), targetSlide("target_y", [0, 1, 0], -0.1)],
      geoms: [{ name: "target", type: "sphere", size: [0.009], conaffinity: 0 }],
    },
  ],
  motors: [
    { joint: "joint0", gear: 200, ctrlrange: [-1, 1] },
    { joint: "joint1", gear: 200, ctrlrange: [-1, 1] },
  ],
};

/** The Reacher-v5 environment (see the module documentation). */
export class ReacherEnv extends MujocoEnv {
  /** Gymnasium's id. */
  static readonly id: "Reacher-v5" = ID;
  /** Weight of the distance term. */
  readonly rewardDistWeight: number;
  /** Weight of the control term. */
  readonly rewardControlWeight: number;

  /** Builds the environment on a loaded MuJoCo module. */
  constructor(mj: MujocoModule, options: ReacherOptions = {}) {
    const o = parseOptions(ID, OptionsSchema, options);
    super(mj, { id: ID, model: REACHER_MODEL, frameSkip: o.frameSkip ?? 2, observationSize: 10 });
    this.rewardDistWeight = o.rewardDistWeight ?? 1;
    this.rewardControlWeight = o.rewardControlWeight ?? 1;
  }

  /** Draws the start state (see the module documentation). */
  protected resetModel(v: MujocoViews): void {
    this.addUniformNoise(v.qpos, this.initQpos, 0.1);
    let gx: number;
    let gy: number;
    do {
      gx = this.rng.uniformRange(-0.2, 0.2);
      gy = this.rng.uniformRange(-0.2, 0.2);
    } while (!(Math.sqrt(gx * gx + gy * gy) < 0.2));
    v.qpos[2] = gx;
    v.qpos[3] = gy;
    this.addUniformNoise(v.qvel, this.initQvel, 0.005);
    v.qvel[2] = 0;
    v.qvel[3] = 0;
  }

  /** Writes the observation (see the module documentation). */
  protected writeObservation(v: MujocoViews, out: Float64Array): void {
    const q = v.qpos;
    out[0] = Math.cos(q[0]);
    out[1] = Math.cos(q[1]);
    out[2] = Math.sin(q[0]);
    out[3] = Math.sin(q[1]);
    out[4] = q[2];
    out[5] = q[3];
    out[6] = v.qvel[0];
    out[7] = v.qvel[1];
    out[8] = v.xpos[3 * FINGERTIP] - v.xpos[3 * TARGET];
    out[9] = v.xpos[3 * FINGERTIP + 1] - v.xpos[3 * TARGET + 1];
  }

  /** Reward, its terms and termination of the step just simulated. */
  protected evaluate(
    v: MujocoViews,
    action: Float32Array,
  ): { reward: number; terminated: boolean; info: Info } {
    const x = v.xpos;
    const dx = x[3 * FINGERTIP] - x[3 * TARGET];
    const dy = x[3 * FINGERTIP + 1] - x[3 * TARGET + 1];
    const dz = x[3 * FINGERTIP + 2] - x[3 * TARGET + 2];
    const rewardDist = -Math.sqrt(dx * dx + dy * dy + dz * dz) * this.rewardDistWeight;
    const rewardCtrl = -sumSquaresFloat32(action) * this.rewardControlWeight;
    return {
      reward: rewardDist + rewardCtrl,
      terminated: false,
      info: { reward_dist: rewardDist, reward_ctrl: rewardCtrl },
    };
  }
}

/** Loads MuJoCo (once per process) and builds a {@link ReacherEnv}. */
export async function createReacher(options: ReacherOptions = {}): Promise<ReacherEnv> {
  return new ReacherEnv(await loadMujoco(), options);
}
