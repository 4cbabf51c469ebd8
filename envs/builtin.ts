/**
 * Registers the five classic-control environments (`CartPole-v1`, `Acrobot-v1`,
 * `MountainCar-v0`, `MountainCarContinuous-v0`, `Pendulum-v1`) and the four Box2D ones
 * (`LunarLander-v3`, `LunarLanderContinuous-v3`, `BipedalWalker-v3`,
 * `BipedalWalkerHardcore-v3`) in the default registry with Gymnasium's time limits and reward
 * thresholds and `source: "builtin"`. Importing this module (or `envs/mod.ts`) is enough;
 * registering again is a no-op.
 *
 * A Box2D spec's `create` returns a Promise until its engine (planck) is loaded: the first
 * `make` of a Box2D id downloads and loads it; after that `create` is synchronous, so
 * `makeSync` works too. Nothing is loaded for the classic-control environments.
 *
 * @example
 * ```ts
 * import { registerBuiltinEnvs } from "./builtin.ts";
 * import { defaultRegistry } from "./registry.ts";
 * registerBuiltinEnvs();
 * console.assert(defaultRegistry.spec("CartPole-v1").maxEpisodeSteps === 500);
 * ```
 * @module
 */
import { box2dEnvs } from "./box2d/mod.ts";
import { classicEnvs } from "./classic/mod.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

/** Ids of the built-in environments. */
export const BUILTIN_ENV_IDS: readonly string[] = [
  ...classicEnvs.map((e) => e.id),
  ...box2dEnvs.map((e) => e.id),
];

/** Registers the classic-control environments in `registry` (idempotent). */
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
