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

/**
 * PPO on HalfCheetah: rl-baselines3-zoo's tuned ppo.yml entry for HalfCheetah-v3 (one copy ×
 * 512 steps, minibatches of 64, 20 epochs at lr 2.0633e-5, ε 0.1, γ 0.98, λ 0.92, 256-wide
 * ReLU actor and critic, log σ −2, observations and rewards normalised, no value clipping).
 */
const ZOO_PPO_HALF_CHEETAH: PresetValues = {
  numEnvs: 1,
  numSteps: 512,
  numMinibatches: 8,
  updateEpochs: 20,
  gamma: 0.98,
  gaeLambda: 0.92,
  learningRate: 2.0633e-5,
  annealLr: false,
  entCoef: 0.000401762,
  clipCoef: 0.1,
  clipVloss: false,
  maxGradNorm: 0.8,
  vfCoef: 0.58096,
  logStdInit: -2,
  activation: "relu",
  hiddenSizes: [256, 256],
  normalizeObservation: true,
  normalizeReward: true,
};

/**
 * PPO on Walker2d: rl-baselines3-zoo's tuned ppo.yml entry for Walker2d-v3 (one copy × 512
 * steps, minibatches of 32, 20 epochs at lr 5.05041e-5, ε 0.1, λ 0.95, 64-wide tanh
 * networks, observations and rewards normalised, no value clipping).
 */
const ZOO_PPO_WALKER2D: PresetValues = {
  numEnvs: 1,
  numSteps: 512,
  numMinibatches: 16,
  updateEpochs: 20,
  gamma: 0.99,
  gaeLambda: 0.95,
  learningRate: 5.05041e-5,
  annealLr: false,
  entCoef: 0.000585045,
  clipCoef: 0.1,
  clipVloss: false,
  maxGradNorm: 1,
  vfCoef: 0.871923,
  normalizeObservation: true,
  normalizeReward: true,
};

/** PPO (and PPO-KL) on Acrobot-v1: 8 copies × 64 steps, observations normalised. */
const ACROBOT_PPO: PresetValues = {
  numEnvs: 8,
  numSteps: 64,
  learningRate: 2.5e-3,
  gaeLambda: 0.94,
  updateEpochs: 4,
  numMinibatches: 2,
  normalizeObservation: true,
  entCoef: 0,
};

/**
 * PPO on LunarLander(Continuous)-v3: the zoo's 16 copies, batch-64 minibatches, γ 0.999;
 * the value loss unclipped (SB3's `clip_range_vf` None).
 */
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
  clipVloss: false,
};

/**
 * SB3-contrib TRPO's defaults in Ascent's names (rl-baselines3-zoo's trpo.yml starts from
 * them): critic minibatches of 128 (`vfMinibatches` = numEnvs·numSteps/128), 10 critic
 * epochs, 15 CG steps, λ 0.95, and the zoo's `normalize: true` (observations and rewards).
 */
const ZOO_TRPO: PresetValues = {
  numEnvs: 2,
  numSteps: 1024,
  gaeLambda: 0.95,
  vfMinibatches: 16,
  vfIters: 10,
  cgIters: 15,
  normalizeObservation: true,
  normalizeReward: true,
};

/**
 * REINFORCE on MountainCarContinuous-v0: normalised observations and returns, and a wide
 * initial policy (log σ 0.5) that reaches the flag by chance in the first episodes.
 */
const REINFORCE_MOUNTAIN_CAR_CONTINUOUS: PresetValues = {
  numEnvs: 1,
  episodesPerUpdate: 4,
  learningRate: 1e-3,
  normalizeObservation: true,
  normalizeAdvantages: true,
  logStdInit: 0.5,
};

/**
 * REINFORCE on MountainCar-v0's sparse reward: 4 copies, 8 episodes per update, an entropy
 * bonus, normalised observations and returns.
 */
const REINFORCE_MOUNTAIN_CAR: PresetValues = {
  numEnvs: 4,
  episodesPerUpdate: 8,
  learningRate: 1e-3,
  entCoef: 0.01,
  normalizeObservation: true,
  normalizeAdvantages: true,
};

/** VPG's CartPole-v1 settings with observations normalised. */
const VPG_NORMALIZED: PresetValues = {
  numEnvs: 4,
  numSteps: 500,
  learningRate: 5e-3,
  vfIters: 20,
  normalizeObservation: true,
};

/**
 * TRPO on the MuJoCo locomotion tasks: rl-baselines3-zoo's settings (the defaults above with
 * γ 0.99, 25 CG steps, damping 0.1, 20 critic epochs at 1e-3, δ 0.01) in our names.
 */
const ZOO_TRPO_MUJOCO: PresetValues = {
  ...ZOO_TRPO,
  gamma: 0.99,
  cgIters: 25,
  damping: 0.1,
  vfIters: 20,
  vfLearningRate: 1e-3,
  maxKl: 0.01,
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
    // observations and returns normalised, a wide initial policy (log σ 0.5): 92.5 / 92.3 /
    // 92.5 at 300k
    "MountainCarContinuous-v0": REINFORCE_MOUNTAIN_CAR_CONTINUOUS,
    // 8 episodes per update at 3e-3, an entropy bonus 0.01, observations and returns
    // normalised: −85.8 / −84.4 / −80.0 at 300k (seeds 4, 5: −398.8 / −84.1; at 1e-3 without
    // the bonus −95.8 / −500 / −131.3; 16 episodes per update: a seed of three stays at −500)
    "Acrobot-v1": {
      numEnvs: 1,
      episodesPerUpdate: 8,
      learningRate: 3e-3,
      entCoef: 0.01,
      normalizeObservation: true,
      normalizeAdvantages: true,
    },
    // the sparse reward: −160.8 / −200 / −200 at 1M (the training episodes stay at −200; an
    // entropy bonus 0.05, lr 3e-3, 16 copies × 16 episodes or γ 0.999: no better; lr 5e-3:
    // −116.8 / −200 / −200, with γ 0.9 or 0.95 −200 on all three; lr 1e-2 without the bonus
    // −200 / −200 / −117.8; 16 episodes per update at 5e-3 −200 on all three)
    "MountainCar-v0": REINFORCE_MOUNTAIN_CAR,
    // γ 0.95, 8 episodes per update: −1150.8 / −1183.9 / −1274.0 at 500k, does not learn
    // (on seed 1 at 1M with γ 0.9: 4 copies −1173.8, 8 copies × 16 episodes −1140.2, 16
    // episodes at 3e-3 −1159.8; VPG's settings without the critic −1074.9 at 2M; 8 copies ×
    // 128 episodes at 1e-3 −1052.0 at 5M; γ 0.99, 16 copies × 16 episodes, annealed from
    // 1e-3: −941.5 at 10M, −840.7 at 30M: it creeps, far from −200)
    "Pendulum-v1": {
      numEnvs: 1,
      episodesPerUpdate: 8,
      gamma: 0.95,
      learningRate: 1e-3,
      normalizeObservation: true,
      normalizeAdvantages: true,
      logStdInit: -0.5,
    },
  },
  "reinforce-baseline": {
    "CartPole-v1": {
      numEnvs: 1,
      episodesPerUpdate: 4,
      learningRate: 1e-3,
      vfLearningRate: 1e-3,
      vfIters: 5,
    },
    // REINFORCE's, with the baseline: 92.5 / 92.6 / 93.0 at 300k
    "MountainCarContinuous-v0": REINFORCE_MOUNTAIN_CAR_CONTINUOUS,
    // REINFORCE's, with a critic of 20 steps at 3e-3: −84.1 / −96.5 / −91.4 at 300k (seeds
    // 4, 5: −83.8 / −78.8; 4 episodes per update at 1e-3, advantages as they are: −141.5 /
    // −80.5 / −188.2; the default critic: −84.8 / −312.3 / −90.9)
    "Acrobot-v1": {
      numEnvs: 1,
      episodesPerUpdate: 8,
      learningRate: 3e-3,
      vfLearningRate: 3e-3,
      vfIters: 20,
      entCoef: 0.01,
      normalizeObservation: true,
      normalizeAdvantages: true,
    },
    // VPG's MountainCar settings with Monte Carlo returns (a time-limit cut bootstraps from
    // the critic, which plain REINFORCE cannot): 4 copies, 16 episodes per update, the
    // policy at 5e-3, a critic of 20 steps: −106.9 / −110.5 / −108.6 at 2M (at 1M: −109.2
    // / −123.4 / −111.8; 8 episodes per update −130.7 / −117.4 / −119.8, with a critic of 40
    // steps at 3e-3 −114.9 / −118.5 / −108.2; REINFORCE's preset −200 on all three)
    "MountainCar-v0": {
      numEnvs: 4,
      episodesPerUpdate: 16,
      learningRate: 5e-3,
      vfIters: 20,
      normalizeObservation: true,
      normalizeAdvantages: true,
    },
    // VPG's Pendulum settings with Monte Carlo returns: 4 copies, 16 episodes per update,
    // γ 0.95, both rates 3e-3, a critic of 40 steps: −190.8 / −191.0 / −201.4 at 2M (8
    // episodes per update: −203.3 / −207.8 / −203.7, annealed on seeds 1 / 2 −212.0 /
    // −202.6; 4 episodes −339.5 on seed 1; γ 0.9, 4 episodes, the policy at 1e-3, a
    // critic of 20 steps: −666.9 / −652.0 / −601.4 at 1M)
    "Pendulum-v1": {
      numEnvs: 4,
      episodesPerUpdate: 16,
      gamma: 0.95,
      learningRate: 3e-3,
      vfLearningRate: 3e-3,
      vfIters: 40,
      normalizeObservation: true,
      normalizeAdvantages: true,
      logStdInit: -0.5,
    },
  },
  "a2c": {
    "CartPole-v1": { numEnvs: 8, numSteps: 5, learningRate: 7e-4, entCoef: 0 },
    // zoo a2c.yml (n_envs 16, normalize): −80.8 / −83.8 / −77.1 at 500k (zoo −83.4 at 500k)
    "Acrobot-v1": { numEnvs: 16, normalizeObservation: true, normalizeReward: true },
    // zoo's n_envs 16 with observations normalised, λ 0.9 instead of 1 and rewards left as
    // they are (−129 on seed 1 without both): −112.3 / −110.0 / −105.0 at 1M (zoo −111.3)
    "MountainCar-v0": { numEnvs: 16, gaeLambda: 0.9, normalizeObservation: true },
    // zoo a2c.yml (n_envs 4, n_steps 100, normalize; no gSDE here): 93.0 / 93.5 / 93.7 at
    // 100k (zoo 91.2 at 100k)
    "MountainCarContinuous-v0": {
      numEnvs: 4,
      numSteps: 100,
      normalizeObservation: true,
      normalizeReward: true,
    },
    // zoo a2c.yml (n_steps 8, c_vf 0.4, RMSprop, lr annealed, normalize; log σ −0.5, no gSDE)
    // with γ λ 0.95 and ReLU: −186.7 / −198.2 / −194.4 at 1.5M (zoo −163.0 at 1M, with gSDE)
    "Pendulum-v1": {
      numEnvs: 8,
      numSteps: 8,
      gamma: 0.95,
      gaeLambda: 0.95,
      vfCoef: 0.4,
      optimizer: "rmsprop",
      annealLr: true,
      activation: "relu",
      logStdInit: -0.5,
      normalizeObservation: true,
      normalizeReward: true,
    },
    // zoo a2c.yml (n_envs 4, n_steps 8, λ 0.9, c_vf 0.4, RMSprop, advantages as they are,
    // normalize; log σ −0.5 instead of gSDE's −2) with γ 0.999 and a constant lr 3.5e-4
    // instead of γ 0.99 and lin_7e-4: 230.7 / 104.8 / 244.7 at 1M (zoo 204 at 5M; seed 1:
    // the zoo's γ and lr −100.0, constant 7e-4 31.5, 16 copies −38.2; γ 0.999 with 7e-4
    // −7.0, annealed 96.0)
    "LunarLanderContinuous-v3": {
      numEnvs: 4,
      numSteps: 8,
      gamma: 0.999,
      gaeLambda: 0.9,
      vfCoef: 0.4,
      learningRate: 3.5e-4,
      optimizer: "rmsprop",
      logStdInit: -0.5,
      normalizeObservation: true,
      normalizeReward: true,
    },
  },
  "vpg": {
    "CartPole-v1": { numEnvs: 4, numSteps: 500, learningRate: 5e-3, vfIters: 20 },
    // the CartPole preset, observations normalised: −82.0 / −89.2 / −105.3 at 200k
    "Acrobot-v1": VPG_NORMALIZED,
    // the same with λ 0.95: −106.6 / −109.5 / −105.0 at 1M (λ 0.97: −113.0 / −110.1 / −113.4;
    // on seed 1: λ 0.9 or ReLU or 8 copies −200, lr 3e-3 −105.9 but −111.5 on seed 2)
    "MountainCar-v0": { ...VPG_NORMALIZED, gaeLambda: 0.95 },
    // … with rewards normalised and a wider initial policy, log σ 0.5: 93.2 / 93.0 / 93.1 at
    // 200k
    "MountainCarContinuous-v0": {
      ...VPG_NORMALIZED,
      normalizeReward: true,
      logStdInit: 0.5,
    },
    // γ 0.95, a critic regressed 40 times at 3e-3 per batch of 1024 (with the default
    // critic it stays near −1100) and the lr annealed to 0 over 2M: −196.2 / −186.6 /
    // −186.7 at 2M. Tried: 2M at a constant lr −190.7 / −232.9 / −200.1 (lr 1e-3: −200.5 /
    // −196.4 / −211.3); 1M constant −202.0 / −202.3 / −194.5, annealed at 1M worse; at 1M
    // λ 0.95: −192.3 / −202.2 / −205.9; on seed 1: 1.5M −207.0, log σ −1 −204.6, clipping
    // at 0.5 −204.0, 8 copies −202.6, γ 0.97 −206.3, γ 0.98 λ 0.95 −205.8, lr 2e-3 −217.1,
    // 512 steps −211.3, 128 steps −356.9, the critic at 1e-3 −201.1, ReLU −346.4, 80 critic
    // steps −338.0, rewards normalised −807.5
    "Pendulum-v1": {
      numEnvs: 4,
      numSteps: 256,
      learningRate: 3e-3,
      vfLearningRate: 3e-3,
      vfIters: 40,
      gamma: 0.95,
      gaeLambda: 0.9,
      logStdInit: -0.5,
      normalizeObservation: true,
      annealLr: true,
    },
  },
  "trpo": {
    "CartPole-v1": { numEnvs: 4, numSteps: 1024, gamma: 0.995, gaeLambda: 0.97, vfIters: 20 },
    "InvertedPendulum-v5": {}, // the defaults: 1000 at 100k steps (seed 1)
    // zoo trpo.yml (n_envs 2, n_steps 1024, normalize): −83.8 / −78.5 / −77.4 at 100k
    // (zoo −83.1 at 100k)
    "Acrobot-v1": ZOO_TRPO,
    // zoo trpo.yml (… and 20 critic epochs): −104.8 / −105.3 / −111.2 at 100k (zoo −107.3)
    "MountainCar-v0": { ...ZOO_TRPO, vfIters: 20 },
    // zoo trpo.yml's defaults (n_steps 2048) with a wider initial policy, log σ 0.5, in place
    // of gSDE (log σ 0 stays at 0 on seeds 2 and 3): 92.6 / 93.0 / 92.4 at 50k (zoo 92.5)
    "MountainCarContinuous-v0": {
      ...ZOO_TRPO,
      numSteps: 2048,
      vfMinibatches: 32,
      logStdInit: 0.5,
    },
    // MuJoCo (1M steps): Hopper 3511 / 3736 / 3689 (zoo 3618 on v3)
    "Hopper-v5": ZOO_TRPO_MUJOCO,
    // the zoo's settings with a narrower initial policy, log σ −0.5: 3484.3 / 4717.0 / 4574.2
    // at 1M, short of the zoo's 4933 on v3 (log σ 0: 1026.9 / 4197.4 / 4532.2)
    "Walker2d-v5": { ...ZOO_TRPO_MUJOCO, logStdInit: -0.5 },
    // the zoo's settings with a narrower initial policy (log σ −1): at σ 1 the control cost
    // (0.5·Σa², about 1.6 a step) outweighs the healthy reward (1), and the ant learned to
    // fall at once (177.4 / 87.0 / 99.7, episodes of 40–90 steps); with it 1983.0 / 2310.1 /
    // 2260.9 at 1M (zoo 4982)
    "Ant-v5": { ...ZOO_TRPO_MUJOCO, logStdInit: -1 },
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
    // zoo trpo.yml's LunarLanderContinuous-v3 entry (n_envs 2, 20 critic epochs, normalize)
    // with γ 0.999 and batches twice as long (2 × 2048 steps, critic minibatches of 128):
    // 260.0 / 264.9 / 248.2 at 200k, short of the zoo's 262 (the zoo's n_steps 1024: 264.6
    // / 254.1 / 236.8; 2 × 4096 steps 253.8 / 255.2 / 256.1; 2 × 2048 with 40 critic epochs
    // 188.5 / 268.1 / 253.8, with λ 0.98 276.5 / 221.5 / 237.2, with λ 0.92 227.5 / 260.8 /
    // 238.1, with 25 CG steps 260.3 / 247.4 / 258.6; with the zoo's γ 0.99: 211.8 / 159.4 /
    // 241.0; the previous preset, n_steps 512, λ 0.9, δ 0.02: 162.3 / 92.9 / 74.8; on seeds
    // 2 / 3, each on top of γ 0.999: λ 0.98 255.1 / 232.9, δ 0.015 244.7 / 141.1, damping
    // 0.01 257.0 / −43.0, 40 critic epochs 196.3 / 265.8 (207.4 on seed 1), n_steps 512
    // 60.2 / 172.4, 25 CG steps 253.9 / 209.5, log σ −0.5 184.1 / 259.4, γ 0.995 237.2 /
    // 251.1, rewards not normalised 201.3 / 163.7, 4 copies × 512 steps 236.8 / 112.5,
    // critic lr 3e-3 247.3 / 208.7)
    "LunarLanderContinuous-v3": {
      ...ZOO_TRPO,
      numSteps: 2048,
      vfMinibatches: 32,
      vfIters: 20,
      gamma: 0.999,
    },
  },
  "ppo-kl": {
    "CartPole-v1": { numEnvs: 8, numSteps: 64, updateEpochs: 10, learningRate: 1e-3 },
    // PPO's Acrobot preset: −89.6 / −97.3 / −80.7 at 100k (no zoo agent)
    "Acrobot-v1": ACROBOT_PPO, // entCoef 0 is PPO-KL's default
    // PPO's preset with λ 0.9 and two minibatches: −105.6 / −107.9 / −103.1 at 1M (one
    // minibatch: −110.5 / −111.2 / −105.5; on seed 1 λ 0.98 −117, rewards normalised −112.9)
    "MountainCar-v0": {
      numEnvs: 16,
      numSteps: 16,
      learningRate: 1e-3,
      gaeLambda: 0.9,
      updateEpochs: 4,
      numMinibatches: 2,
      normalizeObservation: true,
    },
    // PPO's preset: 92.5 / 92.6 / 92.9 at 100k (no zoo agent)
    "MountainCarContinuous-v0": {
      numEnvs: 4,
      numSteps: 1024,
      gaeLambda: 0.95,
      learningRate: 3e-4,
      updateEpochs: 10,
      numMinibatches: 16,
      normalizeObservation: true,
    },
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
    // The default job: solved (deterministic evaluation ≥ 475) on all of seeds 1–40 at 35k
    // steps, every seed at 500 (6 epochs: 40/40, the lowest 494, 1.4× the training time;
    // 3 epochs: 19/20; 4 epochs at 30k: 40/40, the lowest 488); the earlier preset (8 × 32
    // steps, 4 epochs, λ 0.8) needed 100k steps and missed on 1 of the 30 seeds tried.
    "CartPole-v1": {
      numEnvs: 4,
      numSteps: 16,
      learningRate: 2e-3,
      annealLr: true,
      gamma: 0.98,
      gaeLambda: 0.9,
      updateEpochs: 4,
      numMinibatches: 2,
      entCoef: 0,
    },
    "Acrobot-v1": ACROBOT_PPO,
    // zoo ppo.yml (n_envs 16, n_steps 16, λ 0.98, 4 epochs, minibatches of 64, observations
    // and rewards normalised) at lr 1e-3: −102.7 / −100.4 / −101.9 at 1M (zoo −110.4 at 1M;
    // on seed 1: the zoo's lr 3e-4 −119.8, without reward normalisation −115.5, 10 epochs
    // −105.7, γ 0.999 −116.4; one minibatch at 300k: −149.7)
    "MountainCar-v0": {
      numEnvs: 16,
      numSteps: 16,
      learningRate: 1e-3,
      gaeLambda: 0.98,
      updateEpochs: 4,
      numMinibatches: 4,
      normalizeObservation: true,
      normalizeReward: true,
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
    // Box2D, on the bit-exact float32 physics, 1M steps, the zoo's settings with the value
    // loss unclipped (as SB3's clip_range_vf None): LunarLander 246.8 / 253.4 / 244.9 on
    // seeds 1-3 (zoo 242; with CleanRL's clipped value loss 224.3 / 63.7 / 229.2, and on
    // top of it on seeds 1 / 2: an annealed rate 137.1 / 198.3, annealed with 10 epochs
    // 201.8 / 217.4, annealed with c_ent 0.005 142.3 / 210.1; on seed 2, lr 2e-4 105.4,
    // clip 0.1 125.3), the continuous lander with observations and rewards normalised as
    // well (which the zoo's entry does not do) 276.8 / 278.9 / 273.9 (zoo 271; without 266.6
    // / 271.3 / 265.8, with CleanRL's clipped value loss 248.8 / 253.1 / 236.1);
    // BipedalWalker (the zoo's settings): 278.2 / 269.2 / 209.7 at 5M (zoo 213 at 5M; 291
    // at 1M on the earlier float64 contacts).
    "LunarLander-v3": LUNAR_LANDER_PPO,
    "LunarLanderContinuous-v3": {
      ...LUNAR_LANDER_PPO,
      normalizeObservation: true,
      normalizeReward: true,
    },
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
    // MuJoCo: CleanRL's continuous-control settings (InvertedPendulum 1000 at 100k; the
    // locomotion tasks need ~1M).
    ...Object.fromEntries(MUJOCO_IDS.map((id) => [id, CLEANRL_PPO_CONTINUOUS])),
    // the zoo's tuned entries, 1M steps: 5124.6 / 5888.1 / 5748.7 on seeds 1-3 (zoo 5819;
    // CleanRL's settings 1842.8 / 1730.2 / 1706.5)
    "HalfCheetah-v5": ZOO_PPO_HALF_CHEETAH,
    // 2930.4 / 5500.1 / 4341.6 (zoo 3479; CleanRL's settings 2800.7 / 2141.9 / 4566.3)
    "Walker2d-v5": ZOO_PPO_WALKER2D,
    // CleanRL's settings at a sixth of the rate, lr 5e-5 (annealed): 9359.3 / 9359.5 /
    // 9359.8 at 1M (at CleanRL's 3e-4: 3033.0 / 3821.7 / 8897.0, a policy that balances in
    // some episodes and falls in others; 1e-4 on seeds 1 / 2, with the train command's own
    // evaluation: 8429.5 / 8905.0; an entry of rl-baselines3-zoo's ppo.yml 4268.6 on seed 1)
    "InvertedDoublePendulum-v5": { ...CLEANRL_PPO_CONTINUOUS, learningRate: 5e-5 },
    // CleanRL's settings with log σ −1, for the reason given at TRPO's Ant-v5: 1886.9 /
    // 3239.0 / 1248.1 at 1M (zoo 1327; log σ 0: 687.6 / 494.1 / 750.5)
    "Ant-v5": { ...CLEANRL_PPO_CONTINUOUS, logStdInit: -1 },
  },
};

/**
 * Training lengths (environment steps) the tuned presets were measured with: the
 * `train` command's default `--steps` for that algorithm and environment.
 */
export const presetTimesteps: Record<AlgorithmName, Record<string, number>> = {
  "reinforce": {
    "CartPole-v1": 300_000,
    "Acrobot-v1": 300_000,
    "MountainCar-v0": 1_000_000,
    "MountainCarContinuous-v0": 300_000,
    "Pendulum-v1": 500_000,
  },
  "reinforce-baseline": {
    "CartPole-v1": 200_000,
    "Acrobot-v1": 300_000,
    "MountainCar-v0": 2_000_000,
    "MountainCarContinuous-v0": 300_000,
    "Pendulum-v1": 2_000_000,
  },
  "a2c": {
    "CartPole-v1": 200_000,
    "Acrobot-v1": 500_000,
    "MountainCar-v0": 1_000_000,
    "MountainCarContinuous-v0": 100_000,
    "Pendulum-v1": 1_500_000,
    "LunarLanderContinuous-v3": 1_000_000,
  },
  "vpg": {
    "CartPole-v1": 200_000,
    "Acrobot-v1": 200_000,
    "MountainCar-v0": 1_000_000,
    "MountainCarContinuous-v0": 200_000,
    "Pendulum-v1": 2_000_000,
  },
  "trpo": {
    "CartPole-v1": 200_000,
    "Acrobot-v1": 100_000,
    "MountainCar-v0": 100_000,
    "MountainCarContinuous-v0": 50_000,
    "Pendulum-v1": 200_000,
    "InvertedPendulum-v5": 100_000,
    "LunarLanderContinuous-v3": 200_000,
    "Hopper-v5": 1_000_000,
    "Walker2d-v5": 1_000_000,
    "Ant-v5": 1_000_000,
    "HalfCheetah-v5": 1_000_000,
  },
  "ppo-kl": {
    "CartPole-v1": 100_000,
    "Acrobot-v1": 100_000,
    "MountainCar-v0": 1_000_000,
    "MountainCarContinuous-v0": 100_000,
    "Pendulum-v1": 200_000,
  },
  "ppo": {
    "cleanrl": 500_000,
    "cleanrl-continuous": 1_000_000,
    "CartPole-v1": 35_000,
    "Acrobot-v1": 100_000,
    "MountainCar-v0": 1_000_000,
    "Pendulum-v1": 200_000,
    "MountainCarContinuous-v0": 100_000,
    "LunarLander-v3": 1_000_000,
    "LunarLanderContinuous-v3": 1_000_000,
    "BipedalWalker-v3": 5_000_000,
    ...Object.fromEntries(MUJOCO_IDS.map((id) => [id, 1_000_000])),
    "InvertedPendulum-v5": 100_000,
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
