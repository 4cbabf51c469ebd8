/**
 * The seven policy-gradient algorithms and their shared machinery: configuration and
 * presets, rollouts and advantages, the training loop with callbacks, metrics, checkpoints
 * and evaluation.
 *
 * @example
 * ```ts ignore
 * import { evaluate, PPO } from "./mod.ts";
 * const agent = new PPO({ env: "CartPole-v1", seed: 1 });
 * await agent.learn({ totalTimesteps: 50_000 });
 * console.log(await evaluate(agent, "CartPole-v1", { episodes: 10 }));
 * ```
 * @module
 */
export * from "./advantages.ts";
export * from "./config.ts";
export * from "./presets.ts";
export * from "./metrics.ts";
export * from "./callbacks.ts";
export * from "./eval_callback.ts";
export {
  Agent,
  CHECKPOINT_FILE,
  type LearnOptions,
  NonFiniteError,
  type PredictOptions,
  type UpdateStats,
} from "./agent.ts";
export { EnvRunner, type EnvRunnerOptions, type EnvRunnerState } from "./env_runner.ts";
export { collectRollout, RolloutBuffer, type RolloutContext, RolloutScratch } from "./rollout.ts";
export * from "./losses.ts";
export { type Minibatch, OnPolicyAgent, type OnPolicyConfig } from "./on_policy.ts";
export { REINFORCE } from "./reinforce.ts";
export { A2C } from "./a2c.ts";
export { VPG } from "./vpg.ts";
export { conjugateGradient, TRPO } from "./trpo.ts";
export { adaptKlCoef, PPOKL } from "./ppo_kl.ts";
export { PPO } from "./ppo.ts";
export { type AnyAgent, createAgent, loadAgent } from "./factory.ts";
export { evaluate, type EvaluateOptions, type EvaluateResult, type Predictor } from "./evaluate.ts";
