/**
 * Ascent: policy-gradient reinforcement learning for Deno, in TypeScript.
 *
 * - `envs/`: spaces, the environment interface with Gymnasium's semantics, the five
 *   classic-control tasks, the registry, wrappers and the vector environment.
 * - `algorithms/`: REINFORCE (with and without a baseline), A2C, VPG, TRPO, PPO with an
 *   adaptive KL penalty, PPO-clip; presets; `evaluate`.
 * - `policies/`: actor-critic networks, checkpoints, ONNX export (`exportOnnx`; the ONNX
 *   Runtime lives behind the separate `onnx.ts` entry point).
 * - `plugins/`: third-party environments from a path or URL, optionally sandboxed.
 * - `nn`: the numeric core (tensors, autodiff, layers, optimisers, distributions), as a
 *   namespace; `tabular`: finite MDPs with exact solvers, as a namespace.
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
export * from "./algorithms/mod.ts";
export * from "./policies/mod.ts";
export * from "./plugins/mod.ts";
export * as nn from "./nn/mod.ts";
// The nn types that appear in the signatures above, also at the top level (for the docs).
export {
  type Activation,
  Categorical,
  DiagGaussian,
  type FisherPolicy,
  Linear,
  MLP,
  type Module,
  type Optimizer,
  type OptimizerState,
  Parameter,
  Tensor,
} from "./nn/mod.ts";
export * as tabular from "./envs/tabular/mod.ts";
export { assertSeed, Rng, type RngState } from "./random.ts";
export { VERSION } from "./version.ts";
