/**
 * Registers the five classic-control environments (`CartPole-v1`, `Acrobot-v1`,
 * `MountainCar-v0`, `MountainCarContinuous-v0`, `Pendulum-v1`) in the default registry with
 * Gymnasium's time limits and reward thresholds and `source: "builtin"`. Importing this
 * module (or `envs/mod.ts`) is enough; registering again is a no-op.
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
import { classicEnvs } from "./classic/mod.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

/** Ids of the built-in environments. */
export const BUILTIN_ENV_IDS: readonly string[] = classicEnvs.map((e) => e.id);

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
}

registerBuiltinEnvs();
