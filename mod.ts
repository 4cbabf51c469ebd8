/**
 * Ascent: policy-gradient reinforcement learning for Deno, in TypeScript.
 *
 * The root export holds what a user of the toolkit needs: the seven algorithms and their
 * configuration, environments (`make`, `register`, spaces, wrappers, `VectorEnv`),
 * `evaluate`, ONNX export, loading trained agents and plugins, and the error classes.
 * Everything else sits behind subpath exports, one per folder, each that folder's
 * `mod.ts`:
 *
 * | subpath                     | holds                                                                |
 * | --------------------------- | -------------------------------------------------------------------- |
 * | `@ascent/ascent/envs`       | the environment layer: checker, registry, classic tasks, normalisers |
 * | `@ascent/ascent/algorithms` | advantages, losses, rollouts, presets, callbacks, metrics            |
 * | `@ascent/ascent/policies`   | actor-critic networks, policy specs, checkpoints, the ONNX exporter  |
 * | `@ascent/ascent/nn`         | tensors, autodiff, layers, optimisers, distributions, kernels        |
 * | `@ascent/ascent/plugins`    | plugin manifests, sources, guards, the sandbox, Worker vector envs   |
 * | `@ascent/ascent/tabular`    | finite MDPs with exact solvers                                       |
 * | `@ascent/ascent/onnx`       | the ONNX codec and `OnnxPolicy` (ONNX Runtime, loaded on first use)  |
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { make } from "./mod.ts";
 * const env = await make("CartPole-v1", { seed: 1 });
 * const { observation } = await env.reset({ seed: 1 });
 * assert.equal(observation.length, 4);
 * ```
 * @module
 */

// Algorithms, their configuration and evaluation.
export {
  A2C,
  type A2CConfig,
  Agent,
  type AlgorithmName,
  ALGORITHMS,
  type AnyAgent,
  type Callbacks,
  type CommonConfig,
  ConfigError,
  type ConfigInput,
  type ConfigOf,
  createAgent,
  evaluate,
  type EvaluateOptions,
  type EvaluateResult,
  type LearnOptions,
  loadAgent,
  NonFiniteError,
  parseConfig,
  PPO,
  type PPOConfig,
  PPOKL,
  type PPOKLConfig,
  type PredictOptions,
  type Predictor,
  presetNames,
  recommendedTimesteps,
  REINFORCE,
  type ReinforceConfig,
  resolveConfig,
  TRPO,
  type TRPOConfig,
  type UpdateMetrics,
  VPG,
  type VPGConfig,
} from "./algorithms/mod.ts";

// Environments: the interface, spaces, registry, wrappers and the vector environment.
export {
  type Action,
  type BoxSpace,
  checkEnv,
  ClipAction,
  contains,
  type DiscreteSpace,
  type Env,
  EnvError,
  type EnvSpec,
  flatDim,
  type Info,
  listEnvs,
  make,
  type MakeOptions,
  makeVectorEnv,
  type MakeVectorEnvOptions,
  type MaybePromise,
  type MultiDiscreteSpace,
  NormalizeObservation,
  NormalizeReward,
  type Observation,
  parseSpace,
  RecordEpisodeStatistics,
  register,
  type ResetOptions,
  type ResetResult,
  sample,
  type Space,
  spec,
  type StatefulEnv,
  type StepResult,
  TimeLimit,
  unregister,
  VectorEnv,
  type VectorEnvOptions,
  type VectorStepResult,
  Wrapper,
} from "./envs/mod.ts";

// Policies: ONNX export and checkpoints.
export {
  CheckpointError,
  exportOnnx,
  type ExportOptions,
  type PolicySource,
  type PolicySpec,
} from "./policies/mod.ts";

// Plugins: third-party environments from a path or URL.
export {
  definePlugin,
  type LoadedPlugin,
  loadPlugin,
  type LoadPluginOptions,
  loadPlugins,
  type PluginEnvDefinition,
  PluginError,
  type PluginLoadReport,
  type PluginManifest,
  type PluginSpec,
} from "./plugins/mod.ts";

export { Rng, type RngState } from "./random.ts";
export { VERSION } from "./version.ts";
