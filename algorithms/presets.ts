/**
 * Tuned hyper-parameters per algorithm and environment (the way rl-baselines3-zoo keeps
 * them), plus named presets such as PPO's `cleanrl` (exactly CleanRL `ppo.py`'s defaults).
 *
 * Resolution order of {@link resolveConfig}: the schema's defaults, then the preset (by
 * default the environment's tuned one when there is one), then the overrides; the result is
 * validated. What each preset reached is noted beside it and in BENCHMARKS.md; where an
 * algorithm has no preset for an environment, its defaults apply (and `train` says so).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveConfig } from "./presets.ts";
 * const cfg = resolveConfig("ppo", "CartPole-v1", "cleanrl", { seed: 3 });
 * assert.ok(cfg.numSteps === 128 && cfg.learningRate === 2.5e-4 && cfg.seed === 3);
 * ```
 * @module
 */
import { ConfigError } from "./config.ts";
import { type AlgorithmName, assertAlgorithm, type ConfigOf, parseConfig } from "./table.ts";

/** A partial configuration (no `env`: the environment is given separately). */
export type PresetValues = Record<string, unknown>;

/** Presets of one algorithm, by name (an environment id or a named preset). */
export type AlgorithmPresets = Record<string, PresetValues>;

/** CleanRL `ppo.py` defaults (discrete action spaces, classic control). */
const CLEANRL_PPO: PresetValues = {
  numEnvs: 4,
  numSteps: 128,
  learningRate: 2.5e-4,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: 4,
  updateEpochs: 4,
  normalizeAdvantages: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  hiddenSizes: [64, 64],
  activation: "tanh",
  adamEps: 1e-5,
  normalizeObservation: false,
  normalizeReward: false,
};

/** CleanRL `ppo_continuous_action.py` defaults (MuJoCo settings): `ppo.py`'s, except these. */
const CLEANRL_PPO_CONTINUOUS: PresetValues = {
  ...CLEANRL_PPO,
  numEnvs: 1,
  numSteps: 2048,
  learningRate: 3e-4,
  numMinibatches: 32,
  updateEpochs: 10,
  entCoef: 0,
  normalizeObservation: true,
  normalizeReward: true,
};

/** PPO on LunarLander(Continuous)-v3: 16 copies, batch-64 minibatches, γ 0.999. */
const LUNAR_LANDER_PPO: PresetValues = {
  numEnvs: 16,
  numSteps: 1024,
  numMinibatches: 256,
  updateEpochs: 4,
  gamma: 0.999,
  gaeLambda: 0.98,
  entCoef: 0.01,
  learningRate: 3e-4,
  annealLr: false,
  clipCoef: 0.2,
};

/**
 * TRPO on the MuJoCo locomotion tasks: rl-baselines3-zoo's settings (`normalize`, 2 copies
 * × 1024 steps, γ 0.99, λ 0.95, 25 CG steps, damping 0.1, 20 critic epochs of batch-128
 * minibatches at 1e-3, δ 0.01) in our names.
 */
const ZOO_TRPO_MUJOCO: PresetValues = {
  numEnvs: 2,
  numSteps: 1024,
  gamma: 0.99,
  gaeLambda: 0.95,
  cgIters: 25,
  damping: 0.1,
  vfIters: 20,
  vfMinibatches: 16,
  vfLearningRate: 1e-3,
  maxKl: 0.01,
  normalizeObservation: true,
  normalizeReward: true,
};

/** The MuJoCo v5 task ids (presets are data: the ids are listed, not imported from envs). */
const MUJOCO_IDS = [
  "InvertedPendulum-v5",
  "InvertedDoublePendulum-v5",
  "Reacher-v5",
  "Hopper-v5",
  "HalfCheetah-v5",
  "Walker2d-v5",
  "Ant-v5",
];

/**
 * All presets, keyed by the algorithm table's names: `presets[algo][name]`. Environment-id
 * names are the tuned defaults.
 */
export const presets: Record<AlgorithmName, AlgorithmPresets> = {
  "reinforce": {
    "CartPole-v1": { numEnvs: 1, episodesPerUpdate: 4, learningRate: 1e-3, gamma: 0.99 },
  },
  "reinforce-baseline": {
    "CartPole-v1": {
      numEnvs: 1,
      episodesPerUpdate: 4,
      learningRate: 1e-3,
      vfLearningRate: 1e-3,
      vfIters: 5,
    },
  },
  "a2c": {
    "CartPole-v1": { numEnvs: 8, numSteps: 5, learningRate: 7e-4, entCoef: 0 },
  },
  "vpg": {
    "CartPole-v1": { numEnvs: 4, numSteps: 500, learningRate: 5e-3, vfIters: 20 },
  },
  "trpo": {
    "CartPole-v1": { numEnvs: 4, numSteps: 1024, gamma: 0.995, gaeLambda: 0.97, vfIters: 20 },
    "InvertedPendulum-v5": {}, // the defaults: 1000 at 100k steps (seed 1)
    "Hopper-v5": ZOO_TRPO_MUJOCO,
    "Walker2d-v5": ZOO_TRPO_MUJOCO,
    "Ant-v5": ZOO_TRPO_MUJOCO,
    "HalfCheetah-v5": { ...ZOO_TRPO_MUJOCO, maxKl: 0.04 }, // the zoo's target_kl 0.04
    "Pendulum-v1": {
      numEnvs: 4,
      numSteps: 1024,
      gamma: 0.95,
      gaeLambda: 0.9,
      vfLearningRate: 3e-3,
      vfIters: 20,
      vfMinibatches: 8,
      maxKl: 0.015,
      logStdInit: -0.5,
    },
  },
  "ppo-kl": {
    "CartPole-v1": { numEnvs: 8, numSteps: 64, updateEpochs: 10, learningRate: 1e-3 },
    "Pendulum-v1": {
      numEnvs: 4,
      numSteps: 1024,
      gamma: 0.95,
      gaeLambda: 0.95,
      learningRate: 1e-3,
      updateEpochs: 10,
      numMinibatches: 32,
      logStdInit: -0.5,
    },
  },
  "ppo": {
    "cleanrl": CLEANRL_PPO,
    "cleanrl-continuous": CLEANRL_PPO_CONTINUOUS,
    "CartPole-v1": {
      numEnvs: 8,
      numSteps: 32,
      learningRate: 2e-3,
      annealLr: true,
      gamma: 0.98,
      gaeLambda: 0.8,
      updateEpochs: 4,
      numMinibatches: 2,
      entCoef: 0,
    },
    "Acrobot-v1": {
      numEnvs: 8,
      numSteps: 64,
      learningRate: 2.5e-3,
      gaeLambda: 0.94,
      updateEpochs: 4,
      numMinibatches: 2,
      normalizeObservation: true,
      entCoef: 0,
    },
    "MountainCar-v0": {
      numEnvs: 16,
      numSteps: 16,
      learningRate: 1e-3,
      gaeLambda: 0.98,
      updateEpochs: 4,
      numMinibatches: 1,
      normalizeObservation: true,
      entCoef: 0,
    },
    "Pendulum-v1": {
      numEnvs: 4,
      numSteps: 1024,
      gamma: 0.98,
      gaeLambda: 0.95,
      learningRate: 2e-3,
      annealLr: true,
      updateEpochs: 10,
      numMinibatches: 16,
      entCoef: 0,
      clipVloss: false,
      normalizeReward: true,
    },
    "MountainCarContinuous-v0": {
      numEnvs: 4,
      numSteps: 1024,
      gamma: 0.99,
      gaeLambda: 0.95,
      learningRate: 3e-4,
      annealLr: false,
      updateEpochs: 10,
      numMinibatches: 16,
      entCoef: 0,
      normalizeObservation: true,
      logStdInit: 0,
    },
    // Box2D (measured at 1M steps: LunarLander 205 and 228 on seeds 1 and 2, the
    // continuous lander 228 on seed 1; BipedalWalker 291 at 1M, short of 300).
    "LunarLander-v3": LUNAR_LANDER_PPO,
    "LunarLanderContinuous-v3": LUNAR_LANDER_PPO,
    "BipedalWalker-v3": {
      numEnvs: 16,
      numSteps: 2048,
      numMinibatches: 512,
      updateEpochs: 10,
      gamma: 0.999,
      gaeLambda: 0.95,
      entCoef: 0.001,
      learningRate: 2.5e-4,
      normalizeObservation: true,
      normalizeReward: true,
    },
    // MuJoCo: CleanRL's continuous-control settings (InvertedPendulum 1000 at 100k,
    // InvertedDoublePendulum 9330 at 200k on seed 1; the locomotion tasks need ~1M).
    ...Object.fromEntries(MUJOCO_IDS.map((id) => [id, CLEANRL_PPO_CONTINUOUS])),
  },
};

/**
 * Training lengths (environment steps) the tuned presets were measured with: the
 * `train` command's default `--steps` for that algorithm and environment.
 */
export const presetTimesteps: Record<AlgorithmName, Record<string, number>> = {
  "reinforce": { "CartPole-v1": 300_000 },
  "reinforce-baseline": { "CartPole-v1": 200_000 },
  "a2c": { "CartPole-v1": 200_000 },
  "vpg": { "CartPole-v1": 200_000 },
  "trpo": {
    "CartPole-v1": 200_000,
    "Pendulum-v1": 200_000,
    "InvertedPendulum-v5": 100_000,
    "Hopper-v5": 1_000_000,
    "Walker2d-v5": 1_000_000,
    "Ant-v5": 1_000_000,
    "HalfCheetah-v5": 1_000_000,
  },
  "ppo-kl": { "CartPole-v1": 100_000, "Pendulum-v1": 200_000 },
  "ppo": {
    "cleanrl": 500_000,
    "cleanrl-continuous": 1_000_000,
    "CartPole-v1": 100_000,
    "Acrobot-v1": 100_000,
    "MountainCar-v0": 300_000,
    "Pendulum-v1": 200_000,
    "MountainCarContinuous-v0": 100_000,
    "LunarLander-v3": 1_000_000,
    "LunarLanderContinuous-v3": 1_000_000,
    "BipedalWalker-v3": 1_000_000,
    ...Object.fromEntries(MUJOCO_IDS.map((id) => [id, 1_000_000])),
    "InvertedPendulum-v5": 100_000,
    "InvertedDoublePendulum-v5": 200_000,
  },
};

/**
 * The recommended training length for `algo` on `envId` with `presetName` (the named
 * preset's, else the environment's, else 100 000).
 */
export function recommendedTimesteps(
  algo: AlgorithmName,
  envId: string,
  presetName?: string,
): number {
  const t = presetTimesteps[algo] ?? {};
  return (presetName !== undefined ? t[presetName] : undefined) ?? t[envId] ?? 100_000;
}

/**
 * The name of the preset {@link resolveConfig} applies for `presetName` on `envId`: the
 * named one, the environment's tuned one, or `"default"` (the algorithm's defaults).
 */
export function presetUsed(algo: AlgorithmName, envId: string, presetName?: string): string {
  if (presetName !== undefined) return presetName === "none" ? "default" : presetName;
  return presets[algo][envId] !== undefined ? envId : "default";
}

/** The preset names available for `algo` (environment ids and named presets). */
export function presetNames(algo: AlgorithmName): string[] {
  return Object.keys(presets[algo]);
}

/**
 * The validated configuration of `algo` on `envId`: defaults ← preset ← overrides.
 *
 * @param presetName a preset of `algo` (for example `"cleanrl"` or an environment id);
 *   `undefined` uses the environment's tuned preset when there is one; `"default"` or
 *   `"none"` uses the bare defaults
 * @param overrides fields that win over the preset (must not change `env`)
 * @throws ConfigError for an unknown preset (listing the known ones) or an invalid field
 */
export function resolveConfig<A extends AlgorithmName>(
  algo: A,
  envId: string,
  presetName?: string,
  overrides: Record<string, unknown> = {},
): ConfigOf[A] {
  assertAlgorithm(algo);
  let preset: PresetValues = {};
  if (presetName === undefined) {
    preset = presets[algo][envId] ?? {};
  } else if (presetName !== "default" && presetName !== "none") {
    const found = presets[algo][presetName];
    if (found === undefined) {
      throw new ConfigError(algo, [{
        path: `${algo}.preset`,
        message: `unknown preset; known: default, ${presetNames(algo).join(", ")}`,
        value: presetName,
      }]);
    }
    preset = found;
  }
  if ("env" in overrides && overrides.env !== envId) {
    throw new ConfigError(algo, [{
      path: `${algo}.env`,
      message: `overrides must not change the environment (${envId})`,
      value: overrides.env,
    }]);
  }
  return parseConfig(algo, { ...preset, ...overrides, env: envId });
}
