/**
 * Registers the five classic-control environments (`CartPole-v1`, `Acrobot-v1`,
 * `MountainCar-v0`, `MountainCarContinuous-v0`, `Pendulum-v1`), the seven MuJoCo v5
 * environments (`InvertedPendulum-v5`, `InvertedDoublePendulum-v5`, `Reacher-v5`,
 * `Hopper-v5`, `HalfCheetah-v5`, `Walker2d-v5`, `Ant-v5`) and the four Box2D ones
 * (`LunarLander-v3`, `LunarLanderContinuous-v3`, `BipedalWalker-v3`,
 * `BipedalWalkerHardcore-v3`) in the default registry with Gymnasium's time limits and reward
 * thresholds and `source: "builtin"`. Importing this module (or `envs/mod.ts`) is enough;
 * registering again is a no-op.
 *
 * A Box2D spec's `create` returns a Promise until its engine (planck) is loaded: the first
 * `make` of a Box2D id downloads and loads it; after that `create` is synchronous, so
 * `makeSync` works too. Nothing is loaded for the classic-control environments.
 *
 * Registering the MuJoCo environments loads nothing: their `create` imports MuJoCo (a
 * one-time download of `npm:@mujoco/mujoco@3.12.0`) the first time one is made, so `make`
 * (not `makeSync`) builds them. Their spec's `simulator` names the MuJoCo release.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { registerBuiltinEnvs } from "./builtin.ts";
 * import { defaultRegistry } from "./registry.ts";
 * registerBuiltinEnvs();
 * assert.equal(defaultRegistry.spec("CartPole-v1").maxEpisodeSteps, 500);
 * ```
 * @module
 */
import { box2dEnvs } from "./box2d/mod.ts";
import { classicEnvs } from "./classic/mod.ts";
import { MUJOCO_SPECIFIER, MUJOCO_VERSION } from "./mujoco/deps.ts";
import { MUJOCO_ENV_IDS, mujocoEnvs } from "./mujoco/mod.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

/** Ids of the built-in environments: classic control, then MuJoCo, then Box2D. */
export const BUILTIN_ENV_IDS: readonly string[] = [
  ...classicEnvs.map((e) => e.id),
  ...MUJOCO_ENV_IDS,
  ...box2dEnvs.map((e) => e.id),
];

/** Ids of the classic-control environments (synchronous, with the vector fast path). */
export const CLASSIC_ENV_IDS: readonly string[] = classicEnvs.map((e) => e.id);

export { MUJOCO_ENV_IDS };

/** Registers the classic-control, MuJoCo and Box2D environments in `registry` (idempotent). */
export function registerBuiltinEnvs(registry: Registry = defaultRegistry): void {
  for (const e of classicEnvs) {
    if (registry.has(e.id)) continue;
    registry.register({
      id: e.id,
      create: (options) => e.create(options),
      maxEpisodeSteps: e.maxEpisodeSteps,
      rewardThreshold: e.rewardThreshold,
      description: e.description,
      source: "builtin",
    });
  }
  for (const e of mujocoEnvs) {
    if (registry.has(e.id)) continue;
    registry.register({
      id: e.id,
      create: (options) => e.create(options),
      maxEpisodeSteps: e.maxEpisodeSteps,
      rewardThreshold: e.rewardThreshold,
      description: e.description,
      source: "builtin",
      simulator: { name: "MuJoCo", version: MUJOCO_VERSION, package: MUJOCO_SPECIFIER },
    });
  }
  for (const e of box2dEnvs) {
    if (registry.has(e.id)) continue;
    registry.register({
      id: e.id,
      create: (options) => e.createSync(options) ?? e.create(options),
      maxEpisodeSteps: e.maxEpisodeSteps,
      rewardThreshold: e.rewardThreshold,
      defaults: e.defaults,
      description: e.description,
      source: "builtin",
    });
  }
}

registerBuiltinEnvs();
