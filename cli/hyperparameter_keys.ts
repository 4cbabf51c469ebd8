/**
 * Checks the hyper-parameter keys a user gave (`--set KEY=VALUE`, `--config FILE`) before
 * anything runs, and answers an unknown key in the user's own terms: a misspelling gets the
 * closest Ascent name (`learningrate` → `learningRate`), a name from CleanRL or
 * Stable-Baselines3 (`clip_coef`, `learning_rate`, `n_steps`, `batch_size`, …) gets the
 * Ascent name that means the same (or how to express it, where the meaning differs), and
 * every message says where the key came from and shows the value given there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainUnknownKey } from "./hyperparameter_keys.ts";
 * const known = ["learningRate", "numSteps", "clipCoef"];
 * assert.match(explainUnknownKey("learningrate", known), /did you mean learningRate\?/);
 * assert.match(explainUnknownKey("clip_coef", known), /CleanRL's name for clipCoef/);
 * ```
 * @module
 */
import { describeFields } from "../algorithms/config.ts";
import { ALGORITHM_TABLE, type AlgorithmName } from "../algorithms/table.ts";
import { closestMatches } from "../envs/registry.ts";
import { UsageError } from "./args.ts";

/** Names used by CleanRL and Stable-Baselines3, with their Ascent equivalent. */
const FOREIGN_NAMES: Record<string, { ascent: string; from: string; note?: string }> = {
  learning_rate: { ascent: "learningRate", from: "CleanRL/SB3" },
  num_envs: { ascent: "numEnvs", from: "CleanRL" },
  n_envs: { ascent: "numEnvs", from: "SB3 (rl-zoo)" },
  num_steps: { ascent: "numSteps", from: "CleanRL" },
  n_steps: {
    ascent: "numSteps",
    from: "SB3",
    note: "both count steps per environment per update",
  },
  anneal_lr: { ascent: "annealLr", from: "CleanRL" },
  gae_lambda: { ascent: "gaeLambda", from: "CleanRL/SB3" },
  num_minibatches: { ascent: "numMinibatches", from: "CleanRL" },
  batch_size: {
    ascent: "numMinibatches",
    from: "SB3",
    note: "SB3's batch_size is the minibatch size; Ascent sets numMinibatches = " +
      "numEnvs × numSteps / batch_size",
  },
  update_epochs: { ascent: "updateEpochs", from: "CleanRL" },
  n_epochs: { ascent: "updateEpochs", from: "SB3" },
  norm_adv: { ascent: "normalizeAdvantages", from: "CleanRL" },
  normalize_advantage: { ascent: "normalizeAdvantages", from: "SB3" },
  clip_coef: { ascent: "clipCoef", from: "CleanRL" },
  clip_range: { ascent: "clipCoef", from: "SB3" },
  clip_vloss: { ascent: "clipVloss", from: "CleanRL" },
  clip_range_vf: {
    ascent: "clipVloss",
    from: "SB3",
    note: "Ascent clips the value loss with the policy's clipCoef when clipVloss is true",
  },
  ent_coef: { ascent: "entCoef", from: "CleanRL/SB3" },
  vf_coef: { ascent: "vfCoef", from: "CleanRL/SB3" },
  max_grad_norm: { ascent: "maxGradNorm", from: "CleanRL/SB3" },
  target_kl: { ascent: "targetKl", from: "CleanRL/SB3" },
  total_timesteps: {
    ascent: "--steps",
    from: "CleanRL/SB3",
    note: "the training length is the --steps flag, not a hyper-parameter",
  },
  net_arch: { ascent: "hiddenSizes", from: "SB3", note: "as a list of widths, e.g. [64,64]" },
  activation_fn: { ascent: "activation", from: "SB3", note: '"tanh" or "relu"' },
  log_std_init: { ascent: "logStdInit", from: "SB3" },
  normalize: {
    ascent: "normalizeObservation",
    from: "SB3 (rl-zoo)",
    note: "and normalizeReward (the zoo's VecNormalize does both)",
  },
  target_kl_coef: { ascent: "klCoefInit", from: "PPO-KL implementations" },
  cg_max_steps: { ascent: "cgIters", from: "SB3-contrib TRPO" },
  cg_damping: { ascent: "damping", from: "SB3-contrib TRPO" },
  line_search_max_iter: { ascent: "backtrackIters", from: "SB3-contrib TRPO" },
  line_search_shrinking_factor: { ascent: "backtrackCoef", from: "SB3-contrib TRPO" },
  n_critic_updates: { ascent: "vfIters", from: "SB3-contrib TRPO" },
};

/** The hyper-parameter names of `algo`, from its schema. */
export function hyperparameterNames(algo: AlgorithmName): string[] {
  return describeFields(ALGORITHM_TABLE[algo].schema).map((f) => f.name);
}

/** Why `key` is not one of `known`, with the closest or the equivalent Ascent name. */
export function explainUnknownKey(key: string, known: readonly string[]): string {
  const foreign = FOREIGN_NAMES[key] ?? FOREIGN_NAMES[key.toLowerCase()];
  if (foreign !== undefined) {
    const note = foreign.note === undefined ? "" : ` (${foreign.note})`;
    const name = foreign.ascent.startsWith("--") || known.includes(foreign.ascent)
      ? foreign.ascent
      : undefined;
    if (name !== undefined) {
      return `unknown key "${key}": that is ${foreign.from}'s name for ${name}${note}`;
    }
  }
  const near = closestMatches(key, known, 1, Math.max(3, Math.floor(key.length / 3)));
  return near.length > 0
    ? `unknown key "${key}"; did you mean ${near[0]}?`
    : `unknown key "${key}"; the keys are: ${known.join(", ")}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * Throws a {@link UsageError} for the first key of `values` that `algo` does not have,
 * naming `source` (`--set` or `--config FILE`) and the value given there.
 */
export function checkHyperparameterKeys(
  algo: AlgorithmName,
  values: Record<string, unknown>,
  source: string,
): void {
  const known = hyperparameterNames(algo);
  for (const [key, value] of Object.entries(values)) {
    if (known.includes(key)) continue;
    throw new UsageError(
      source,
      `${explainUnknownKey(key, known)} (${algo}; given ${key}=${show(value)} in ${source})`,
    );
  }
}
