/**
 * Gymnasium 1.4.0's Box2D environments on the `planck` engine: `LunarLander-v3`,
 * `LunarLanderContinuous-v3`, `BipedalWalker-v3` and `BipedalWalkerHardcore-v3`.
 *
 * {@link box2dEnvs} lists each with Gymnasium's id, default options, time limit and reward
 * threshold, for the registry. Importing this module does not load planck: the first
 * `create` loads it (a Promise); once loaded, `createSync` works too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { box2dEnvs } from "./mod.ts";
 * const lander = box2dEnvs.find((e) => e.id === "LunarLander-v3")!;
 * const env = await lander.create();
 * assert.equal(env.reset({ seed: 0 }).observation.length, 8);
 * assert.equal(lander.maxEpisodeSteps, 1000);
 * ```
 * @module
 */
import { BipedalWalkerEnv, type BipedalWalkerOptions, type Obstacle } from "./bipedal_walker.ts";
import type { DrawSource } from "./common.ts";
import { LunarLanderEnv, type LunarLanderOptions } from "./lunar_lander.ts";
import { loadedPlanck, loadPlanck, type PlanckModule } from "./planck.ts";
import { type Box2DSpecFacts, box2dSpecs } from "./specs.ts";
import type { Action, FastStepEnv, ResetOptions, ResetResult, StepResult } from "../types.ts";

export { BipedalWalkerEnv, LunarLanderEnv };
export type { BipedalWalkerOptions, DrawSource, LunarLanderOptions, Obstacle };
export type * from "./planck.ts";
export { Box2DEnvBase, ContactFlags, RecordedDraws, RngDraws } from "./common.ts";
export { loadPlanck, PLANCK_SPECIFIER } from "./planck.ts";

/** A Box2D environment: synchronous once made, with the fast path and injectable draws. */
export interface Box2DEnv extends FastStepEnv {
  /** Starts an episode (synchronously). */
  reset(options?: ResetOptions): ResetResult;
  /** Advances one step (synchronously). */
  step(action: Action): StepResult;
  /** Replaces the source of random draws (`null`: the environment's own generator). */
  setDrawSource(source: DrawSource | null): void;
  /** Releases the world. */
  close(): void;
}

/** Registration data of one Box2D environment. */
export interface Box2DEnvSpec extends Omit<Box2DSpecFacts, "kind"> {
  /** Loads planck if needed and builds a fresh environment. */
  create: (options?: Record<string, unknown>) => Promise<Box2DEnv>;
  /** Builds a fresh environment once planck is loaded; `null` before. */
  createSync: (options?: Record<string, unknown>) => Box2DEnv | null;
}

const builders: Record<
  Box2DSpecFacts["kind"],
  (planck: PlanckModule, options: Record<string, unknown>) => Box2DEnv
> = {
  lander: (planck, options) => new LunarLanderEnv(planck, options as LunarLanderOptions),
  walker: (planck, options) => new BipedalWalkerEnv(planck, options as BipedalWalkerOptions),
};

/** The four Box2D environments with Gymnasium's ids, limits and thresholds (`specs.ts`). */
export const box2dEnvs: readonly Box2DEnvSpec[] = box2dSpecs.map(({ kind, ...facts }) => {
  const build = builders[kind], defaults = facts.defaults;
  return {
    ...facts,
    create: async (options = {}) => build(await loadPlanck(), { ...defaults, ...options }),
    createSync: (options = {}) => {
      const planck = loadedPlanck();
      return planck === null ? null : build(planck, { ...defaults, ...options });
    },
  };
});

export type { Box2DSpecFacts };
