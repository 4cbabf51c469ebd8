/**
 * # InvertedDoublePendulum-v5
 *
 * A cart on a rail carries two poles joined end to end; push the cart to keep the tip high.
 * Gymnasium 1.4.0's `InvertedDoublePendulum-v5` on MuJoCo 3.12.0, with this toolkit's own
 * model description.
 *
 * ## Model
 *
 * Cart slider `slider` (±1 m, limit margin 0.01), then unlimited hinges `hinge` and `hinge2`
 * (two 0.6 m capsule poles), joint damping 0.05, site `tip` at the end of the second pole.
 * One motor on the slider, gear 500. RK4, timestep 0.01 s, `frameSkip` 5 (dt = 0.05 s).
 * Gravity is (1e−5, 0, −9.81): the tiny x component is part of the task.
 *
 * ## Observation space: Box(9), float64, unbounded
 *
 * `[x, sin θ1, sin θ2, cos θ1, cos θ2, clip(ẋ, ±10), clip(θ̇1, ±10), clip(θ̇2, ±10),
 * clip(qfrc_constraint[0], ±10)]`.
 *
 * ## Action space: Box(1), float32, in [−1, 1]
 *
 * ## Reward
 *
 * With (x_tip, ·, y_tip) = `site_xpos` of `tip` as the step leaves it (the last RK4 stage,
 * not the returned `qpos`): alive = `healthyReward` · (not terminated), dist = 0.01·x_tip² +
 * (y_tip − 2)², vel = 1e−3·θ̇1² + 5e−3·θ̇2² (unclipped). reward = alive − dist − vel;
 * `info`: `reward_survive` = alive, `distance_penalty` = −dist, `velocity_penalty` = −vel.
 *
 * ## Start state
 *
 * `qpos = qpos0 + U(−s, s)` (3 draws), then `qvel = s · N(0, 1)` (3 draws), s =
 * `resetNoiseScale` = 0.1, from this toolkit's `Rng`.
 *
 * ## Episode end
 *
 * Terminates when y_tip ≤ 1. Registered with a 1000-step limit and reward threshold 9100.
 *
 * ## Constructor options
 *
 * `healthyReward` (10), `resetNoiseScale` (0.1), `frameSkip` (5).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInvertedDoublePendulum } from "./inverted_double_pendulum.ts";
 * const env = await createInvertedDoublePendulum();
 * const { observation } = env.reset({ seed: 0 });
 * assert.equal(observation.length, 9);
 * env.close();
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import type { Info } from "../types.ts";
import {
  clip,
  frameSkipOption,
  loadMujoco,
  MujocoEnv,
  type MujocoModule,
  type MujocoViews,
  parseOptions,
} from "./common.ts";
import { cartBody } from "./cart.ts";
import type { ModelDesc } from "./mjcf.ts";

const ID = "InvertedDoublePendulum-v5";

/** Constructor options of {@link InvertedDoublePendulumEnv} (Gymnasium's, in camelCase). */
export interface InvertedDoublePendulumOptions {
  /** Reward per step while the tip stays above 1 (default 10). */
  healthyReward?: number;
  /** Scale of the start-state noise (default 0.1). */
  resetNoiseScale?: number;
  /** `mj_step` calls per step (default 5). */
  frameSkip?: number;
}

const OptionsSchema = z.object({
  healthyReward: z.number().optional(),
  resetNoiseScale: z.number().nonnegative().optional(),
  frameSkip: frameSkipOption.optional(),
}).strict();

const pole = (name: string, child?: ModelDesc["bodies"][number]) => ({
  geoms: [{ name, type: "capsule" as const, size: [0.045, 0.3], fromto: [0, 0, 0, 0, 0, 0.6] }],
  bodies: child === undefined ? undefined : [child],
});

/** The model: cart, two poles, and a site at the tip. */
export const INVERTED_DOUBLE_PENDULUM_MODEL: ModelDesc = {
  name: "ascent_inverted_double_pendulum",
  option: { timestep: 0.01, integrator: "RK4", gravity: [1e-5, 0, -9.81] },
  defaults: {
    joint: { damping: 0.05 },
    geom: { contype: 0, friction: [1, 0.1, 0.1] },
  },
  bodies: [cartBody({
    name: "pole",
    pos: [0, 0, 0],
    joints: [{ name: "hinge", type: "hinge", axis: [0, 1, 0] }],
    ...pole("cpole", {
      name: "pole2",
      pos: [0, 0, 0.6],
      joints: [{ name: "hinge2", type: "hinge", axis: [0, 1, 0] }],
      ...pole("cpole2"),
      sites: [{ name: "tip", pos: [0, 0, 0.6] }],
    }),
  }, { margin: 0.01 })],
  motors: [{ joint: "slider", gear: 500, ctrlrange: [-1, 1] }],
};

/** The InvertedDoublePendulum-v5 environment (see the module documentation). */
export class InvertedDoublePendulumEnv extends MujocoEnv {
  /** Gymnasium's id. */
  static readonly id: "InvertedDoublePendulum-v5" = ID;
  /** Reward per healthy step. */
  readonly healthyReward: number;
  /** Scale of the start-state noise. */
  readonly resetNoiseScale: number;

  /** Builds the environment on a loaded MuJoCo module. */
  constructor(mj: MujocoModule, options: InvertedDoublePendulumOptions = {}) {
    const o = parseOptions(ID, OptionsSchema, options);
    super(mj, {
      id: ID,
      model: INVERTED_DOUBLE_PENDULUM_MODEL,
      frameSkip: o.frameSkip ?? 5,
      observationSize: 9,
    });
    this.healthyReward = o.healthyReward ?? 10;
    this.resetNoiseScale = o.resetNoiseScale ?? 0.1;
  }

  /** Draws the start state (see the module documentation). */
  protected resetModel(v: MujocoViews): void {
    this.addStartNoise(v, this.resetNoiseScale, "normal");
  }

  /** Writes the observation (see the module documentation). */
  protected writeObservation(v: MujocoViews, out: Float64Array): void {
    const q = v.qpos;
    const qd = v.qvel;
    out[0] = q[0];
    out[1] = Math.sin(q[1]);
    out[2] = Math.sin(q[2]);
    out[3] = Math.cos(q[1]);
    out[4] = Math.cos(q[2]);
    out[5] = clip(qd[0], -10, 10);
    out[6] = clip(qd[1], -10, 10);
    out[7] = clip(qd[2], -10, 10);
    out[8] = clip(v.qfrcConstraint[0], -10, 10);
  }

  /** Reward, its terms and termination of the step just simulated. */
  protected evaluate(v: MujocoViews): { reward: number; terminated: boolean; info: Info } {
    const x = v.siteXpos[0];
    const y = v.siteXpos[2];
    const terminated = y <= 1;
    const v1 = v.qvel[1];
    const v2 = v.qvel[2];
    const dist = 0.01 * (x * x) + (y - 2) * (y - 2);
    const vel = 1e-3 * (v1 * v1) + 5e-3 * (v2 * v2);
    const alive = this.healthyReward * (terminated ? 0 : 1);
    const reward = alive - dist - vel;
    return {
      reward,
      terminated,
      info: { reward_survive: alive, distance_penalty: -dist, velocity_penalty: -vel },
    };
  }
}

/** Loads MuJoCo (once per process) and builds an {@link InvertedDoublePendulumEnv}. */
export async function createInvertedDoublePendulum(
  options: InvertedDoublePendulumOptions = {},
): Promise<InvertedDoublePendulumEnv> {
  return new InvertedDoublePendulumEnv(await loadMujoco(), options);
}
