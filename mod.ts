/**
 * Ascent: policy-gradient reinforcement learning for Deno, in TypeScript.
 *
 * The root export holds what a user of the toolkit needs: the seven algorithms and their
 * configuration, environments (`make`, `register`, spaces, wrappers, `VectorEnv`),
 * `evaluate`, ONNX export, loading trained agents and plugins, and the error classes.
 * Everything else sits behind subpath exports of `@ascent/ascent`, one per folder, each
 * that folder's `mod.ts`:
 *
 * | subpath        | holds                                                         |
 * | -------------- | ------------------------------------------------------------- |
 * | `…/envs`       | checker, registry, classic tasks, normalisers, env types      |
 * | `…/algorithms` | advantages, losses, rollouts, presets, callbacks, metrics     |
 * | `…/policies`   | actor-critic networks, policy specs, checkpoints, ONNX export |
 * | `…/nn`         | tensors, autodiff, layers, optimisers, distributions          |
 * | `…/plugins`    | manifests, sources, guards, the sandbox, Worker vector envs   |
 * | `…/tabular`    | finite MDPs with exact solvers                                |
 * | `…/onnx`       | the ONNX codec and `OnnxPolicy` (ONNX Runtime on first use)   |
 *
 * @example Make and step an environment
 * ```ts
 * import assert from "node:assert/strict";
 * import { make } from "./mod.ts";
 * const env = await make("CartPole-v1", { seed: 1 });
 * const { observation } = await env.reset({ seed: 1 });
 * assert.equal(observation.length, 4);
 * ```
 *
 * @example Train, evaluate, save, load and export an agent (a tiny budget)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Agent, evaluate, exportOnnx, loadAgent, PPO } from "./mod.ts";
 *
 * const agent = new PPO({
 *   env: "CartPole-v1",
 *   seed: 1,
 *   numEnvs: 2,
 *   numSteps: 64,
 *   hiddenSizes: [16],
 * });
 * await agent.learn({ totalTimesteps: 256 });
 * assert.ok(agent instanceof Agent);
 * assert.equal(agent.timesteps, 256);
 * const { returns } = await evaluate(agent, "CartPole-v1", { episodes: 2 });
 * assert.equal(returns.length, 2);
 *
 * const dir = await Deno.makeTempDir();
 * await agent.save(dir);
 * const back = await loadAgent(dir);
 * assert.equal(back.algo, "ppo");
 * assert.deepEqual(back.predict([0.01, 0, 0, 0]), agent.predict([0.01, 0, 0, 0]));
 * assert.ok((await exportOnnx(back, null)).length > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example The other algorithms share the interface (`createAgent` picks one by name)
 * ```ts
 * import assert from "node:assert/strict";
 * import { A2C, createAgent, PPOKL, REINFORCE, TRPO, VPG } from "./mod.ts";
 *
 * const small = { env: "CartPole-v1", seed: 1, hiddenSizes: [8] };
 * const agents = [
 *   new REINFORCE({ ...small, episodesPerUpdate: 2 }),
 *   new A2C({ ...small, numEnvs: 2, numSteps: 8 }),
 *   new VPG({ ...small, numEnvs: 1, numSteps: 64, vfIters: 2 }),
 *   new TRPO({ ...small, numEnvs: 1, numSteps: 64, vfIters: 2 }),
 *   new PPOKL({ ...small, numEnvs: 1, numSteps: 64, updateEpochs: 1, numMinibatches: 1 }),
 *   createAgent("reinforce-baseline", { ...small, episodesPerUpdate: 2, vfIters: 1 }),
 * ];
 * for (const agent of agents) {
 *   await agent.learn({ totalTimesteps: 128 });
 *   assert.ok(agent.timesteps >= 128, agent.algo);
 *   assert.ok(agent.updates >= 1, agent.algo);
 * }
 * ```
 *
 * @example Configurations: presets, validation, and the NaN/∞ guard
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   A2C,
 *   ConfigError,
 *   NonFiniteError,
 *   parseConfig,
 *   presetNames,
 *   recommendedTimesteps,
 *   resolveConfig,
 * } from "./mod.ts";
 *
 * const ppo = resolveConfig("ppo", "CartPole-v1", "cleanrl", { seed: 7 });
 * assert.equal(ppo.seed, 7);
 * assert.equal(ppo.numSteps, 128);
 * assert.ok(presetNames("ppo").includes("cleanrl"));
 * assert.equal(recommendedTimesteps("ppo", "CartPole-v1"), 35_000);
 * assert.equal(parseConfig("a2c", { env: "CartPole-v1" }).numSteps, 5);
 * assert.throws(() => parseConfig("ppo", { env: "CartPole-v1", learningRate: -1 }), ConfigError);
 *
 * const agent = new A2C({ env: "CartPole-v1", seed: 1, numEnvs: 1, numSteps: 8 });
 * const poison = () => void (agent.policy.actor.layers[0].weight.data[0] = NaN);
 * await assert.rejects(
 *   agent.learn({ totalTimesteps: 64, callbacks: { onRolloutEnd: poison } }),
 *   NonFiniteError,
 * );
 * ```
 *
 * @example A vector environment (same-step autoreset, reused buffers)
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeVectorEnv, VectorEnv } from "./mod.ts";
 *
 * const venv = await makeVectorEnv("CartPole-v1", 4, { seed: 0 });
 * assert.ok(venv instanceof VectorEnv);
 * const observations = await venv.reset(0);
 * assert.equal(observations.length, 4 * 4);
 * const { rewards, terminated } = await venv.step(new Int32Array([0, 1, 0, 1]));
 * assert.deepEqual([...rewards], [1, 1, 1, 1]);
 * assert.equal(terminated.length, 4);
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
  type MultiBinarySpace,
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
