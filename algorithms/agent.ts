/**
 * The base every algorithm extends: one training loop, prediction, checkpoints, the
 * NaN/∞ guard.
 *
 * The loop of {@link Agent.learn}:
 *
 *     repeat until timesteps ≥ totalTimesteps (or a callback returns false):
 *       collect experience with π_θ          (algorithm's `collect`, shared rollout code)
 *       onRolloutEnd
 *       update θ (and φ)                     (algorithm's `update`)
 *       check every loss, gradient and parameter is finite
 *       onUpdateEnd(metrics); checkpoint every `checkpointEvery` steps
 *
 * A checkpoint holds everything needed to continue exactly: parameters, optimiser
 * states, the sampling generator, the environments (physical states, seed streams, step
 * counters, normalisers), the episode window, counters and algorithm state (PPO-KL's β).
 * Resuming from it reproduces the uninterrupted run's parameters bit for bit.
 * @module
 */
import { Rng, type RngState } from "../random.ts";
import { make } from "../envs/mod.ts";
import { flatDim, type Space } from "../envs/spaces.ts";
import { type Action, type Env, isPromiseLike } from "../envs/types.ts";
import { ActorCritic } from "../policies/actor_critic.ts";
import type { PolicySpec } from "../policies/spec.ts";
import {
  type CheckpointTensor,
  type JsonValue,
  loadCheckpoint,
  loadParameters,
  optimizerStateFromCheckpoint,
  optimizerStateToCheckpoint,
  parametersToTensors,
  saveCheckpoint,
} from "../policies/checkpoint.ts";
import { clipGradNorm, gradNorm, type Optimizer, type Parameter } from "../nn/mod.ts";
import { VERSION } from "../version.ts";
import { type Callbacks, combineCallbacks, type RolloutInfo } from "./callbacks.ts";
import type { AlgorithmName, CommonConfig } from "./config.ts";
import { EnvRunner, type EnvRunnerState } from "./env_runner.ts";
import { EpisodeWindow, type UpdateMetrics } from "./metrics.ts";

/** The name of the checkpoint file inside a save directory. */
export const CHECKPOINT_FILE = "checkpoint.safetensors";

/** Options of {@link Agent.learn}. */
export interface LearnOptions {
  /** Train until this many environment steps in total (counting earlier training). */
  totalTimesteps: number;
  /** Hooks (see `callbacks.ts`); a list is called in order. */
  callbacks?: Callbacks | Callbacks[];
  /** Directory for checkpoints (written every `checkpointEvery` steps and at the end). */
  checkpointDir?: string;
  /** Environment steps between checkpoints (0 or absent: only at the end). */
  checkpointEvery?: number;
}

/** Options of {@link Agent.predict}. */
export interface PredictOptions {
  /** Take the most probable action (argmax / Gaussian mean) instead of sampling. */
  deterministic?: boolean;
}

/** What an algorithm's update reports (the loop adds counters, returns, speed). */
export interface UpdateStats {
  /** Policy loss. */
  policyLoss: number;
  /** Value loss (`null` without a critic). */
  valueLoss: number | null;
  /** Mean entropy. */
  entropy: number;
  /** Approximate KL between the policy before and after the update (`null`: not measured). */
  approxKl: number | null;
  /** Clip fraction (PPO-clip); absent for the others (reported as `null`). */
  clipFraction?: number;
  /** Explained variance of the critic (`null` without a critic). */
  explainedVariance: number | null;
  /** Learning rate used. */
  learningRate: number;
  /** Algorithm-specific figures. */
  extra?: Record<string, number>;
}

/** Thrown when a loss, gradient or parameter becomes NaN or infinite. */
export class NonFiniteError extends Error {
  /** Builds the error; the message names where the value appeared. */
  constructor(message: string) {
    super(message);
    this.name = "NonFiniteError";
  }
}

/** The metadata stored with an agent checkpoint. */
interface AgentMetadata {
  format: "ascent-agent/1";
  version: string;
  algo: AlgorithmName;
  config: Record<string, unknown>;
  timesteps: number;
  updates: number;
  totalTimesteps: number | null;
  rng: RngState;
  runner: EnvRunnerState | null;
  window: { returns: number[]; lengths: number[]; total: number };
  optimizers: Record<string, JsonValue>;
  algoState: JsonValue;
}

/** A training algorithm bound to one environment and one policy. */
export abstract class Agent<C extends CommonConfig = CommonConfig> {
  /** The algorithm's name. */
  abstract readonly algo: AlgorithmName;
  /** The validated configuration. */
  readonly config: C;
  /** Environment steps taken in training so far. */
  timesteps = 0;
  /** Updates done so far. */
  updates = 0;
  /** The recent finished episodes. */
  readonly episodeWindow: EpisodeWindow;
  /** The generator of action sampling and minibatch shuffling. */
  protected readonly rng: Rng;
  /** The total of the current (or last) `learn` call, for schedules. */
  protected totalTimesteps: number | null = null;
  #policy: ActorCritic | null = null;
  #runner: EnvRunner | null = null;
  #initRng: Rng;
  #envStarted = false;
  #stop = false;
  #callbacks: Callbacks = {};
  #lastYield = 0;

  /** Validated config in; call {@link Agent.learn} to train. */
  protected constructor(config: C) {
    this.config = config;
    const root = new Rng(config.seed);
    this.#initRng = root.spawn();
    this.rng = root.spawn();
    this.episodeWindow = new EpisodeWindow(config.statsWindow);
  }

  /** The policy (after {@link Agent.ready}). */
  get policy(): ActorCritic {
    if (!this.#policy) {
      throw new Error(`${this.algo}: the agent is not ready; await agent.ready() first`);
    }
    return this.#policy;
  }

  /** The training environments (after {@link Agent.ready}). */
  get runner(): EnvRunner {
    if (!this.#runner) throw new Error(`${this.algo}: the agent is not ready`);
    return this.#runner;
  }

  /** True when the policy has a critic. */
  protected get usesCritic(): boolean {
    return true;
  }

  /** Creates the environments, the networks and the optimisers (idempotent). */
  async ready(): Promise<this> {
    if (this.#runner) return this;
    const c = this.config;
    this.#runner = await EnvRunner.create(c.env, c.numEnvs, {
      envOptions: c.envOptions,
      normalizeObservation: c.normalizeObservation,
      normalizeRewardGamma: c.normalizeReward ? c.gamma : null,
    });
    this.#policy = new ActorCritic({
      observationSpace: this.#runner.singleObservationSpace,
      actionSpace: this.#runner.singleActionSpace,
      hiddenSizes: c.hiddenSizes,
      activation: c.activation,
      logStdInit: c.logStdInit,
      critic: this.usesCritic,
      rng: this.#initRng,
    });
    this.setup();
    return this;
  }

  /** Builds the optimisers and buffers (the policy and runner exist). */
  protected abstract setup(): void;

  /** The optimisers by name (saved in checkpoints). */
  protected abstract optimizers(): Record<string, Optimizer>;

  /**
   * Collects the next batch of experience; returns false when a callback asked to stop.
   * Implementations call {@link Agent.afterStep} after each step.
   */
  protected abstract collect(): Promise<boolean>;

  /** One update of the parameters from the collected batch. */
  protected abstract update(): UpdateStats;

  /** Environment steps the next `collect` will take (for the schedule; 0 if unknown). */
  protected abstract get stepsPerUpdate(): number;

  /** Algorithm state beyond parameters and optimisers (e.g. PPO-KL's β). */
  protected algoState(): JsonValue {
    return null;
  }

  /** Restores {@link Agent.algoState}. */
  protected setAlgoState(_state: JsonValue): void {}

  /** Asks a running {@link Agent.learn} to stop after the current update. */
  requestStop(): void {
    this.#stop = true;
  }

  /** Fraction of training left, `1 − (update − 1)/numUpdates` (CleanRL's annealing). */
  protected progressRemaining(): number {
    const total = this.totalTimesteps ?? 0;
    const per = this.stepsPerUpdate;
    if (per <= 0 || total <= 0) return 1;
    const numUpdates = Math.max(1, Math.floor(total / per));
    return Math.max(0, 1 - this.updates / numUpdates);
  }

  /** Trains until `totalTimesteps` environment steps (see the module doc). */
  async learn(options: LearnOptions): Promise<this> {
    const { totalTimesteps, checkpointDir, checkpointEvery = 0 } = options;
    if (!Number.isSafeInteger(totalTimesteps) || totalTimesteps < 0) {
      throw new RangeError(
        `${this.algo}.learn: totalTimesteps must be a non-negative integer, got ${totalTimesteps}`,
      );
    }
    await this.ready();
    this.totalTimesteps = totalTimesteps;
    const cbs = options.callbacks;
    this.#callbacks = cbs === undefined ? {} : Array.isArray(cbs) ? combineCallbacks(cbs) : cbs;
    this.#stop = false;
    if (!this.#envStarted) {
      const r = this.runner.reset(this.config.seed);
      if (isPromiseLike(r)) await r;
      this.#envStarted = true;
    }
    const t0 = performance.now();
    const steps0 = this.timesteps;
    let nextCheckpoint = checkpointEvery > 0
      ? (Math.floor(this.timesteps / checkpointEvery) + 1) * checkpointEvery
      : Infinity;
    this.#lastYield = t0;
    while (this.timesteps < totalTimesteps && !this.#stop) {
      if (!(await this.collect())) break;
      const info: RolloutInfo = {
        update: this.updates + 1,
        timesteps: this.timesteps,
        steps: this.stepsPerUpdate,
      };
      if (this.#callbacks.onRolloutEnd && (await this.#callbacks.onRolloutEnd(info)) === false) {
        break;
      }
      const stats = this.update();
      this.updates++;
      this.assertFinite(stats);
      const wall = (performance.now() - t0) / 1000;
      const w = this.episodeWindow.summary();
      const metrics: UpdateMetrics = {
        algo: this.algo,
        update: this.updates,
        timesteps: this.timesteps,
        episodes: this.episodeWindow.total,
        recentReturnMean: w.mean,
        recentReturnMin: w.min,
        recentReturnMax: w.max,
        recentLengthMean: w.meanLength,
        policyLoss: stats.policyLoss,
        valueLoss: stats.valueLoss,
        entropy: stats.entropy,
        approxKl: stats.approxKl,
        clipFraction: stats.clipFraction ?? null,
        explainedVariance: stats.explainedVariance,
        learningRate: stats.learningRate,
        sps: wall > 0 ? (this.timesteps - steps0) / wall : 0,
        wallSeconds: wall,
        extra: stats.extra ?? {},
      };
      if (this.#callbacks.onUpdateEnd && (await this.#callbacks.onUpdateEnd(metrics)) === false) {
        this.#stop = true;
      }
      if (checkpointDir && this.timesteps >= nextCheckpoint) {
        await this.save(checkpointDir);
        nextCheckpoint = (Math.floor(this.timesteps / checkpointEvery) + 1) * checkpointEvery;
      }
      // Let signal handlers and timers run now and then (Ctrl-C → requestStop()).
      const now = performance.now();
      if (now - this.#lastYield > 250) {
        this.#lastYield = now;
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    if (checkpointDir) await this.save(checkpointDir);
    return this;
  }

  /**
   * Counts `steps` environment steps, records the episodes that finished at them and calls
   * `onEpisodeEnd`; returns false when a callback asked to stop.
   */
  protected afterStep(
    finished: readonly { env: number; return: number; length: number }[],
    steps: number,
  ): boolean | Promise<boolean> {
    this.timesteps += steps;
    if (finished.length === 0) return true;
    const hook = this.#callbacks.onEpisodeEnd;
    let keepGoing = true;
    let pending: Promise<unknown>[] | null = null;
    for (const e of finished) {
      this.episodeWindow.add(e.return, e.length);
      if (!hook) continue;
      const r = hook({ env: e.env, return: e.return, length: e.length, timesteps: this.timesteps });
      if (r instanceof Promise) {
        (pending ??= []).push(r.then((x) => {
          if (x === false) keepGoing = false;
        }));
      } else if (r === false) keepGoing = false;
    }
    return pending ? Promise.all(pending).then(() => keepGoing) : keepGoing;
  }

  /**
   * Throws {@link NonFiniteError} when a loss is not finite, or a parameter of the policy
   * holds NaN/∞ (named, with the update number). Gradients are checked by
   * {@link Agent.checkGradients} inside the updates.
   */
  protected assertFinite(stats: UpdateStats): void {
    for (const key of ["policyLoss", "valueLoss"] as const) {
      if (stats[key] !== null && !Number.isFinite(stats[key])) {
        throw new NonFiniteError(
          `${this.algo} on ${this.config.env}: ${key} is ${stats[key]} at update ${this.updates}`,
        );
      }
    }
    for (const p of this.policy.parameters()) {
      const d = p.data;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isFinite(d[i])) {
          throw new NonFiniteError(
            `${this.algo} on ${this.config.env}: parameter ${p.name}[${i}] is ${
              d[i]
            } after update ${this.updates}`,
          );
        }
      }
    }
  }

  /**
   * After `backward`: clips the global gradient norm of `params` to `maxGradNorm` (when
   * > 0) and throws {@link NonFiniteError} when `loss` or a gradient is not finite,
   * naming `lossName`, the update and the tensor. The norm (one pass over the gradients)
   * doubles as the finiteness test.
   */
  protected clipAndCheck(
    lossName: string,
    loss: number,
    params: readonly Parameter[],
    maxGradNorm = 0,
  ): number {
    const norm = maxGradNorm > 0 ? clipGradNorm(params, maxGradNorm) : gradNorm(params);
    if (!Number.isFinite(norm) || !Number.isFinite(loss)) {
      this.checkGradients(lossName, loss, params);
    }
    return norm;
  }

  /**
   * Throws {@link NonFiniteError} when `loss` or a gradient of `params` is not finite;
   * `lossName` says which loss (e.g. "PPO clipped surrogate").
   */
  protected checkGradients(lossName: string, loss: number, params: readonly Parameter[]): void {
    if (Number.isFinite(loss) && params.every((p) => allFinite(p.grad))) return;
    const where = `${this.algo} on ${this.config.env}, update ${this.updates + 1}`;
    // Name the first parameter tensor holding a non-finite value, else gradient.
    const bad = this.policy.parameters().find((p) => !allFinite(p.data));
    const badGrad = params.find((p) => !allFinite(p.grad));
    const culprit = bad
      ? `parameter ${bad.name} holds ${firstBad(bad.data)}`
      : badGrad
      ? `gradient w.r.t. ${badGrad.name} holds ${firstBad(badGrad.grad)}`
      : "no parameter or gradient is non-finite (the data is)";
    throw new NonFiniteError(`${where}: ${lossName} is ${loss}; ${culprit}`);
  }

  /** Converts policy actions (`rows` of them) to what the environment expects, in `out`. */
  protected toEnvActions(
    actions: Int32Array | Float32Array,
    rows: number,
    out: Int32Array | Float32Array,
  ): Int32Array | Float32Array {
    const space = this.policy.actionSpace;
    if (space.type === "discrete") {
      const start = space.start ?? 0;
      if (start === 0) return actions;
      for (let i = 0; i < rows; i++) out[i] = actions[i] + start;
      return out;
    }
    clipToBox(space, actions as Float32Array, rows, out as Float32Array);
    return out;
  }

  /**
   * The action for one observation (raw, as the environment returns it): a number for
   * discrete spaces, a `Float32Array` (clipped to the box) otherwise. Observation
   * normalisation, when used in training, is applied with frozen statistics.
   */
  predict(observation: ArrayLike<number>, options: PredictOptions = {}): Action {
    const p = this.policy;
    const x = this.#predictObs ??= new Float32Array(p.obsDim);
    if (observation.length !== p.obsDim) {
      throw new RangeError(
        `${this.algo}.predict: observation has ${observation.length} values, expected ${p.obsDim}`,
      );
    }
    for (let i = 0; i < p.obsDim; i++) x[i] = observation[i];
    this.#runner?.obsNormalizer?.normalizeInPlace(x, 1);
    const buf = this.#predictBuf ??= p.createActBuffers(1);
    p.act(x, 1, this.#predictRng, buf, options.deterministic ?? false, false);
    const space = p.actionSpace;
    if (space.type === "discrete") return buf.actions[0] + (space.start ?? 0);
    const out = new Float32Array(p.actDim);
    clipToBox(space, buf.actions as Float32Array, 1, out);
    return out;
  }
  #predictObs: Float32Array | null = null;
  #predictBuf: ReturnType<ActorCritic["createActBuffers"]> | null = null;
  #predictRng = new Rng(0x5eed);

  /** The trained policy as plain data (with observation normalisation when used). */
  toPolicySpec(): PolicySpec {
    const norm = this.#runner?.obsNormalizer;
    return this.policy.toSpec(
      { algorithm: this.algo, envId: this.config.env, timesteps: this.timesteps },
      norm ? norm.toSpec() : undefined,
    );
  }

  /** Saves everything needed to resume to `dir/checkpoint.safetensors` (atomically). */
  async save(dir: string): Promise<string> {
    await this.ready();
    await Deno.mkdir(dir, { recursive: true });
    const tensors: Record<string, CheckpointTensor> = parametersToTensors(
      this.policy.parameters(),
      "policy/",
    );
    const optimizers: Record<string, JsonValue> = {};
    for (const [name, opt] of Object.entries(this.optimizers())) {
      const o = optimizerStateToCheckpoint(opt.getState(), `optim/${name}/`);
      optimizers[name] = o.json;
      Object.assign(tensors, o.tensors);
    }
    const meta: AgentMetadata = {
      format: "ascent-agent/1",
      version: VERSION,
      algo: this.algo,
      config: this.config as unknown as Record<string, unknown>,
      timesteps: this.timesteps,
      updates: this.updates,
      totalTimesteps: this.totalTimesteps,
      rng: this.rng.getState(),
      runner: this.#envStarted ? this.runner.getState() : null,
      window: this.episodeWindow.getState(),
      optimizers,
      algoState: this.algoState(),
    };
    const path = `${dir}/${CHECKPOINT_FILE}`;
    await saveCheckpoint(path, { tensors, metadata: meta as unknown as JsonValue });
    return path;
  }

  /** Restores a checkpoint written by {@link Agent.save} into this (ready) agent. */
  protected async restore(dir: string): Promise<void> {
    const path = `${dir}/${CHECKPOINT_FILE}`;
    const ck = await loadCheckpoint(path);
    const meta = ck.metadata as unknown as AgentMetadata;
    if (meta?.format !== "ascent-agent/1") {
      throw new Error(`checkpoint ${path}: not an agent checkpoint (format ${meta?.format})`);
    }
    if (meta.algo !== this.algo) {
      throw new Error(`checkpoint ${path}: written by ${meta.algo}, loading into ${this.algo}`);
    }
    await this.ready();
    loadParameters(this.policy.parameters(), ck.tensors, path, "policy/");
    for (const [name, opt] of Object.entries(this.optimizers())) {
      const json = meta.optimizers[name];
      if (json === undefined) throw new Error(`checkpoint ${path}: missing optimiser "${name}"`);
      opt.setState(optimizerStateFromCheckpoint(json, ck.tensors, path, `optim/${name}/`));
    }
    this.timesteps = meta.timesteps;
    this.updates = meta.updates;
    this.totalTimesteps = meta.totalTimesteps;
    this.rng.setState(meta.rng);
    this.episodeWindow.setState(meta.window);
    this.setAlgoState(meta.algoState);
    if (meta.runner) {
      await this.runner.setState(meta.runner);
      this.#envStarted = true;
    }
  }

  /** Reads the algorithm and configuration stored in `dir`'s checkpoint. */
  static async readCheckpointInfo(
    dir: string,
  ): Promise<{ algo: AlgorithmName; config: Record<string, unknown>; timesteps: number }> {
    const path = `${dir}/${CHECKPOINT_FILE}`;
    const ck = await loadCheckpoint(path);
    const meta = ck.metadata as unknown as AgentMetadata;
    if (meta?.format !== "ascent-agent/1") {
      throw new Error(`checkpoint ${path}: not an agent checkpoint`);
    }
    return { algo: meta.algo, config: meta.config, timesteps: meta.timesteps };
  }

  /** Releases the environments. */
  async close(): Promise<void> {
    await this.#runner?.close();
  }
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function firstBad(a: Float32Array): string {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return `${a[i]} at [${i}]`;
  return "finite values";
}

/** Clips `rows` box actions into the space's bounds (NaN-free), writing `out`. */
export function clipToBox(space: Space, actions: Float32Array, rows: number, out: Float32Array) {
  if (space.type !== "box") throw new TypeError("clipToBox: not a box space");
  const d = flatDim(space);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) {
      const lo = typeof space.low === "number" ? space.low : space.low[j];
      const hi = typeof space.high === "number" ? space.high : space.high[j];
      const a = actions[i * d + j];
      out[i * d + j] = a < lo ? lo : a > hi ? hi : a;
    }
  }
}

/** Makes one environment of `id` (for evaluation). */
export async function makeEnv(id: string, envOptions: Record<string, unknown> = {}): Promise<Env> {
  return await make(id, { envOptions });
}
