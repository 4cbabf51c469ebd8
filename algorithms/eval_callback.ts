/**
 * Periodic evaluation during training, as callbacks (Stable-Baselines3's `EvalCallback`
 * and `StopTrainingOnRewardThreshold`).
 *
 * Every `every` environment steps (checked after each update, so at the first update at or
 * past each multiple), {@link EvalCallback} runs `episodes` whole episodes of the agent's
 * policy (deterministic by default) on its own environment, separate from the training
 * environments, with episode `k` reset with seed `seed + k` — the same seeds at every
 * evaluation, so successive evaluations differ only by the policy. Each result is an
 * {@link EvalRecord}; `onEvaluation` receives every record and `onNewBest` the records
 * whose mean return beats every earlier one. A hook that returns `false` stops training,
 * which is how {@link StopTrainingOnRewardThreshold} ends a run once the evaluation reaches
 * a return (the environment's threshold, usually).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PPO } from "./ppo.ts";
 * import { EvalCallback, StopTrainingOnRewardThreshold } from "./eval_callback.ts";
 * const agent = new PPO({ env: "CartPole-v1", seed: 1, numEnvs: 2, numSteps: 64 });
 * const evalCb = new EvalCallback(agent, {
 *   every: 256,
 *   episodes: 2,
 *   hooks: [new StopTrainingOnRewardThreshold(1e9)],
 * });
 * await agent.learn({ totalTimesteps: 512, callbacks: evalCb });
 * assert.deepEqual(evalCb.records.map((r) => r.timesteps), [256, 512]);
 * await evalCb.close();
 * await agent.close();
 * ```
 * @module
 */
import { type Env, make } from "../envs/mod.ts";
import { type Callbacks, type HookResult, shouldContinue } from "./callbacks.ts";
import { evaluate, type Predictor } from "./evaluate.ts";
import type { UpdateMetrics } from "./metrics.ts";

/** One periodic evaluation (one line of `eval.jsonl`). */
export interface EvalRecord {
  /** Environment steps of training when it ran. */
  timesteps: number;
  /** Update number after which it ran. */
  update: number;
  /** Mean return over the episodes. */
  mean: number;
  /** Standard deviation of the returns (population). */
  std: number;
  /** Smallest return. */
  min: number;
  /** Largest return. */
  max: number;
  /** Mean episode length. */
  meanLength: number;
  /** Episodes run. */
  episodes: number;
  /** True when this mean beat every earlier evaluation. */
  best: boolean;
}

/** Hooks called by {@link EvalCallback}; returning `false` stops training. */
export interface EvalHooks {
  /** After every evaluation. */
  onEvaluation?(record: EvalRecord): HookResult;
  /** After an evaluation whose mean beat every earlier one. */
  onNewBest?(record: EvalRecord): HookResult;
}

/** Options of {@link EvalCallback}. */
export interface EvalCallbackOptions extends EvalHooks {
  /** Environment steps between evaluations (a positive integer). */
  every: number;
  /** Episodes per evaluation (default 5). */
  episodes?: number;
  /** Most probable actions (default true). */
  deterministic?: boolean;
  /** Seed of the first episode of each evaluation (default: the agent's seed + 2 000 000). */
  seed?: number;
  /** The evaluation environment: an id (default: the agent's env) or an `Env`. */
  env?: string | Env;
  /** Options for the environment constructor when `env` is an id. */
  envOptions?: Record<string, unknown>;
  /** Further hooks, called in order after the options' own (e.g. a threshold stop). */
  hooks?: EvalHooks[];
  /** The best mean so far, when continuing a run (default −∞). */
  bestMean?: number;
  /** Steps of the last evaluation already done, when continuing a run (default 0). */
  lastTimesteps?: number;
}

/** Evaluates the agent every `every` steps; use as (one of) `learn`'s callbacks. */
export class EvalCallback implements Callbacks {
  /** Every evaluation so far, oldest first. */
  readonly records: EvalRecord[] = [];
  /** The best mean return so far (−∞ before the first evaluation). */
  bestMean: number;
  readonly #agent: Predictor & { config?: { env: string; seed?: number } };
  readonly #options: EvalCallbackOptions;
  readonly #hooks: EvalHooks[];
  #next: number;
  #env: Env | null = null;
  #ownsEnv = false;

  /** Binds the callback to the agent it evaluates. */
  constructor(
    agent: Predictor & { config?: { env: string; seed?: number } },
    options: EvalCallbackOptions,
  ) {
    if (!Number.isSafeInteger(options.every) || options.every < 1) {
      throw new RangeError(`EvalCallback: every must be a positive integer, got ${options.every}`);
    }
    const episodes = options.episodes ?? 5;
    if (!Number.isSafeInteger(episodes) || episodes < 1) {
      throw new RangeError(`EvalCallback: episodes must be a positive integer, got ${episodes}`);
    }
    this.#agent = agent;
    this.#options = options;
    this.#hooks = [options, ...(options.hooks ?? [])];
    this.bestMean = options.bestMean ?? -Infinity;
    const last = options.lastTimesteps ?? 0;
    this.#next = (Math.floor(last / options.every) + 1) * options.every;
  }

  /**
   * Evaluates when the update crossed the next multiple of `every` (a bound property, so
   * `combineCallbacks` and destructuring keep `this`).
   */
  readonly onUpdateEnd = (metrics: UpdateMetrics): HookResult => {
    if (metrics.timesteps < this.#next) return true;
    this.#next = (Math.floor(metrics.timesteps / this.#options.every) + 1) * this.#options.every;
    return this.evaluateNow(metrics.timesteps, metrics.update);
  };

  /** Runs one evaluation now and calls the hooks; resolves to false when one asks to stop. */
  async evaluateNow(timesteps: number, update: number): Promise<boolean> {
    const o = this.#options;
    if (this.#env === null) {
      if (typeof o.env === "object") this.#env = o.env;
      else {
        const id = o.env ?? this.#agent.config?.env;
        if (id === undefined) throw new Error("EvalCallback: no env given and the agent has none");
        this.#env = await make(id, {
          envOptions: o.envOptions ?? this.#agent.config?.envOptions ?? {},
        });
        this.#ownsEnv = true;
      }
    }
    const result = await evaluate(this.#agent, this.#env, {
      episodes: o.episodes ?? 5,
      deterministic: o.deterministic ?? true,
      seed: o.seed ?? (this.#agent.config?.seed ?? 0) + 2_000_000,
    });
    const best = result.mean > this.bestMean;
    if (best) this.bestMean = result.mean;
    const record: EvalRecord = {
      timesteps,
      update,
      mean: result.mean,
      std: result.std,
      min: Math.min(...result.returns),
      max: Math.max(...result.returns),
      meanLength: result.lengths.reduce((a, b) => a + b, 0) / result.lengths.length,
      episodes: result.returns.length,
      best,
    };
    this.records.push(record);
    let keepGoing = true;
    for (const h of this.#hooks) {
      if (h.onEvaluation && !(await shouldContinue(h.onEvaluation(record)))) keepGoing = false;
      if (best && h.onNewBest && !(await shouldContinue(h.onNewBest(record)))) keepGoing = false;
    }
    return keepGoing;
  }

  /** Closes the evaluation environment (when the callback made it). */
  async close(): Promise<void> {
    if (this.#env && this.#ownsEnv) await this.#env.close?.();
    this.#env = null;
  }
}

/** Stops training once an evaluation's mean return reaches `threshold`. */
export class StopTrainingOnRewardThreshold implements EvalHooks {
  /** The evaluation that reached the threshold, once one has. */
  reachedAt: EvalRecord | null = null;

  /** `threshold`: the mean evaluation return at which training stops. */
  constructor(readonly threshold: number) {
    if (!Number.isFinite(threshold)) {
      throw new RangeError(
        `StopTrainingOnRewardThreshold: threshold must be finite, got ${threshold}`,
      );
    }
  }

  /** False (stop) when the record's mean reaches the threshold. */
  onEvaluation(record: EvalRecord): boolean {
    if (record.mean >= this.threshold) {
      this.reachedAt = record;
      return false;
    }
    return true;
  }
}
