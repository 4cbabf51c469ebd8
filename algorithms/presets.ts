/**
 * Tuned hyper-parameters per algorithm and environment (the way rl-baselines3-zoo keeps
 * them), plus named presets such as PPO's `cleanrl` (exactly CleanRL `ppo.py`'s defaults).
 *
 * Resolution order of {@link resolveConfig}: the schema's defaults, then the preset (by
 * default the environment's tuned one when there is one), then the overrides; the result is
 * validated. Every preset below was measured with `bench/learn.ts` (see BENCHMARKS.md).
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
  "trpo": { "CartPole-v1": 200_000, "Pendulum-v1": 200_000 },
  "ppo-kl": { "CartPole-v1": 100_000, "Pendulum-v1": 200_000 },
  "ppo": {
    "cleanrl": 500_000,
    "cleanrl-continuous": 1_000_000,
    "CartPole-v1": 100_000,
    "Acrobot-v1": 100_000,
    "MountainCar-v0": 300_000,
    "Pendulum-v1": 200_000,
    "MountainCarContinuous-v0": 100_000,
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
