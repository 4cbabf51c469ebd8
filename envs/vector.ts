/**
 * Vector environments of registered ids: {@link makeVectorEnv} makes `N` copies of an id
 * and wraps them in a `VectorEnv` (`vector_env.ts`, re-exported here).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeVectorEnv } from "./vector.ts";
 * import "./builtin.ts";
 * const vec = await makeVectorEnv("CartPole-v1", 2, { seedStreams: true });
 * assert.equal((await vec.reset(0)).length, 8);
 * ```
 * @module
 */
import { defaultRegistry, type MakeOptions, type Registry } from "./registry.ts";
import { VectorEnv, type VectorEnvOptions } from "./vector_env.ts";

export * from "./vector_env.ts";

/** Options of {@link makeVectorEnv}: `make` options plus the vector-level ones. */
export interface MakeVectorEnvOptions extends MakeOptions, Omit<VectorEnvOptions, "id"> {
  /** The registry to make from (default: the default registry). */
  registry?: Registry;
}

/**
 * Makes `numEnvs` copies of `id` (copy `i` seeded with `seed + i` when `seed` is given)
 * and wraps them in a {@link VectorEnv}.
 */
export async function makeVectorEnv(
  id: string,
  numEnvs: number,
  opts: MakeVectorEnvOptions = {},
): Promise<VectorEnv> {
  const {
    normalizeObservation,
    normalizeReward,
    seedStreams,
    registry = defaultRegistry,
    seed,
    ...makeOpts
  } = opts;
  return await VectorEnv.create(
    (i) => registry.make(id, { ...makeOpts, seed: seed === undefined ? undefined : seed + i }),
    numEnvs,
    { id, normalizeObservation, normalizeReward, seedStreams },
  );
}
