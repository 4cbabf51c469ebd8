/**
 * The five classic-control environments, matching Gymnasium 1.4.0 (numpy 1.x semantics):
 * `CartPole-v1`, `Acrobot-v1`, `MountainCar-v0`, `MountainCarContinuous-v0`, `Pendulum-v1`.
 *
 * {@link classicEnvs} lists each with Gymnasium's id, time limit and reward threshold, for the
 * registry (which applies the time limit; the bare environments never truncate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classicEnvs } from "./mod.ts";
 * const cartPole = classicEnvs.find((e) => e.id === "CartPole-v1")!;
 * const env = cartPole.create();
 * env.reset({ seed: 0 });
 * assert.equal(cartPole.maxEpisodeSteps, 500);
 * ```
 * @module
 */
import { AcrobotEnv, type AcrobotOptions } from "./acrobot.ts";
import { CartPoleEnv, type CartPoleOptions } from "./cartpole.ts";
import { MountainCarEnv, type MountainCarOptions } from "./mountain_car.ts";
import {
  MountainCarContinuousEnv,
  type MountainCarContinuousOptions,
} from "./mountain_car_continuous.ts";
import { PendulumEnv, type PendulumOptions } from "./pendulum.ts";
import type {
  Action,
  FastStepEnv,
  ResetOptions,
  ResetResult,
  StatefulEnv,
  StepResult,
} from "../types.ts";

export { AcrobotEnv, CartPoleEnv, MountainCarContinuousEnv, MountainCarEnv, PendulumEnv };
export type {
  AcrobotOptions,
  CartPoleOptions,
  MountainCarContinuousOptions,
  MountainCarOptions,
  PendulumOptions,
};
export { angleNormalize } from "./pendulum.ts";

/**
 * A built-in environment: synchronous, stateful (for replay) and with the vector fast path.
 */
export interface ClassicEnv extends StatefulEnv, FastStepEnv {
  /** Starts an episode (synchronously). */
  reset(options?: ResetOptions): ResetResult;
  /** Advances one step (synchronously). */
  step(action: Action): StepResult;
  /** A one-line text rendering of the current state. */
  render(): string;
  /** Nothing to release. */
  close(): void;
}

/** Registration data of one classic-control environment. */
export interface ClassicEnvSpec {
  /** Gymnasium's id, e.g. `CartPole-v1`. */
  id: string;
  /** Builds a fresh environment; options are validated (errors name the id and field). */
  create: (options?: Record<string, unknown>) => ClassicEnv;
  /** Gymnasium's time limit (`max_episode_steps`). */
  maxEpisodeSteps: number;
  /** Gymnasium's `reward_threshold`, or `undefined` when it has none (Pendulum). */
  rewardThreshold: number | undefined;
  /** One sentence describing the task. */
  description: string;
}

/** The five classic-control environments with Gymnasium's ids, limits and thresholds. */
export const classicEnvs: readonly ClassicEnvSpec[] = [
  {
    id: "CartPole-v1",
    create: (options) => new CartPoleEnv(options as CartPoleOptions),
    maxEpisodeSteps: 500,
    rewardThreshold: 475.0,
    description: "Balance a pole on a cart by pushing it left or right (+1 per step).",
  },
  {
    id: "Acrobot-v1",
    create: (options) => new AcrobotEnv(options as AcrobotOptions),
    maxEpisodeSteps: 500,
    rewardThreshold: -100.0,
    description: "Swing the tip of a two-link pendulum above a line with elbow torque.",
  },
  {
    id: "MountainCar-v0",
    create: (options) => new MountainCarEnv(options as MountainCarOptions),
    maxEpisodeSteps: 200,
    rewardThreshold: -110.0,
    description: "Drive an under-powered car up a hill by rocking it (discrete throttle).",
  },
  {
    id: "MountainCarContinuous-v0",
    create: (options) => new MountainCarContinuousEnv(options as MountainCarContinuousOptions),
    maxEpisodeSteps: 999,
    rewardThreshold: 90.0,
    description: "Drive an under-powered car up a hill with a continuous, costly throttle.",
  },
  {
    id: "Pendulum-v1",
    create: (options) => new PendulumEnv(options as PendulumOptions),
    maxEpisodeSteps: 200,
    rewardThreshold: undefined,
    description: "Swing a pendulum upright and hold it there with bounded torque.",
  },
];
