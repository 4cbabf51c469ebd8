/**
 * A vectorised environment: `N` copies stepped together, with automatic reset. This
 * module loads no validator and no registry (`vector.ts` adds `makeVectorEnv`), so a
 * sandboxed Worker runs it over its slice of copies.
 *
 * **Autoreset convention: SAME-STEP.** When copy `i` ends an episode (terminated or
 * truncated) at a step, that same step resets it: row `i` of `observations` holds the
 * first observation of its *next* episode, and row `i` of `finalObservations` holds the
 * last observation of the finished one (valid only where `terminated[i] || truncated[i]`).
 * Every call to `step` therefore advances every copy by one real transition, and a learner
 * bootstraps a truncated episode from `V(finalObservations[i])`. This is SB3's and
 * Gymnasium 0.x's convention; Gymnasium 1.x's default is NEXT_STEP, where the step after
 * the end does the reset (returning the reset observation with reward 0 and ignoring that
 * step's action), which wastes one step per episode and needs masking in the learner.
 *
 * **Buffers.** Actions are flat: `Int32Array(N)` for discrete action spaces,
 * `Float32Array(N × actDim)` for boxes (`Int32Array(N × len)` for multi-discrete and
 * multi-binary). All
 * result buffers (`observations`, `rewards`, flags, `finalObservations`,
 * `finishedEpisodes`) are **reused by every `reset`/`step`**: copy what you keep.
 * `reset(seed)` seeds copy `i` with `seed + i`.
 *
 * **Reset streams and state** (option `seedStreams`). Copy `i` then owns a generator
 * `stream_i`, re-seeded `seed + i` by `reset(seed)`; every later episode of copy `i` is
 * reset with the seed `stream_i.nextUint32()`. The only randomness a copy holds between
 * resets is thereby re-created from a saved stream state, so {@link VectorEnv.getState}
 * (per-copy physical states from `StatefulEnv.getState`, current observations, episode
 * returns and lengths, which are also the time-limit counters, normaliser statistics and
 * stream states) and {@link VectorEnv.setState} resume a run bit for bit, on the fast and
 * on the generic path. Without `seedStreams`, later episodes continue each copy's own
 * generator (Gymnasium's `SyncVectorEnv`), and a state is marked inexact.
 *
 * **Speed.** When every copy is a `FastStepEnv` (possibly inside a `TimeLimit`), `step` calls
 * `stepInto` directly, counts the time limit itself and allocates nothing. Otherwise copies
 * are stepped through `step`; if any returns a Promise, `step` returns a Promise and all
 * copies are awaited in parallel (`Promise.all`). Synchronous copies never see a Promise.
 *
 * **Normalisation** (optional, for the algorithms; SB3 `VecNormalize` style with
 * Gymnasium's formulas): one shared {@link ObservationNormalizer} across the `N` copies is
 * updated with each step's `observations` and applied to `observations` and
 * `finalObservations`; a {@link RewardNormalizer} keeps one discounted return per copy
 * (`G_i ← γ·G_i + r_i`, reset to 0 when the copy's episode ends) and divides rewards by
 * `√(σ²_G + ε)`. `finishedEpisodes` always reports the raw, un-normalised returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VectorEnv } from "./vector_env.ts";
 * import type { Env } from "./types.ts";
 * const coin = (): Env => {
 *   let t = 0;
 *   return {
 *     observationSpace: { type: "box", low: 0, high: 10, shape: [1] },
 *     actionSpace: { type: "discrete", n: 2 },
 *     reset: () => ({ observation: [(t = 0)], info: {} }),
 *     step: () => ({ observation: [++t], reward: 1, terminated: t >= 2, truncated: false, info: {} }),
 *   };
 * };
 * const vec = VectorEnv.fromEnvs([coin(), coin()]);
 * vec.reset(0);
 * vec.step(new Int32Array(2));
 * const r = vec.step(new Int32Array(2));
 * if (r instanceof Promise) throw new Error("sync envs step synchronously");
 * assert.ok(r.terminated[0] === 1 && r.finalObservations[0] === 2 && r.observations[0] === 0);
 * ```
 * @module
 */
import { Rng, type RngState } from "../random.ts";
import { EnvError } from "./errors.ts";
import { flatDim, preview } from "./space_utils.ts";
import type { Space } from "./spaces.ts";
import { isFastStepEnv, isPromiseLike } from "./types.ts";
import type { Action, Env, FastStepEnv, MaybePromise, ResetResult, StepResult } from "./types.ts";
import { TimeLimit } from "./wrappers/time_limit.ts";
import { Wrapper } from "./wrappers/wrapper.ts";
import { ObservationNormalizer, RewardNormalizer } from "./wrappers/normalizers.ts";
import type * as normalizers from "./wrappers/normalizers.ts";

/** One finished episode of one copy. */
export interface FinishedEpisode {
  /** Index of the copy. */
  env: number;
  /** Raw (un-normalised) undiscounted return. */
  return: number;
  /** Length in steps. */
  length: number;
}

/** What {@link VectorEnvLike.step} returns; every buffer is reused by the next call. */
export interface VectorStepResult {
  /** `N × obsDim` observations, after autoreset. */
  observations: Float32Array;
  /** `N` rewards (normalised when reward normalisation is on). */
  rewards: Float64Array;
  /** `N` terminated flags (1/0). */
  terminated: Uint8Array;
  /** `N` truncated flags (1/0). */
  truncated: Uint8Array;
  /** `N × obsDim`; row `i` is the last observation of the finished episode where `terminated[i] || truncated[i]`. */
  finalObservations: Float32Array;
  /** Episodes that ended at this step, with raw returns. */
  finishedEpisodes: FinishedEpisode[];
}

/** The interface algorithms step (this class, or any other batched simulator). */
export interface VectorEnvLike {
  /** Number of copies `N`. */
  readonly numEnvs: number;
  /** Elements of one flattened observation. */
  readonly obsDim: number;
  /** The observation space of one copy. */
  readonly singleObservationSpace: Space;
  /** The action space of one copy. */
  readonly singleActionSpace: Space;
  /** Resets every copy (copy `i` seeded with `seed + i`); returns `N × obsDim` observations. */
  reset(seed?: number): MaybePromise<Float32Array>;
  /** Steps every copy with flat `actions`. */
  step(actions: Int32Array | Float32Array): MaybePromise<VectorStepResult>;
  /** Closes every copy. */
  close(): MaybePromise<void>;
}

/** Options of {@link VectorEnv.create} and {@link VectorEnv.fromEnvs}. */
export interface VectorEnvOptions {
  /** The id named in errors. */
  id?: string;
  /** Normalise observations (shared statistics); `true` for the defaults. */
  normalizeObservation?: normalizers.ObservationNormalizerOptions | boolean;
  /** Normalise rewards (shared statistics, per-copy returns); `true` for γ = 0.99. */
  normalizeReward?: normalizers.RewardNormalizerOptions | boolean;
  /**
   * Reset every later episode of copy `i` with a seed drawn from a per-copy stream
   * (see the module doc); needed for an exact {@link VectorEnv.getState}.
   */
  seedStreams?: boolean;
}

/** The complete, JSON-serialisable state of a {@link VectorEnv} (checkpoint format). */
export interface VectorEnvState {
  /** Current observations (`N × obsDim`, after normalisation), as numbers. */
  observations: number[];
  /** Per-copy physical state (`null` when a copy cannot report it). */
  envStates: (number[] | null)[];
  /** Per-copy reset streams. */
  seedStreams: RngState[];
  /** Steps of the current episode of each copy (the time-limit counters). */
  steps: number[];
  /** Raw return so far of each copy's episode. */
  returns: number[];
  /** Length so far of each copy's episode. */
  lengths: number[];
  /** Observation normaliser, if any. */
  obsNorm: normalizers.ObservationNormalizerState | null;
  /** Reward normaliser, if any. */
  rewardNorm: normalizers.RewardNormalizerState | null;
  /** False when a copy could not report its state or there are no reset streams. */
  exact: boolean;
}

/** `N` environments stepped together with SAME-STEP autoreset (see the module doc). */
export class VectorEnv implements VectorEnvLike {
  /** The copies. */
  readonly envs: readonly Env[];
  /** Number of copies. */
  readonly numEnvs: number;
  /** Elements of one flattened observation. */
  readonly obsDim: number;
  /** Elements of one flattened action (1 for discrete). */
  readonly actDim: number;
  /** The observation space of one copy. */
  readonly singleObservationSpace: Space;
  /** The action space of one copy. */
  readonly singleActionSpace: Space;
  /** The id named in errors. */
  readonly id: string;
  /** True when the allocation-free `stepInto` path is used. */
  readonly fastPath: boolean;
  /** The shared observation normaliser, or `null`. */
  readonly obsNormalizer: ObservationNormalizer | null;
  /** The reward normaliser, or `null`. */
  readonly rewardNormalizer: RewardNormalizer | null;

  readonly #fast: FastStepEnv[];
  readonly #limits: Int32Array;
  readonly #episodeReturns: Float64Array;
  readonly #episodeLengths: Int32Array;
  readonly #actionBuffers: (Float32Array | Int32Array)[];
  readonly #done: Uint8Array;
  readonly #pending: MaybePromise<StepResult>[];
  readonly #result: VectorStepResult;
  readonly #streams: Rng[] | null;
  /** True until the first `reset` or `setState` (a step before it is an error). */
  protected needsReset = true;

  /** Builds `numEnvs` copies with `makeEnv(i)` (awaited when it returns a Promise). */
  static async create(
    makeEnv: (i: number) => Env | Promise<Env>,
    numEnvs: number,
    opts: VectorEnvOptions = {},
  ): Promise<VectorEnv> {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new EnvError(
        opts.id ?? "<vector>",
        "VectorEnv.create",
        "numEnvs",
        "must be a positive integer",
        numEnvs,
      );
    }
    const envs: Env[] = [];
    for (let i = 0; i < numEnvs; i++) envs.push(await makeEnv(i));
    return new VectorEnv(envs, opts);
  }

  /** Wraps existing environments (same spaces required). */
  static fromEnvs(envs: Env[], opts: VectorEnvOptions = {}): VectorEnv {
    return new VectorEnv(envs, opts);
  }

  /** Prefer {@link VectorEnv.create} or {@link VectorEnv.fromEnvs}. */
  constructor(envs: Env[], opts: VectorEnvOptions = {}) {
    const id = opts.id ?? "<vector>";
    this.id = id;
    if (!Array.isArray(envs) || envs.length === 0) {
      throw new EnvError(
        id,
        "VectorEnv",
        "envs",
        "must be a non-empty array of environments",
        envs,
      );
    }
    const obsSpace = envs[0].observationSpace;
    const actSpace = envs[0].actionSpace;
    for (const key of ["observationSpace", "actionSpace"] as const) {
      const first = JSON.stringify(envs[0][key]);
      envs.forEach((e, i) => {
        if (JSON.stringify(e[key]) !== first) {
          throw new EnvError(
            id,
            "VectorEnv",
            `envs.${i}.${key}`,
            `differs from envs.0's ${first}`,
            e[key],
          );
        }
      });
    }
    const n = envs.length;
    this.envs = envs.slice();
    this.numEnvs = n;
    this.singleObservationSpace = obsSpace;
    this.singleActionSpace = actSpace;
    this.obsDim = flatDim(obsSpace);
    this.actDim = flatDim(actSpace);
    this.#limits = new Int32Array(n);
    this.#episodeReturns = new Float64Array(n);
    this.#episodeLengths = new Int32Array(n);
    this.#done = new Uint8Array(n);
    this.#pending = new Array(n);
    this.#actionBuffers = envs.map(() =>
      actSpace.type === "multi-discrete" || actSpace.type === "multi-binary"
        ? new Int32Array(this.actDim)
        : new Float32Array(this.actDim)
    );
    // The fast path: every copy a FastStepEnv, possibly inside (nested) TimeLimits.
    const fast: FastStepEnv[] = [];
    for (let i = 0; i < n; i++) {
      let e: Env = envs[i];
      let limit = 0;
      while (e instanceof TimeLimit && e.fastEnv) {
        limit = limit === 0 ? e.maxEpisodeSteps : Math.min(limit, e.maxEpisodeSteps);
        e = e.fastEnv;
      }
      if (!isFastStepEnv(e)) break;
      fast.push(e);
      this.#limits[i] = limit;
    }
    this.fastPath = fast.length === n && actSpace.type !== "multi-discrete" &&
      actSpace.type !== "multi-binary";
    this.#fast = this.fastPath ? fast : [];
    this.#result = {
      observations: new Float32Array(n * this.obsDim),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObservations: new Float32Array(n * this.obsDim),
      finishedEpisodes: [],
    };
    const on = opts.normalizeObservation;
    this.obsNormalizer = on ? new ObservationNormalizer(this.obsDim, on === true ? {} : on) : null;
    const rn = opts.normalizeReward;
    this.rewardNormalizer = rn ? new RewardNormalizer(n, rn === true ? {} : rn) : null;
    this.#streams = opts.seedStreams ? envs.map((_, i) => new Rng(i)) : null;
  }

  /** The current observations (`N × obsDim`; the buffer `reset` and `step` rewrite). */
  get observations(): Float32Array {
    return this.#result.observations;
  }

  /** Resets every copy; copy `i` is seeded with `seed + i`. Returns the reused observation buffer. */
  reset(seed?: number): MaybePromise<Float32Array> {
    const n = this.numEnvs;
    const obs = this.#result.observations;
    this.#episodeReturns.fill(0);
    this.#episodeLengths.fill(0);
    this.rewardNormalizer?.returns.fill(0);
    this.needsReset = false;
    if (seed !== undefined) this.#streams?.forEach((s, i) => s.seed(seed + i));
    if (this.fastPath) {
      for (let i = 0; i < n; i++) {
        this.#fast[i].resetInto(obs, i * this.obsDim, seed === undefined ? undefined : seed + i);
      }
      return this.normalizeResetObservations();
    }
    const results: MaybePromise<ResetResult>[] = [];
    let anyPromise = false;
    for (let i = 0; i < n; i++) {
      const r = this.envs[i].reset(seed === undefined ? undefined : { seed: seed + i });
      if (isPromiseLike(r)) anyPromise = true;
      results.push(r);
    }
    const finish = (rs: ResetResult[]) => {
      for (let i = 0; i < n; i++) this.#writeObservation(obs, i, rs[i]?.observation, "reset");
      return this.normalizeResetObservations();
    };
    return anyPromise ? Promise.all(results).then(finish) : finish(results as ResetResult[]);
  }

  /** The result buffers `reset` and `step` rewrite (for subclasses that step elsewhere). */
  protected get stepResult(): VectorStepResult {
    return this.#result;
  }

  /** Updates the observation normaliser with the reset observations and applies it. */
  protected normalizeResetObservations(): Float32Array {
    const obs = this.#result.observations;
    const norm = this.obsNormalizer;
    if (norm) {
      norm.update(obs, this.numEnvs);
      norm.normalizeInPlace(obs, this.numEnvs);
    }
    return obs;
  }

  /** Steps every copy with flat `actions` (see the module doc for layout and autoreset). */
  step(actions: Int32Array | Float32Array): MaybePromise<VectorStepResult> {
    const n = this.numEnvs;
    this.checkStep(actions);
    const res = this.#result;
    res.finishedEpisodes.length = 0;
    if (this.fastPath) return this.#stepFast(actions);
    let anyPromise = false;
    for (let i = 0; i < n; i++) {
      const r = this.envs[i].step(this.#actionFor(i, actions));
      if (isPromiseLike(r)) anyPromise = true;
      this.#pending[i] = r;
    }
    if (anyPromise) return Promise.all(this.#pending).then((rs) => this.#collect(rs));
    return this.#collect(this.#pending as StepResult[]);
  }

  /**
   * Throws unless a step may be taken with `actions`: `reset` (or `setState`) was called
   * and there are `N` (discrete) or `N × actDim` values.
   */
  protected checkStep(actions: Int32Array | Float32Array): void {
    const n = this.numEnvs;
    if (this.needsReset) {
      throw new EnvError(this.id, "step", "(state)", "call reset() before the first step", "step");
    }
    const expected = this.singleActionSpace.type === "discrete" ? n : n * this.actDim;
    if (!actions || actions.length !== expected) {
      throw new EnvError(
        this.id,
        "step",
        "actions.length",
        `must be ${expected} (N × actDim, flat)`,
        actions?.length,
      );
    }
  }

  #actionFor(i: number, actions: Int32Array | Float32Array): Action {
    if (this.singleActionSpace.type === "discrete") return actions[i];
    const buf = this.#actionBuffers[i];
    const d = this.actDim;
    for (let j = 0; j < d; j++) buf[j] = actions[i * d + j];
    return buf;
  }

  #stepFast(actions: Int32Array | Float32Array): VectorStepResult {
    const n = this.numEnvs;
    const d = this.obsDim;
    const res = this.#result;
    const obs = res.observations;
    const rewards = res.rewards;
    const terminated = res.terminated;
    const truncated = res.truncated;
    const fast = this.#fast;
    const limits = this.#limits;
    const returns = this.#episodeReturns;
    const lengths = this.#episodeLengths;
    const discrete = this.singleActionSpace.type === "discrete";
    for (let i = 0, off = 0; i < n; i++, off += d) {
      const env = fast[i];
      const r = discrete
        ? env.stepInto(actions[i], obs, off, terminated, i)
        : env.stepInto(this.#actionFor(i, actions) as Float32Array, obs, off, terminated, i);
      rewards[i] = r;
      returns[i] += r;
      const length = ++lengths[i];
      const limit = limits[i];
      const trunc = limit > 0 && length >= limit ? 1 : 0;
      truncated[i] = trunc;
      if ((terminated[i] | trunc) !== 0) env.resetInto(obs, off, this.#endEpisode(i));
    }
    if (this.obsNormalizer !== null || this.rewardNormalizer !== null) this.normalizeStep();
    return res;
  }

  /**
   * Ends copy `i`'s episode at this step (the autoreset bookkeeping of both paths): keeps
   * its last observation in `finalObservations`, reports the episode, restarts its
   * counters, and returns the seed of its next episode (from its stream, if any).
   */
  #endEpisode(i: number): number | undefined {
    const res = this.#result;
    const obs = res.observations;
    const final = res.finalObservations;
    const d = this.obsDim;
    for (let j = i * d; j < (i + 1) * d; j++) final[j] = obs[j];
    res.finishedEpisodes.push({
      env: i,
      return: this.#episodeReturns[i],
      length: this.#episodeLengths[i],
    });
    this.#episodeReturns[i] = 0;
    this.#episodeLengths[i] = 0;
    return this.#streams?.[i].nextUint32();
  }

  #collect(rs: StepResult[]): MaybePromise<VectorStepResult> {
    const n = this.numEnvs;
    const res = this.#result;
    const obs = res.observations;
    let resets: Promise<void>[] | null = null;
    for (let i = 0; i < n; i++) {
      const r = rs[i];
      this.#writeObservation(obs, i, r?.observation, "step");
      const reward = r.reward;
      res.rewards[i] = reward;
      res.terminated[i] = r.terminated ? 1 : 0;
      res.truncated[i] = r.truncated ? 1 : 0;
      this.#episodeReturns[i] += reward;
      this.#episodeLengths[i]++;
      if (!r.terminated && !r.truncated) continue;
      const seed = this.#endEpisode(i);
      const reset = this.envs[i].reset(seed === undefined ? undefined : { seed });
      if (isPromiseLike(reset)) {
        (resets ??= []).push(
          reset.then((rr) => this.#writeObservation(obs, i, rr?.observation, "reset")),
        );
      } else {
        this.#writeObservation(obs, i, reset?.observation, "reset");
      }
    }
    const finish = (): VectorStepResult => {
      if (this.obsNormalizer !== null || this.rewardNormalizer !== null) this.normalizeStep();
      return res;
    };
    return resets ? Promise.all(resets).then(finish) : finish();
  }

  #writeObservation(out: Float32Array, i: number, observation: unknown, method: string): void {
    const d = this.obsDim;
    const off = i * d;
    if (typeof observation === "number" && d === 1) {
      out[off] = observation;
      return;
    }
    const o = observation as ArrayLike<number> | undefined;
    if (o === null || typeof o !== "object" || o.length !== d) {
      throw new EnvError(
        this.id,
        method,
        `envs.${i}.observation`,
        `must be ${d} numbers (flatDim of the observation space)`,
        preview(observation),
      );
    }
    for (let j = 0; j < d; j++) out[off + j] = o[j];
  }

  /**
   * Applies the normalisers to a step's raw results in the result buffers: the shared
   * observation statistics are updated with all `N` observations, which are normalised
   * (with the final observations of the copies that ended); rewards are scaled by the
   * per-copy discounted returns.
   */
  protected normalizeStep(): void {
    const res = this.#result;
    const n = this.numEnvs;
    const done = this.#done;
    for (let i = 0; i < n; i++) done[i] = res.terminated[i] | res.truncated[i];
    const norm = this.obsNormalizer;
    if (norm) {
      norm.update(res.observations, n);
      norm.normalizeInPlace(res.observations, n);
      for (let i = 0; i < n; i++) {
        if (done[i]) norm.normalizeInPlace(res.finalObservations, 1, i * this.obsDim);
      }
    }
    this.rewardNormalizer?.normalizeInPlace(res.rewards, done);
  }

  /** The complete state (see {@link VectorEnvState}); `reset` must have been called. */
  getState(): VectorEnvState {
    const envStates = this.envs.map((e) => {
      const s = e as Partial<{ getState(): number[] }>;
      return typeof s.getState === "function" ? Array.from(s.getState()) : null;
    });
    const lengths = Array.from(this.#episodeLengths);
    return {
      observations: Array.from(this.#result.observations),
      envStates,
      seedStreams: (this.#streams ?? []).map((r) => r.getState()),
      steps: lengths,
      returns: Array.from(this.#episodeReturns),
      lengths,
      obsNorm: this.obsNormalizer?.getState() ?? null,
      rewardNorm: this.rewardNormalizer?.getState() ?? null,
      exact: this.#streams !== null && envStates.every((s) => s !== null),
    };
  }

  /**
   * Restores a state from {@link VectorEnv.getState} (of a vector env built the same way).
   * An exact state continues every episode where it was, time-limit counters included; an
   * inexact one (some copy had no `getState`) starts a new episode in every copy, seeded
   * from its restored stream.
   * @throws EnvError when the state is for another number of copies or observations
   */
  setState(state: VectorEnvState): MaybePromise<void> {
    const n = this.numEnvs;
    const streams = this.#streams;
    if (
      state.observations.length !== n * this.obsDim ||
      state.seedStreams.length !== (streams?.length ?? 0)
    ) {
      throw new EnvError(
        this.id,
        "setState",
        "state",
        `must be for ${n} copies of ${this.obsDim} observations` +
          (streams ? " with reset streams" : " without reset streams"),
        `${state.seedStreams.length} streams, ${state.observations.length} observations`,
      );
    }
    state.seedStreams.forEach((s, i) => streams![i].setState(s));
    if (state.obsNorm && this.obsNormalizer) this.obsNormalizer.setState(state.obsNorm);
    if (state.rewardNorm && this.rewardNormalizer) {
      this.rewardNormalizer.setState(state.rewardNorm);
    }
    this.needsReset = false;
    if (state.exact) {
      for (let i = 0; i < n; i++) {
        const e = this.envs[i] as Partial<{ setState(s: ArrayLike<number>): void }>;
        e.setState!(state.envStates[i]!);
        // The generic path's time limits count inside their wrappers.
        for (let w: Env = this.envs[i]; w instanceof Wrapper; w = w.env) {
          if (w instanceof TimeLimit) w.elapsedSteps = state.lengths[i];
        }
      }
      this.#result.observations.set(state.observations);
      this.#episodeReturns.set(state.returns);
      this.#episodeLengths.set(state.lengths);
      return;
    }
    // Inexact: a new episode in every copy, from the restored streams.
    this.#episodeReturns.fill(0);
    this.#episodeLengths.fill(0);
    this.rewardNormalizer?.returns.fill(0);
    const obs = this.#result.observations;
    const resets: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const seed = streams?.[i].nextUint32();
      const r = this.envs[i].reset(seed === undefined ? undefined : { seed });
      if (isPromiseLike(r)) {
        resets.push(r.then((x) => this.#writeObservation(obs, i, x?.observation, "reset")));
      } else this.#writeObservation(obs, i, r?.observation, "reset");
    }
    const finish = () => this.obsNormalizer?.normalizeInPlace(obs, n);
    if (resets.length) return Promise.all(resets).then(finish);
    finish();
  }

  /** Closes every copy (in parallel when asynchronous). */
  close(): MaybePromise<void> {
    const pending: Promise<void>[] = [];
    for (const e of this.envs) {
      const r = e.close?.();
      if (isPromiseLike(r)) pending.push(r);
    }
    if (pending.length) return Promise.all(pending).then(() => {});
  }
}
