/**
 * `RecordEpisodeStatistics`: at the end of each episode (terminated or truncated), adds
 * `info.episode = { r, l, t }` — the undiscounted return `r = Σ rewards`, the length `l`
 * in steps and the wall-clock duration `t` in seconds — as Gymnasium's wrapper does, and
 * keeps the last `bufferLength` returns and lengths.
 * @module
 */
import type { Action, Env, MaybePromise, ResetOptions, ResetResult, StepResult } from "../types.ts";
import { thenMaybe, Wrapper } from "./wrapper.ts";

/** The statistics of one finished episode. */
export interface EpisodeStatistics {
  /** Undiscounted return. */
  r: number;
  /** Length in steps. */
  l: number;
  /** Duration in seconds. */
  t: number;
}

/**
 * Adds `info.episode` at episode ends and remembers recent episodes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RecordEpisodeStatistics } from "./record_episode_statistics.ts";
 * import { TimeLimit } from "./time_limit.ts";
 * import { CartPoleEnv } from "../classic/mod.ts";
 *
 * const env = new RecordEpisodeStatistics(new TimeLimit(new CartPoleEnv(), 3));
 * await env.reset({ seed: 0 });
 * for (let i = 0; i < 3; i++) await env.step(i % 2);
 * assert.deepEqual(env.returnQueue, [3]);
 * assert.deepEqual(env.lengthQueue, [3]);
 * ```
 */
export class RecordEpisodeStatistics extends Wrapper {
  /** Return of the current episode so far. */
  episodeReturn = 0;
  /** Length of the current episode so far. */
  episodeLength = 0;
  /** Returns of the last `bufferLength` episodes, oldest first. */
  readonly returnQueue: number[] = [];
  /** Lengths of the last `bufferLength` episodes, oldest first. */
  readonly lengthQueue: number[] = [];
  #start = performance.now();

  /** Wraps `env`, keeping the last `bufferLength` episodes (default 100). */
  constructor(env: Env, readonly bufferLength = 100) {
    super(env);
  }

  /** Resets, starting a new episode's statistics. */
  override reset(options?: ResetOptions): MaybePromise<ResetResult> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.#start = performance.now();
    return this.env.reset(options);
  }

  /** Steps; at the episode's end adds `info.episode`. */
  override step(action: Action): MaybePromise<StepResult> {
    return thenMaybe(this.env.step(action), (res) => {
      this.episodeReturn += res.reward;
      this.episodeLength++;
      if (!res.terminated && !res.truncated) return res;
      const episode: EpisodeStatistics = {
        r: this.episodeReturn,
        l: this.episodeLength,
        t: Math.round(performance.now() - this.#start) / 1000,
      };
      this.returnQueue.push(episode.r);
      this.lengthQueue.push(episode.l);
      if (this.returnQueue.length > this.bufferLength) {
        this.returnQueue.shift();
        this.lengthQueue.shift();
      }
      return { ...res, info: { ...res.info, episode } };
    });
  }
}
