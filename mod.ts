/**
 * Ascent: policy-gradient reinforcement learning for Deno, in TypeScript.
 *
 * - Environments with Gymnasium's semantics, the five classic-control tasks, a registry,
 *   wrappers and a vector environment (`envs/`).
 * - The shared seedable generator (`random.ts`).
 *
 * @example
 * ```ts
 * import { make } from "./mod.ts";
 * const env = await make("CartPole-v1", { seed: 1 });
 * const { observation } = await env.reset({ seed: 1 });
 * console.assert(observation.length === 4);
 * ```
 * @module
 */
export * from "./envs/mod.ts";
export { assertSeed, Rng, type RngState } from "./random.ts";
export { VERSION } from "./version.ts";
