/**
 * # InvertedPendulum-v5
 *
 * A cart on a one-metre rail carries a pole on a hinge; push the cart so that the pole stays
 * upright. Gymnasium 1.4.0's `InvertedPendulum-v5` on MuJoCo 3.12.0, with this toolkit's own
 * model description (same bodies, joints, masses and options as Gymnasium's).
 *
 * ## Model
 *
 * Slider `slider` (range ±1 m) and hinge `hinge` (±90°), joint damping 1; a capsule cart and
 * a 0.6 m capsule pole; one motor on the slider with gear 100. RK4, timestep 0.02 s,
 * `frameSkip` 2, so dt = 0.04 s. Nothing collides.
 *
 * ## Observation space: Box(4), float64, unbounded
 *
 * `[qpos[0] (cart), qpos[1] (pole angle), qvel[0], qvel[1]]`.
 *
 * ## Action space: Box(1), float32, in [−3, 3]
 *
 * The motor control (force = 100 · a).
 *
 * ## Reward
 *
 * 1 on every step that does not terminate, 0 on the step that does. `info.reward_survive`
 * holds the same value.
 *
 * ## Start state
 *
 * `qpos = qpos0 + U(−s, s)` (2 draws), then `qvel = U(−s, s)` (2 draws), s =
 * `resetNoiseScale` = 0.01, drawn from this toolkit's `Rng` (same distribution as
 * Gymnasium, different draws).
 *
 * ## Episode end
 *
 * Terminates when an observation entry is not finite or |pole angle| > 0.2 rad (exactly 0.2
 * is still alive). Registered with a 1000-step time limit and reward threshold 950.
 *
 * ## Constructor options
 *
 * `resetNoiseScale` (0.01), `frameSkip` (2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInvertedPendulum } from "./inverted_pendulum.ts";
 * const env = await createInvertedPendulum();
 * env.reset({ seed: 0 });
 * const { reward, info } = env.step(new Float32Array([0]));
 * assert.equal(reward, info.reward_survive);
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
} from "./common.ts";
import { cartBody } from "./cart.ts";
import type { ModelDesc } from "./mjcf.ts";

const ID = "InvertedPendulum-v5";

/** Constructor options of {@link InvertedPendulumEnv} (Gymnasium's, in camelCase). */
export interface InvertedPendulumOptions {
  /** Half-width of the uniform start-state noise (default 0.01). */
  resetNoiseScale?: number;
  /** `mj_step` calls per step (default 2). */
  frameSkip?: number;
}

const OptionsSchema = z.object({
  resetNoiseScale: z.number().nonnegative().optional(),
  frameSkip: frameSkipOption.optional(),
}).strict();

/** The model: a capsule cart on a slide joint and a capsule pole on a hinge. */
export const INVERTED_PENDULUM_MODEL: ModelDesc = {
  name: "ascent_inverted_pendulum",
  option: { timestep: 0.02, integrator: "RK4", gravity: [0, 0, -9.81] },
  defaults: {
    joint: { damping: 1, armature: 0 },
    geom: { contype: 0, friction: [1, 0.1, 0.1] },
  },
  bodies: [cartBody({
    name: "pole",
    pos: [0, 0, 0],
    joints: [{ name: "hinge", type: "hinge", axis: [0, 1, 0], range: [-90, 90] }],
    // The pole leans 1 mm off vertical, as in Gymnasium's model.
    geoms: [{
      name: "cpole",
      type: "capsule",
      size: [0.049, 0.3],
      fromto: [0, 0, 0, 0.001, 0, 0.6],
    }],
  })],
  motors: [{ joint: "slider", gear: 100, ctrlrange: [-3, 3] }],
};

/** The InvertedPendulum-v5 environment (see the module documentation). */
export class InvertedPendulumEnv extends MujocoEnv {
  /** Gymnasium's id. */
  static readonly id: "InvertedPendulum-v5" = ID;
  /** Half-width of the start-state noise. */
  readonly resetNoiseScale: number;

  /** Builds the environment on a loaded MuJoCo module (see {@link createInvertedPendulum}). */
  constructor(mj: MujocoModule, options: InvertedPendulumOptions = {}) {
    const o = parseOptions(ID, OptionsSchema, options);
    super(mj, {
      id: ID,
      model: INVERTED_PENDULUM_MODEL,
      frameSkip: o.frameSkip ?? 2,
      observationSize: 4,
    });
    this.resetNoiseScale = o.resetNoiseScale ?? 0.01;
  }

  /** Draws the start state (see the module documentation). */
  protected resetModel(v: MujocoViews): void {
    this.addStartNoise(v, this.resetNoiseScale, "uniform");
  }

  /** Writes the observation (see the module documentation). */
  protected writeObservation(v: MujocoViews, out: Float64Array): void {
    out[0] = v.qpos[0];
    out[1] = v.qpos[1];
    out[2] = v.qvel[0];
    out[3] = v.qvel[1];
  }

  /** Reward, its terms and termination of the step just simulated. */
  protected evaluate(
    _v: MujocoViews,
    _action: Float32Array,
    obs: Float64Array,
  ): { reward: number; terminated: boolean; info: Info } {
    let finite = true;
    for (let i = 0; i < 4; i++) if (!Number.isFinite(obs[i])) finite = false;
    const terminated = !finite || Math.abs(obs[1]) > 0.2;
    const reward = terminated ? 0 : 1;
    return { reward, terminated, info: { reward_survive: reward } };
  }
}

/** Loads MuJoCo (once per process) and builds an {@link InvertedPendulumEnv}. */
export async function createInvertedPendulum(
  options: InvertedPendulumOptions = {},
): Promise<InvertedPendulumEnv> {
  return new InvertedPendulumEnv(await loadMujoco(), options);
}
