/**
 * Evaluation of a trained agent: run whole episodes with its policy (deterministic by
 * default) and report the mean and standard deviation of the undiscounted returns
 * `Σ_t r_t` (raw rewards, never normalised).
 *
 * Episode `k` is reset with seed `seed + k`, so an evaluation is reproducible.
 *
 * @example
 * ```ts ignore
 * import { evaluate } from "./evaluate.ts";
 * const { mean, std } = await evaluate(agent, "CartPole-v1", { episodes: 20 });
 * ```
 * @module
 */
import { type Action, type Env, make, type Observation, playEpisode } from "../envs/mod.ts";
import { meanStd } from "./metrics.ts";

/** Anything with a `predict` (every agent). */
export interface Predictor {
  /** The action for one observation. */
  predict(observation: ArrayLike<number>, options?: { deterministic?: boolean }): Action;
  /** The configuration (its `env` and `envOptions` are used when an id is not given). */
  readonly config?: { env: string; envOptions?: Record<string, unknown> };
  /** Builds what `predict` needs (agents build their networks lazily); awaited first. */
  ready?(): Promise<unknown>;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Episodes to run (default 20). */
  episodes?: number;
  /** Take the most probable action (default true). */
  deterministic?: boolean;
  /** Seed of the first episode (default 1_000_000, away from training seeds). */
  seed?: number;
  /** Options for the environment constructor when `env` is an id. */
  envOptions?: Record<string, unknown>;
  /** Safety limit on the steps of one episode (default 100 000). */
  maxSteps?: number;
}

/** What {@link evaluate} returns. */
export interface EvaluateResult {
  /** Mean return. */
  mean: number;
  /** Standard deviation of the returns (population). */
  std: number;
  /** Every episode's return. */
  returns: number[];
  /** Every episode's length. */
  lengths: number[];
}

/**
 * Runs `episodes` episodes of `agent` on `env` (an `Env`, or an id made from the
 * registry; default the agent's own environment).
 */
export async function evaluate(
  agent: Predictor,
  env?: Env | string,
  options: EvaluateOptions = {},
): Promise<EvaluateResult> {
  const episodes = options.episodes ?? 20;
  const deterministic = options.deterministic ?? true;
  const seed = options.seed ?? 1_000_000;
  const maxSteps = options.maxSteps ?? 100_000;
  if (!Number.isInteger(episodes) || episodes < 1) {
    throw new RangeError(`evaluate: episodes must be a positive integer, got ${episodes}`);
  }
  if (agent.ready) await agent.ready();
  const id = typeof env === "string" ? env : env === undefined ? agent.config?.env : undefined;
  if (env === undefined && id === undefined) {
    throw new Error("evaluate: no environment given and the agent has no config.env");
  }
  const e: Env = typeof env === "object"
    ? env
    : await make(id!, { envOptions: options.envOptions ?? agent.config?.envOptions ?? {} });
  const returns: number[] = [];
  const lengths: number[] = [];
  try {
    for (let k = 0; k < episodes; k++) {
      const act = (obs: Observation) => agent.predict(obs, { deterministic });
      const episode = await playEpisode(e, act, { seed: seed + k, maxSteps });
      returns.push(episode.totalReturn);
      lengths.push(episode.length);
    }
  } finally {
    if (typeof env !== "object") await e.close?.();
  }
  const { mean, std } = meanStd(returns);
  return { mean, std, returns, lengths };
}
