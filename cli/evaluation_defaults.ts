/**
 * What every evaluating command shares — `train`'s final evaluation, `eval` and `infer` —
 * so that the same policy gives the same figures whichever command evaluates it: the
 * number of episodes, the held-out seeds (episode i of a policy trained with seed S is
 * reset with seed S + 1 000 000 + i, far from every training seed), and how returns are
 * printed (per episode, then mean ± standard deviation, two decimals).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluationSeed, formatEpisode } from "./evaluation_defaults.ts";
 * assert.equal(evaluationSeed(1), 1_000_001);
 * assert.equal(formatEpisode(0, 1_000_001, 500, 500), "episode 0 (seed 1000001): return 500.00, length 500");
 * ```
 * @module
 */

/** Episodes an evaluation runs unless told otherwise. */
export const DEFAULT_EVAL_EPISODES = 20;

/** Held-out evaluation seeds start this far above the training seed. */
export const EVAL_SEED_OFFSET = 1_000_000;

/** The seed of the first evaluation episode of a policy trained with `trainingSeed`. */
export function evaluationSeed(trainingSeed: number | undefined): number {
  return (trainingSeed ?? 0) + EVAL_SEED_OFFSET;
}

/** A return as every command prints it. */
export function formatReturn(value: number): string {
  return value.toFixed(2);
}

/** One episode's line. */
export function formatEpisode(index: number, seed: number, ret: number, length: number): string {
  return `episode ${index} (seed ${seed}): return ${formatReturn(ret)}, length ${length}`;
}

/** The closing line: mean ± std over the episodes. */
export function formatEvaluation(
  mean: number,
  std: number,
  episodes: number,
  deterministic: boolean,
  firstSeed: number,
): string {
  return `${formatReturn(mean)} ± ${formatReturn(std)} over ${episodes} ` +
    `${deterministic ? "deterministic" : "stochastic"} episodes (seeds ${firstSeed}…)`;
}
