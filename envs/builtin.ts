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
 * Registering loads none of the MuJoCo or Box2D modules: the specs come from
 * `mujoco/specs.ts` and `box2d/specs.ts`, and the first `make` of such an id imports its
 * family's modules (and the engine). A Box2D spec's `create` returns a Promise until then
 * (the first `make` downloads and loads planck); after that it is synchronous, so
 * `makeSync` works too. A MuJoCo spec's `create` imports MuJoCo (a one-time download of
 * `npm:@mujoco/mujoco@3.12.0`) the first time one is made, so `make` (not `makeSync`)
 * builds them; its `simulator` names the MuJoCo release. Nothing is loaded for the
 * classic-control environments.
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
import { box2dSpecs } from "./box2d/specs.ts";
import { classicEnvs } from "./classic/mod.ts";
import { MUJOCO_SPECIFIER, MUJOCO_VERSION } from "./mujoco/deps.ts";
import { MUJOCO_ENV_IDS, mujocoSpecs } from "./mujoco/specs.ts";
import { defaultRegistry, type EnvSpec, type Registry } from "./registry.ts";
import type { Env } from "./types.ts";

/** Ids of the built-in environments: classic control, then MuJoCo, then Box2D. */
export const BUILTIN_ENV_IDS: readonly string[] = [
  ...classicEnvs.map((e) => e.id),
  ...MUJOCO_ENV_IDS,
  ...box2dSpecs.map((e) => e.id),
];

/** Ids of the classic-control environments (synchronous, with the vector fast path). */
export const CLASSIC_ENV_IDS: readonly string[] = classicEnvs.map((e) => e.id);

export { MUJOCO_ENV_IDS };

/** The Box2D modules, once the first Box2D environment has been made. */
let box2d: typeof import("./box2d/mod.ts") | null = null;

/** Every built-in environment as a registry spec (Gymnasium's limits and thresholds). */
function builtinSpecs(): EnvSpec[] {
  type Entry = { id: string; maxEpisodeSteps?: number; rewardThreshold?: number };
  const common = (e: Entry & { description?: string }) => ({
    id: e.id,
    maxEpisodeSteps: e.maxEpisodeSteps,
    rewardThreshold: e.rewardThreshold,
    description: e.description,
    source: "builtin",
  });
  const mujoco = { name: "MuJoCo", version: MUJOCO_VERSION, package: MUJOCO_SPECIFIER };
  return [
    ...classicEnvs.map((e): EnvSpec => ({ ...common(e), create: (o) => e.create(o) })),
    ...mujocoSpecs.map((e): EnvSpec => ({
      ...common(e),
      create: async (o) => {
        const { mujocoEnvs } = await import("./mujoco/mod.ts");
        return await mujocoEnvs.find((m) => m.id === e.id)!.create(o);
      },
      simulator: mujoco,
    })),
    // A Box2D env is made synchronously once its modules and planck are loaded (so makeSync
    // works then).
    ...box2dSpecs.map((e): EnvSpec => ({
      ...common(e),
      create: (o) => {
        if (box2d !== null) {
          const b = box2d.box2dEnvs.find((m) => m.id === e.id)!;
          return b.createSync(o) ?? b.create(o);
        }
        return import("./box2d/mod.ts").then((module): Promise<Env> => {
          box2d = module;
          return module.box2dEnvs.find((m) => m.id === e.id)!.create(o);
        });
      },
      defaults: e.defaults,
    })),
  ];
}

/** Registers the classic-control, MuJoCo and Box2D environments in `registry` (idempotent). */
export function registerBuiltinEnvs(registry: Registry = defaultRegistry): void {
  for (const spec of builtinSpecs()) {
    if (!registry.has(spec.id)) registry.register(spec);
  }
}

registerBuiltinEnvs();
