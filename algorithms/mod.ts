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
export {
  annealField,
  booleanField,
  type CommonConfig,
  type CommonFields,
  commonFields,
  ConfigError,
  type ConfigInput,
  type ConfigSchema,
  type CriticFields,
  criticFields,
  describeFields,
  type EpochFields,
  epochFields,
  type Field,
  type FieldInfo,
  type Fields,
  type FieldsConfig,
  normalizeAdvantagesField,
  numEnvsField,
  type OptimizerFields,
  optimizerFields,
  parseWithSchema,
  type PolicyLossFields,
  policyLossFields,
  type RolloutConfig,
  type RolloutFields,
  rolloutFields,
  type SchemaConfig,
  type SeparateCriticFields,
  separateCriticFields,
  type SharedAdamFields,
  sharedAdamFields,
  valueCoefField,
} from "./config.ts";
export * from "./table.ts";
export * from "./presets.ts";
export * from "./metrics.ts";
export * from "./callbacks.ts";
export * from "./eval_callback.ts";
export { Agent, type LearnOptions, type PredictOptions, type UpdateStats } from "./agent.ts";
export { agentCheckpointPath, CHECKPOINT_FILE } from "./agent_checkpoint.ts";
export { CUSTOM_ENV_ID, type EnvFactory, type EnvSource } from "./env_source.ts";
export { NonFiniteError } from "./finite.ts";
export { collectRollout, RolloutBuffer, type RolloutContext, RolloutScratch } from "./rollout.ts";
export * from "./losses.ts";
export {
  type Minibatch,
  OnPolicyAgent,
  type OnPolicyConfig,
  SharedAdamAgent,
  type SharedAdamConfig,
} from "./on_policy.ts";
export {
  REINFORCE,
  reinforceBaselineSchema,
  type ReinforceConfig,
  reinforceSchema,
} from "./reinforce.ts";
export { A2C, type A2CConfig, type A2CFields, a2cSchema } from "./a2c.ts";
export { VPG, type VPGConfig, vpgSchema } from "./vpg.ts";
export { TRPO, type TRPOConfig, trpoSchema } from "./trpo.ts";
export { adaptKlCoef, PPOKL, type PPOKLConfig, ppoKlSchema } from "./ppo_kl.ts";
export { PPO, type PPOConfig, ppoSchema } from "./ppo.ts";
export { evaluate, type EvaluateOptions, type EvaluateResult, type Predictor } from "./evaluate.ts";
