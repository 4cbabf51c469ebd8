/**
 * One seeded episode played by a policy: `reset({ seed })`, then `step(act(observation))`
 * until `terminated` or `truncated` (or a step limit), summing the undiscounted return.
 * Every evaluating tool plays its episodes through {@link playEpisode} — the toolkit's own
 * evaluation, ONNX inference and recorded replays — so a policy gets the same return from
 * each on the same seed. Synchronous environments and policies never pay for a Promise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CartPoleEnv } from "./classic/mod.ts";
 * import { playEpisode } from "./episode.ts";
 * const episode = await playEpisode(new CartPoleEnv(), () => 1, { seed: 0 });
 * assert.ok(episode.terminated && episode.length === episode.totalReturn);
 * ```
 * @module
 */
import {
  type Action,
  type Env,
  isPromiseLike,
  type Observation,
  type StepResult,
} from "./types.ts";

/** Options of {@link playEpisode}. */
export interface EpisodeOptions {
  /** The reset seed. */
  seed: number;
  /** Safety limit on the steps (default 100 000). */
  maxSteps?: number;
  /** Called after the reset with the first observation. */
  onReset?: (observation: Observation) => void;
  /** Called after every step with the action taken and the step's result. */
  onStep?: (action: Action, result: StepResult) => void;
}

/** What {@link playEpisode} returns. */
export interface Episode {
  /** Undiscounted return. */
  totalReturn: number;
  /** Steps taken. */
  length: number;
  /** The episode ended in a terminal state. */
  terminated: boolean;
  /** The episode was cut (time limit); false when the step limit ended it. */
  truncated: boolean;
}

/** Plays one episode of `env` with `act` (see the module doc). */
export async function playEpisode(
  env: Env,
  act: (observation: Observation) => Action | Promise<Action>,
  options: EpisodeOptions,
): Promise<Episode> {
  const maxSteps = options.maxSteps ?? 100_000;
  const r0 = env.reset({ seed: options.seed });
  let observation = (isPromiseLike(r0) ? await r0 : r0).observation;
  options.onReset?.(observation);
  let totalReturn = 0, length = 0;
  while (length < maxSteps) {
    const a0 = act(observation);
    const action = isPromiseLike(a0) ? await a0 : a0;
    const s0 = env.step(action);
    const s = isPromiseLike(s0) ? await s0 : s0;
    totalReturn += s.reward;
    length++;
    options.onStep?.(action, s);
    observation = s.observation;
    if (s.terminated || s.truncated) {
      return { totalReturn, length, terminated: s.terminated, truncated: s.truncated };
    }
  }
  return { totalReturn, length, terminated: false, truncated: false };
}
