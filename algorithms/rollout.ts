/**
 * The fixed-length rollout shared by A2C, VPG, TRPO, PPO-KL and PPO: `T` steps of `N`
 * environments, stored time-major (row `t·N + i`), then GAE.
 *
 *     for t = 0 … T−1:
 *       o_t ← current observations;  a_t ~ π_θ(·|o_t), log π_θ(a_t|o_t), v_φ(o_t)
 *       step the environments: r_t, terminated_t, truncated_t (same-step autoreset)
 *       where truncated_t ∧ ¬terminated_t: V_final(t) = v_φ(final observation)
 *     v_φ(o_T) for the bootstrap of the last step
 *     A, R ← gae(r, v, terminated, truncated, V_final, v(o_T), γ, λ)
 *
 * The rollout allocates nothing per step: every buffer and every per-step view is made
 * once, in the constructor.
 * @module
 */
import type { Rng } from "../random.ts";
import type { ActBuffers, ActorCritic } from "../policies/actor_critic.ts";
import { VectorEnv, type VectorStepResult } from "../envs/vector.ts";
import { defaultRegistry, make, ThreadedVectorEnv, TimeLimit } from "../envs/mod.ts";
import { type CommonConfig, ConfigError, type RolloutConfig } from "./config.ts";
import { envSourceOf } from "./env_source.ts";
import { gae } from "./advantages.ts";

/** The experience of one rollout, `T × N` rows. */
export class RolloutBuffer {
  /** Steps per environment T. */
  readonly numSteps: number;
  /** Environments N. */
  readonly numEnvs: number;
  /** Rows T·N. */
  readonly size: number;
  /** Observations the actions were taken in, `T·N × obsDim`. */
  readonly obs: Float32Array;
  /** Actions: `Int32Array(T·N)` (discrete) or `Float32Array(T·N × d)` (box), unclipped. */
  readonly actions: Int32Array | Float32Array;
  /** `log π_old(a_t|o_t)`. */
  readonly logProbs: Float32Array;
  /** Old distribution parameters (logits or means), `T·N × paramDim`. */
  readonly params: Float32Array;
  /** `v_old(o_t)`. */
  readonly values: Float32Array;
  /** Rewards (normalised when reward normalisation is on). */
  readonly rewards: Float64Array;
  /** 1 where the step terminated the episode. */
  readonly terminated: Uint8Array;
  /** 1 where the step truncated the episode. */
  readonly truncated: Uint8Array;
  /** `v(final observation)` where truncated (0 elsewhere). */
  readonly finalValues: Float64Array;
  /** `v(o_T)`, length N. */
  readonly lastValues: Float64Array;
  /** GAE advantages. */
  readonly advantages: Float64Array;
  /** λ-returns (critic targets). */
  readonly returns: Float64Array;
  /** Per-step views into the buffers, handed to `ActorCritic.act`. */
  readonly stepViews: ActBuffers[];
  /** Per-step observation views. */
  readonly obsViews: Float32Array[];

  /** Allocates a rollout for `policy` with `numSteps × numEnvs` rows. */
  constructor(policy: ActorCritic, numSteps: number, numEnvs: number) {
    const n = numSteps * numEnvs;
    this.numSteps = numSteps;
    this.numEnvs = numEnvs;
    this.size = n;
    const { obsDim, actDim, paramDim } = policy;
    this.obs = new Float32Array(n * obsDim);
    this.actions = policy.head.createActions(n);
    this.logProbs = new Float32Array(n);
    this.params = new Float32Array(n * paramDim);
    this.values = new Float32Array(n);
    this.rewards = new Float64Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.finalValues = new Float64Array(n);
    this.lastValues = new Float64Array(numEnvs);
    this.advantages = new Float64Array(n);
    this.returns = new Float64Array(n);
    this.stepViews = [];
    this.obsViews = [];
    const N = numEnvs;
    for (let t = 0; t < numSteps; t++) {
      const r0 = t * N, r1 = (t + 1) * N;
      this.obsViews.push(this.obs.subarray(r0 * obsDim, r1 * obsDim));
      this.stepViews.push({
        actions: this.actions.subarray(r0 * actDim, r1 * actDim),
        logProbs: this.logProbs.subarray(r0, r1),
        params: this.params.subarray(r0 * paramDim, r1 * paramDim),
        values: this.values.subarray(r0, r1),
      });
    }
  }

  /** Computes advantages and returns with GAE(γ, λ) (see `advantages.ts`). */
  computeAdvantages(gamma: number, lambda: number): void {
    gae({
      numSteps: this.numSteps,
      numEnvs: this.numEnvs,
      rewards: this.rewards,
      values: this.values,
      terminated: this.terminated,
      truncated: this.truncated,
      finalValues: this.finalValues,
      lastValues: this.lastValues,
      gamma,
      lambda,
    }, { advantages: this.advantages, returns: this.returns });
  }
}

/**
 * The `numEnvs` training copies of `config.env`, with the configured normalisation (clip
 * 10, as CleanRL/SB3; rewards with the configured γ) and per-copy reset streams. With
 * `envWorkers` W ≥ 2 (rollout algorithms) the copies of a built-in environment step in
 * W Workers (`ThreadedVectorEnv`: the same rollouts, bit for bit, and exact resume).
 */
export async function makeTrainingEnvs(
  config: CommonConfig & Partial<Pick<RolloutConfig, "envWorkers">>,
): Promise<VectorEnv> {
  const c = config;
  const source = envSourceOf(c);
  const workers = c.envWorkers ?? 0;
  const vectorOptions = {
    normalizeObservation: c.normalizeObservation && { clip: 10 },
    normalizeReward: c.normalizeReward && { gamma: c.gamma, clip: 10 },
    seedStreams: true,
  };
  if (workers >= 2) {
    const problem = source !== undefined
      ? "needs a registered built-in env id: a custom Env or factory cannot move to a Worker"
      : workers > c.numEnvs
      ? `must be at most numEnvs (${c.numEnvs}): each Worker steps at least one copy`
      : !defaultRegistry.has(c.env) || defaultRegistry.spec(c.env).source !== "builtin"
      ? `needs a built-in env (${c.env} is not one): Workers make copies from the built-in registry`
      : null;
    if (problem !== null) {
      throw new ConfigError("training", [{ path: "envWorkers", message: problem, value: workers }]);
    }
    return await ThreadedVectorEnv.start(c.env, c.numEnvs, {
      ...vectorOptions,
      numWorkers: workers,
      make: { envOptions: c.envOptions, maxEpisodeSteps: c.maxEpisodeSteps ?? undefined },
    });
  }
  if (source !== undefined && typeof source !== "function" && c.numEnvs !== 1) {
    throw new ConfigError("training", [{
      path: "numEnvs",
      message: "an Env instance is one environment: set numEnvs to 1, or pass a factory " +
        "() => Env that makes each copy",
      value: c.numEnvs,
    }]);
  }
  const limit = c.maxEpisodeSteps ?? undefined;
  const copy = source === undefined
    ? () => make(c.env, { envOptions: c.envOptions, maxEpisodeSteps: limit })
    : async () => {
      const env = typeof source === "function" ? await source() : source;
      return limit === undefined ? env : new TimeLimit(env, limit);
    };
  return await VectorEnv.create(copy, c.numEnvs, { id: c.env, ...vectorOptions });
}

/** What {@link collectRollout} needs from the agent. */
export interface RolloutContext {
  /** The policy acting. */
  policy: ActorCritic;
  /** The environments. */
  envs: VectorEnv;
  /** The sampling generator. */
  rng: Rng;
  /** Converts policy actions to environment actions (clip, offset). */
  toEnvActions(
    actions: Int32Array | Float32Array,
    rows: number,
    out: Int32Array | Float32Array,
  ): Int32Array | Float32Array;
  /** Called after every step (N environment steps) with its finished episodes; false stops. */
  onStep(finished: VectorStepResult["finishedEpisodes"]): boolean | Promise<boolean>;
}

/** Scratch buffers of {@link collectRollout}, allocated once per agent. */
export class RolloutScratch {
  /** Environment-side actions. */
  readonly envActions: Int32Array | Float32Array;
  /** Final observations of truncated episodes, packed. */
  readonly finalObs: Float32Array;
  /** Their values. */
  readonly finalOut: Float32Array;
  /** Values of the last observations. */
  readonly lastOut: Float32Array;
  /** Indices of the truncated copies. */
  readonly truncIdx: Int32Array;

  /** Buffers for `numEnvs` copies of `policy`. */
  constructor(policy: ActorCritic, numEnvs: number) {
    this.envActions = policy.head.createActions(numEnvs);
    this.finalObs = new Float32Array(numEnvs * policy.obsDim);
    this.finalOut = new Float32Array(numEnvs);
    this.lastOut = new Float32Array(numEnvs);
    this.truncIdx = new Int32Array(numEnvs);
  }
}

/**
 * Fills `buf` with `T` steps of every environment (see the module doc). Returns false
 * when `ctx.onStep` asked to stop (the buffer is then incomplete and must not be used).
 */
export async function collectRollout(
  ctx: RolloutContext,
  buf: RolloutBuffer,
  scratch: RolloutScratch,
): Promise<boolean> {
  const { policy, envs, rng } = ctx;
  const N = buf.numEnvs, obsDim = policy.obsDim;
  for (let t = 0; t < buf.numSteps; t++) {
    const o = buf.obsViews[t];
    o.set(envs.observations);
    const view = buf.stepViews[t];
    policy.act(o, N, rng, view);
    const envActions = ctx.toEnvActions(view.actions, N, scratch.envActions);
    let res = envs.step(envActions);
    if (res instanceof Promise) res = await res;
    const base = t * N;
    let nTrunc = 0;
    for (let i = 0; i < N; i++) {
      const term = res.terminated[i], trunc = res.truncated[i];
      buf.rewards[base + i] = res.rewards[i];
      buf.terminated[base + i] = term;
      buf.truncated[base + i] = trunc;
      buf.finalValues[base + i] = 0;
      if (trunc !== 0 && term === 0) {
        scratch.finalObs.set(
          res.finalObservations.subarray(i * obsDim, (i + 1) * obsDim),
          nTrunc * obsDim,
        );
        scratch.truncIdx[nTrunc++] = i;
      }
    }
    if (nTrunc > 0) {
      policy.valuesInto(scratch.finalObs, nTrunc, scratch.finalOut);
      for (let k = 0; k < nTrunc; k++) {
        buf.finalValues[base + scratch.truncIdx[k]] = scratch.finalOut[k];
      }
    }
    let go = ctx.onStep(res.finishedEpisodes);
    if (go instanceof Promise) go = await go;
    if (!go) return false;
  }
  policy.valuesInto(envs.observations, N, scratch.lastOut);
  for (let i = 0; i < N; i++) buf.lastValues[i] = scratch.lastOut[i];
  return true;
}
