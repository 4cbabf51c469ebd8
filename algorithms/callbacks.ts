/**
 * Training callbacks: hooks called by the shared loop, used by logging and checkpointing.
 *
 * - `onEpisodeEnd(episode)` after each finished episode (raw return and length);
 * - `onRolloutEnd(info)` after each batch of experience is collected, before the update;
 * - `onUpdateEnd(metrics)` after each update, with its {@link UpdateMetrics}.
 *
 * A hook that returns (or resolves to) `false` stops training: after an episode or a
 * rollout, the pending update is skipped; after an update, training ends there. Hooks may
 * be synchronous or return a Promise; synchronous hooks cost no Promise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Callbacks } from "./callbacks.ts";
 * import type { UpdateMetrics } from "./metrics.ts";
 * const stopAt475: Callbacks = {
 *   onUpdateEnd: (m) => !(m.recentReturnMean !== null && m.recentReturnMean >= 475),
 * };
 * const solved = { recentReturnMean: 480 } as UpdateMetrics;
 * assert.equal(stopAt475.onUpdateEnd!(solved), false); // false stops training
 * ```
 * @module
 */
import type { EpisodeRecord, EpisodeWindow, UpdateMetrics } from "./metrics.ts";

/** Options of `Agent.learn`. */
export interface LearnOptions {
  /** Train until this many environment steps in total (counting earlier training). */
  totalTimesteps: number;
  /** Hooks; a list is called in order. */
  callbacks?: Callbacks | Callbacks[];
  /** Directory for checkpoints (written every `checkpointEvery` steps and at the end). */
  checkpointDir?: string;
  /** Environment steps between checkpoints (0 or absent: only at the end). */
  checkpointEvery?: number;
}

/** Options of `Agent.predict`. */
export interface PredictOptions {
  /** Take the most probable action (argmax / Gaussian mean) instead of sampling. */
  deterministic?: boolean;
}

/** What a hook may return: `false` (or a Promise of it) stops training. */
export type HookResult = boolean | void | Promise<boolean | void>;

/** Information passed to `onRolloutEnd`. */
export interface RolloutInfo {
  /** Update number about to run (1-based). */
  update: number;
  /** Environment steps so far. */
  timesteps: number;
  /** Steps collected in this rollout. */
  steps: number;
}

/** The hooks; all optional. */
export interface Callbacks {
  /** Called after every finished episode. */
  onEpisodeEnd?(episode: EpisodeRecord): HookResult;
  /** Called after every rollout, before its update. */
  onRolloutEnd?(info: RolloutInfo): HookResult;
  /** Called after every update with its metrics. */
  onUpdateEnd?(metrics: UpdateMetrics): HookResult;
}

/** Merges several callback objects into one that calls each in order. */
export function combineCallbacks(list: readonly Callbacks[]): Callbacks {
  if (list.length === 1) return list[0];
  const pick = <K extends keyof Callbacks>(key: K) => list.map((c) => c[key]).filter(Boolean);
  const episode = pick("onEpisodeEnd") as ((e: EpisodeRecord) => HookResult)[];
  const rollout = pick("onRolloutEnd") as ((r: RolloutInfo) => HookResult)[];
  const update = pick("onUpdateEnd") as ((m: UpdateMetrics) => HookResult)[];
  const out: Callbacks = {};
  if (episode.length > 0) out.onEpisodeEnd = (e) => callAll(episode, e);
  if (rollout.length > 0) out.onRolloutEnd = (r) => callAll(rollout, r);
  if (update.length > 0) out.onUpdateEnd = (m) => callAll(update, m);
  return out;
}

/**
 * Calls each hook in order with `arg`; the result is `false` when any returned `false`.
 * Stays synchronous until a hook returns a Promise.
 */
function callAll<T>(hooks: ((arg: T) => HookResult)[], arg: T): HookResult {
  let stop = false;
  for (let i = 0; i < hooks.length; i++) {
    const r = hooks[i](arg);
    if (r instanceof Promise) {
      return (async () => {
        if ((await r) === false) stop = true;
        for (let j = i + 1; j < hooks.length; j++) {
          if ((await hooks[j](arg)) === false) stop = true;
        }
        return !stop;
      })();
    }
    if (r === false) stop = true;
  }
  return !stop;
}

/**
 * Resolves a hook result to "keep going" (`true`) or "stop" (`false`), awaiting only when
 * the hook returned a Promise.
 */
export function shouldContinue(result: HookResult): boolean | Promise<boolean> {
  if (result instanceof Promise) return result.then((r) => r !== false);
  return result !== false;
}

/**
 * Adds the episodes that finished at one step to `window` and calls `onEpisodeEnd` for
 * each; returns false when a hook asked to stop (awaiting only asynchronous hooks).
 */
export function recordEpisodes(
  window: EpisodeWindow,
  onEpisodeEnd: Callbacks["onEpisodeEnd"],
  finished: readonly { env: number; return: number; length: number }[],
  timesteps: number,
): boolean | Promise<boolean> {
  let keepGoing = true;
  let pending: Promise<unknown>[] | null = null;
  for (const e of finished) {
    window.add(e.return, e.length);
    if (!onEpisodeEnd) continue;
    const r = onEpisodeEnd({ env: e.env, return: e.return, length: e.length, timesteps });
    if (r instanceof Promise) {
      (pending ??= []).push(r.then((x) => {
        if (x === false) keepGoing = false;
      }));
    } else if (r === false) keepGoing = false;
  }
  return pending ? Promise.all(pending).then(() => keepGoing) : keepGoing;
}
