/**
 * The training-side vector environment: `N` copies with SAME-STEP autoreset, exactly the
 * contract of `envs/vector.ts`'s `VectorEnv` (row `i` of `observations` is the next
 * episode's first observation when copy `i` finished, `finalObservations` row `i` the
 * finished episode's last one), plus a complete **snapshot** of its state for bit-exact
 * resumption of training.
 *
 * What makes the snapshot possible: every episode of copy `i` is reset with a seed drawn
 * from a per-copy stream `seed_{i,k+1} = stream_i.nextUint32()` (the stream starts from
 * `Rng(seed + i)`; the first episode is seeded `seed + i`, as `VectorEnv.reset(seed)`), so
 * the only randomness an environment holds between resets is re-created from a saved
 * stream state. The physical state comes from `StatefulEnv.getState/setState` (all
 * classic-control environments, through `TimeLimit`). Environments without `getState`, or
 * that draw random numbers inside `step`, are still trained but their snapshot is marked
 * inexact and a resumed run restarts their episodes.
 *
 * Normalisation as `VectorEnv`: a shared `ObservationNormalizer` updated with every
 * step's observations and applied to `observations` and `finalObservations`; a
 * `RewardNormalizer` with one discounted return per copy. `finishedEpisodes` report raw
 * returns. Buffers are reused by every call: copy what you keep.
 * @module
 */
import { Rng, type RngState } from "../random.ts";
import {
  type Env,
  type FastStepEnv,
  flatDim,
  isFastStepEnv,
  isPromiseLike,
  make,
  type MaybePromise,
  ObservationNormalizer,
  type ObservationNormalizerState,
  preview,
  RewardNormalizer,
  type RewardNormalizerState,
  type Space,
  type StepResult,
  TimeLimit,
  type VectorEnvLike,
  type VectorStepResult,
} from "../envs/mod.ts";

/** Options of {@link EnvRunner.create}. */
export interface EnvRunnerOptions {
  /** Options for the environment constructor (`make(id, { envOptions })`). */
  envOptions?: Record<string, unknown>;
  /** Normalise observations (clip 10, as CleanRL/SB3). */
  normalizeObservation?: boolean;
  /** Normalise rewards with this discount (clip 10); `null`/absent for none. */
  normalizeRewardGamma?: number | null;
}

/** The complete, JSON-serialisable state of an {@link EnvRunner}. */
export interface EnvRunnerState {
  /** Current observations (`N × obsDim`, after normalisation), as numbers. */
  observations: number[];
  /** Per-copy physical state (`null` when a copy cannot report it). */
  envStates: (number[] | null)[];
  /** Per-copy episode-seed streams. */
  seedStreams: RngState[];
  /** Steps of the current episode of each copy (time limit). */
  steps: number[];
  /** Raw return so far of each copy's episode. */
  returns: number[];
  /** Length so far of each copy's episode. */
  lengths: number[];
  /** Observation normaliser, if any. */
  obsNorm: ObservationNormalizerState | null;
  /** Reward normaliser, if any. */
  rewardNorm: RewardNormalizerState | null;
  /** False when some copy could not report its state (resume restarts episodes). */
  exact: boolean;
}

/** `N` copies of one environment, stepped together, with a savable state. */
export class EnvRunner implements VectorEnvLike {
  /** The environment id. */
  readonly id: string;
  /** The copies (as made, wrappers included). */
  readonly envs: readonly Env[];
  /** Number of copies N. */
  readonly numEnvs: number;
  /** Elements of one observation. */
  readonly obsDim: number;
  /** Elements of one action (1 for discrete). */
  readonly actDim: number;
  /** Observation space of one copy. */
  readonly singleObservationSpace: Space;
  /** Action space of one copy. */
  readonly singleActionSpace: Space;
  /** The observation normaliser, or `null`. */
  readonly obsNormalizer: ObservationNormalizer | null;
  /** The reward normaliser, or `null`. */
  readonly rewardNormalizer: RewardNormalizer | null;
  /** True when the allocation-free `stepInto` path is used. */
  readonly fastPath: boolean;

  readonly #fast: FastStepEnv[];
  readonly #limits: Int32Array;
  readonly #steps: Int32Array;
  readonly #returns: Float64Array;
  readonly #lengths: Int32Array;
  readonly #done: Uint8Array;
  readonly #streams: Rng[];
  readonly #actionBuffers: Float32Array[];
  readonly #result: VectorStepResult;
  #started = false;

  /** Makes `numEnvs` copies of `id` from the default registry. */
  static async create(
    id: string,
    numEnvs: number,
    opts: EnvRunnerOptions = {},
  ): Promise<EnvRunner> {
    const envs: Env[] = [];
    for (let i = 0; i < numEnvs; i++) {
      envs.push(await make(id, { envOptions: opts.envOptions ?? {} }));
    }
    return new EnvRunner(id, envs, opts);
  }

  /** Wraps existing copies (the same spaces are assumed). */
  constructor(id: string, envs: Env[], opts: EnvRunnerOptions = {}) {
    if (envs.length < 1) throw new RangeError(`EnvRunner(${id}): numEnvs must be at least 1`);
    this.id = id;
    this.envs = envs;
    const n = envs.length;
    this.numEnvs = n;
    this.singleObservationSpace = envs[0].observationSpace;
    this.singleActionSpace = envs[0].actionSpace;
    if (this.singleActionSpace.type === "multi-discrete") {
      throw new TypeError(
        `EnvRunner(${id}): multi-discrete action spaces are not supported by the algorithms`,
      );
    }
    this.obsDim = flatDim(this.singleObservationSpace);
    this.actDim = flatDim(this.singleActionSpace);
    this.#limits = new Int32Array(n);
    this.#steps = new Int32Array(n);
    this.#returns = new Float64Array(n);
    this.#lengths = new Int32Array(n);
    this.#done = new Uint8Array(n);
    this.#streams = envs.map((_, i) => new Rng(i));
    this.#actionBuffers = envs.map(() => new Float32Array(this.actDim));
    const fast: FastStepEnv[] = [];
    for (let i = 0; i < n; i++) {
      const e = envs[i];
      if (e instanceof TimeLimit && e.fastEnv) {
        fast.push(e.fastEnv);
        this.#limits[i] = e.maxEpisodeSteps;
      } else if (!(e instanceof TimeLimit) && isFastStepEnv(e)) {
        fast.push(e);
      } else break;
    }
    this.fastPath = fast.length === n;
    this.#fast = this.fastPath ? fast : [];
    this.#result = {
      observations: new Float32Array(n * this.obsDim),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObservations: new Float32Array(n * this.obsDim),
      finishedEpisodes: [],
    };
    this.obsNormalizer = opts.normalizeObservation
      ? new ObservationNormalizer(this.obsDim, { clip: 10 })
      : null;
    const g = opts.normalizeRewardGamma;
    this.rewardNormalizer = g === null || g === undefined
      ? null
      : new RewardNormalizer(n, { gamma: g, clip: 10 });
  }

  /** The current observations (`N × obsDim`; the buffer `step` rewrites). */
  get observations(): Float32Array {
    return this.#result.observations;
  }

  /** Resets every copy: copy `i` is seeded `seed + i`, its later episodes from a stream. */
  reset(seed = 0): MaybePromise<Float32Array> {
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) this.#streams[i].seed(seed + i);
    this.#steps.fill(0);
    this.#returns.fill(0);
    this.#lengths.fill(0);
    this.rewardNormalizer?.returns.fill(0);
    this.#started = true;
    const obs = this.#result.observations;
    if (this.fastPath) {
      for (let i = 0; i < n; i++) this.#fast[i].resetInto(obs, i * this.obsDim, seed + i);
      return this.#afterReset();
    }
    const pending: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.envs[i].reset({ seed: seed + i });
      if (isPromiseLike(r)) pending.push(r.then((x) => this.#write(obs, i, x.observation)));
      else this.#write(obs, i, r.observation);
    }
    return pending.length
      ? Promise.all(pending).then(() => this.#afterReset())
      : this.#afterReset();
  }

  #afterReset(): Float32Array {
    const obs = this.#result.observations;
    if (this.obsNormalizer) {
      this.obsNormalizer.update(obs, this.numEnvs);
      this.obsNormalizer.normalizeInPlace(obs, this.numEnvs);
    }
    return obs;
  }

  /** Steps every copy with flat actions (`Int32Array(N)` discrete, `Float32Array(N·d)` box). */
  step(actions: Int32Array | Float32Array): MaybePromise<VectorStepResult> {
    if (!this.#started) throw new Error(`EnvRunner(${this.id}).step: call reset() first`);
    const res = this.#result;
    res.finishedEpisodes.length = 0;
    if (this.fastPath) {
      this.#stepFast(actions);
      return this.#afterStep();
    }
    const n = this.numEnvs;
    const results: MaybePromise<StepResult>[] = new Array(n);
    let anyPromise = false;
    for (let i = 0; i < n; i++) {
      const r = this.envs[i].step(this.#action(i, actions));
      if (isPromiseLike(r)) anyPromise = true;
      results[i] = r;
    }
    if (anyPromise) {
      return Promise.all(results).then((rs) => {
        const resets = this.#collect(rs);
        return resets ? resets.then(() => this.#afterStep()) : this.#afterStep();
      });
    }
    const resets = this.#collect(results as StepResult[]);
    return resets ? resets.then(() => this.#afterStep()) : this.#afterStep();
  }

  #action(i: number, actions: Int32Array | Float32Array): number | Float32Array {
    if (this.singleActionSpace.type === "discrete") return actions[i];
    const d = this.actDim;
    const buf = this.#actionBuffers[i];
    for (let j = 0; j < d; j++) buf[j] = actions[i * d + j];
    return buf;
  }

  #nextSeed(i: number): number {
    return this.#streams[i].nextUint32();
  }

  #stepFast(actions: Int32Array | Float32Array): void {
    const n = this.numEnvs, d = this.obsDim;
    const res = this.#result;
    const { observations: obs, rewards, terminated, truncated, finalObservations } = res;
    const discrete = this.singleActionSpace.type === "discrete";
    for (let i = 0; i < n; i++) {
      const env = this.#fast[i];
      const off = i * d;
      const r = env.stepInto(
        discrete ? actions[i] : this.#action(i, actions) as Float32Array,
        obs,
        off,
        terminated,
        i,
      );
      rewards[i] = r;
      this.#returns[i] += r;
      this.#lengths[i]++;
      const limit = this.#limits[i];
      const trunc = limit > 0 && ++this.#steps[i] >= limit ? 1 : 0;
      truncated[i] = trunc;
      if (terminated[i] !== 0 || trunc !== 0) {
        for (let j = 0; j < d; j++) finalObservations[off + j] = obs[off + j];
        res.finishedEpisodes.push({ env: i, return: this.#returns[i], length: this.#lengths[i] });
        this.#returns[i] = 0;
        this.#lengths[i] = 0;
        this.#steps[i] = 0;
        env.resetInto(obs, off, this.#nextSeed(i));
      }
    }
  }

  #collect(rs: StepResult[]): Promise<unknown> | null {
    const n = this.numEnvs, d = this.obsDim;
    const res = this.#result;
    const obs = res.observations;
    let pending: Promise<void>[] | null = null;
    for (let i = 0; i < n; i++) {
      const r = rs[i];
      this.#write(obs, i, r?.observation);
      res.rewards[i] = r.reward;
      res.terminated[i] = r.terminated ? 1 : 0;
      res.truncated[i] = r.truncated ? 1 : 0;
      this.#returns[i] += r.reward;
      this.#lengths[i]++;
      if (!r.terminated && !r.truncated) continue;
      const off = i * d;
      for (let j = 0; j < d; j++) res.finalObservations[off + j] = obs[off + j];
      res.finishedEpisodes.push({ env: i, return: this.#returns[i], length: this.#lengths[i] });
      this.#returns[i] = 0;
      this.#lengths[i] = 0;
      const reset = this.envs[i].reset({ seed: this.#nextSeed(i) });
      if (isPromiseLike(reset)) {
        (pending ??= []).push(reset.then((x) => this.#write(obs, i, x.observation)));
      } else this.#write(obs, i, reset.observation);
    }
    return pending ? Promise.all(pending) : null;
  }

  #afterStep(): VectorStepResult {
    const res = this.#result;
    const n = this.numEnvs;
    if (this.obsNormalizer === null && this.rewardNormalizer === null) return res;
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
    return res;
  }

  #write(out: Float32Array, i: number, observation: unknown): void {
    const d = this.obsDim, off = i * d;
    if (typeof observation === "number" && d === 1) {
      out[off] = observation;
      return;
    }
    const o = observation as ArrayLike<number> | undefined;
    if (o === null || typeof o !== "object" || o.length !== d) {
      throw new TypeError(
        `EnvRunner(${this.id}): copy ${i} returned an observation that is not ${d} numbers: ${
          preview(observation)
        }`,
      );
    }
    for (let j = 0; j < d; j++) out[off + j] = o[j];
  }

  /** The complete state (see {@link EnvRunnerState}). */
  getState(): EnvRunnerState {
    const envStates = this.envs.map((e) => {
      const s = e as Partial<{ getState(): number[] }>;
      return typeof s.getState === "function" ? Array.from(s.getState()) : null;
    });
    return {
      observations: Array.from(this.#result.observations),
      envStates,
      seedStreams: this.#streams.map((r) => r.getState()),
      steps: Array.from(this.#steps),
      returns: Array.from(this.#returns),
      lengths: Array.from(this.#lengths),
      obsNorm: this.obsNormalizer?.getState() ?? null,
      rewardNorm: this.rewardNormalizer?.getState() ?? null,
      exact: envStates.every((s) => s !== null),
    };
  }

  /**
   * Restores a state from {@link EnvRunner.getState}. When the state is inexact (some copy
   * had no `getState`), every copy starts a new episode seeded from its restored stream.
   */
  async setState(state: EnvRunnerState): Promise<void> {
    const n = this.numEnvs;
    if (state.seedStreams.length !== n || state.observations.length !== n * this.obsDim) {
      throw new RangeError(
        `EnvRunner(${this.id}).setState: state is for ${state.seedStreams.length} copies of ` +
          `${state.observations.length / Math.max(1, state.seedStreams.length)} observations, ` +
          `this runner has ${n} × ${this.obsDim}`,
      );
    }
    state.seedStreams.forEach((s, i) => this.#streams[i].setState(s));
    if (state.obsNorm && this.obsNormalizer) this.obsNormalizer.setState(state.obsNorm);
    if (state.rewardNorm && this.rewardNormalizer) {
      this.rewardNormalizer.setState(state.rewardNorm);
    }
    this.#started = true;
    if (state.exact) {
      for (let i = 0; i < n; i++) {
        const e = this.envs[i] as Partial<{ setState(s: ArrayLike<number>): void }>;
        e.setState!(state.envStates[i]!);
        const tl = this.envs[i];
        if (tl instanceof TimeLimit) tl.elapsedSteps = state.steps[i];
      }
      this.#result.observations.set(state.observations);
      this.#steps.set(state.steps);
      this.#returns.set(state.returns);
      this.#lengths.set(state.lengths);
      return;
    }
    // Inexact: restart every episode from the restored seed streams.
    const obs = this.#result.observations;
    this.#steps.fill(0);
    this.#returns.fill(0);
    this.#lengths.fill(0);
    this.rewardNormalizer?.returns.fill(0);
    for (let i = 0; i < n; i++) {
      const r = await this.envs[i].reset({ seed: this.#nextSeed(i) });
      this.#write(obs, i, r.observation);
    }
    this.obsNormalizer?.normalizeInPlace(obs, n);
  }

  /** Closes every copy. */
  async close(): Promise<void> {
    for (const e of this.envs) await e.close?.();
  }
}
