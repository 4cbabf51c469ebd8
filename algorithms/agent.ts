/**
 * The base every algorithm extends: the training loop and prediction; checkpoints live in
 * `agent_checkpoint.ts`, the NaN/∞ guard in `finite.ts`, action conversion in `actions.ts`.
 * The loop of {@link Agent.learn}:
 *
 *     repeat totalTimesteps more steps (or until a callback returns false):
 *       collect experience with π_θ          (algorithm's `collect`, shared rollout code)
 *       onRolloutEnd
 *       update θ (and φ)                     (algorithm's `update`)
 *       check every loss, gradient and parameter is finite
 *       onUpdateEnd(metrics); checkpoint every `checkpointEvery` steps
 *
 * An algorithm supplies `createOptimizers` (its one construction hook), `collect`,
 * `update` and `stepsPerUpdate`; `Agent.load` restores any algorithm from its checkpoint.
 * Resuming reproduces the uninterrupted run's parameters bit for bit.
 * @module
 */
import { Rng } from "../random.ts";
import { defaultRegistry, type VectorEnv } from "../envs/mod.ts";
import { type Action, isPromiseLike } from "../envs/types.ts";
import { ActorCritic } from "../policies/actor_critic.ts";
import type { PolicySpec } from "../policies/spec.ts";
import type { JsonValue } from "../policies/checkpoint.ts";
import { Adam, backward, type Optimizer, type Parameter, type Tensor } from "../nn/mod.ts";
import { Predictor } from "./actions.ts";
import * as ckpt from "./agent_checkpoint.ts";
import { type Callbacks, combineCallbacks, type LearnOptions } from "./callbacks.ts";
import { type PredictOptions, recordEpisodes } from "./callbacks.ts";
import { type CommonConfig, type ConfigSchema, parseWithSchema } from "./config.ts";
import { assertFiniteUpdate, checkedGradScale } from "./finite.ts";
import { EpisodeWindow, updateMetrics, type UpdateStats } from "./metrics.ts";
import { makeTrainingEnvs } from "./rollout.ts";

export type { UpdateStats } from "./metrics.ts";
export type { LearnOptions, PredictOptions } from "./callbacks.ts";

/** A training algorithm bound to one environment and one policy. */
export abstract class Agent<
  C extends CommonConfig = CommonConfig,
  O extends Record<string, Optimizer> = Record<string, Optimizer>,
> {
  /** The algorithm's name (its row in the algorithm table). */
  get algo(): string {
    return this.#algo;
  }
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
  /** Where the current (or last) `learn` call ends, in steps: the schedules' end. */
  protected totalTimesteps: number | null = null;
  #algo: string;
  #policy: ActorCritic | null = null;
  #envs: VectorEnv | null = null;
  #optimizers: O | null = null;
  #initRng: Rng;
  #envStarted = false;
  #stop = false;
  #callbacks: Callbacks = {};
  /** The checkpoint state at the end of the last completed update (see `saveLastUpdate`). */
  #lastUpdate: ckpt.AgentCheckpointState | null = null;

  /** Validates `input` against algorithm `algo`'s `schema`; call {@link Agent.learn} to train. */
  protected constructor(algo: string, schema: ConfigSchema, input: unknown) {
    const config = this.config = parseWithSchema(algo, schema, input) as C;
    this.#algo = algo;
    const root = new Rng(config.seed);
    this.#initRng = root.spawn();
    this.rng = root.spawn();
    this.episodeWindow = new EpisodeWindow(config.statsWindow);
  }

  /** Restores the agent saved in `dir` (`save` or a checkpoint): `PPO.load(dir)`. */
  static async load<A extends Agent>(this: new (config: never) => A, dir: string): Promise<A> {
    const ck = await ckpt.loadAgentCheckpoint(dir);
    const agent = ckpt.agentForCheckpoint(ck, (config) => new this(config as never), this.name);
    await agent.restore(dir);
    return agent;
  }

  /** The policy (after {@link Agent.ready}). */
  get policy(): ActorCritic {
    return this.#policy ?? this.#notReady();
  }
  /** The training environments (after {@link Agent.ready}). */
  get envs(): VectorEnv {
    return this.#envs ?? this.#notReady();
  }
  /** The optimisers by name, as `createOptimizers` built them (saved in checkpoints). */
  protected get optimizers(): O {
    return this.#optimizers ?? this.#notReady();
  }

  #notReady = (): never => {
    throw new Error(`${this.algo}: the agent is not ready; await agent.ready() first`);
  };

  /** True when the policy has a critic. */
  protected get usesCritic(): boolean {
    return true;
  }

  /** Creates the environments, the networks and the optimisers (idempotent). */
  async ready(): Promise<this> {
    if (this.#envs) return this;
    const c = this.config;
    this.#envs = await makeTrainingEnvs(c);
    this.#policy = new ActorCritic({
      observationSpace: this.#envs.singleObservationSpace,
      actionSpace: this.#envs.singleActionSpace,
      hiddenSizes: c.hiddenSizes,
      activation: c.activation,
      logStdInit: c.logStdInit,
      critic: this.usesCritic,
      rng: this.#initRng,
    });
    this.setup();
    this.#optimizers = this.createOptimizers();
    return this;
  }

  /** Allocates the algorithm's buffers (the policy and the environments exist). */
  protected setup(): void {}

  /** The one per-algorithm construction hook: the optimisers, by name. */
  protected abstract createOptimizers(): O;

  /** Adam over `params` with learning rate `lr` and the configured ε. */
  protected adam(params: Parameter[], lr: number): Optimizer {
    return new Adam(params, { lr, eps: this.config.adamEps });
  }

  /** Collects the next batch (calling {@link Agent.afterStep} per step); false: stop. */
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

  /** Trains `totalTimesteps` more environment steps (as SB3's `learn`; see the module doc). */
  async learn(options: LearnOptions): Promise<this> {
    const { totalTimesteps, checkpointDir, checkpointEvery = 0 } = options;
    if (!Number.isSafeInteger(totalTimesteps) || totalTimesteps < 0) {
      throw new RangeError(
        `${this.algo}.learn: totalTimesteps must be a non-negative integer, got ${totalTimesteps}`,
      );
    }
    await this.ready();
    if (options.resetNumTimesteps) this.timesteps = this.updates = 0;
    this.totalTimesteps = this.timesteps + totalTimesteps; // the learning-rate schedule's end
    const cbs = options.callbacks ?? {};
    this.#callbacks = Array.isArray(cbs) ? combineCallbacks(cbs) : cbs;
    this.#stop = false;
    if (!this.#envStarted) {
      const r = this.envs.reset(this.config.seed);
      if (isPromiseLike(r)) await r;
      this.#envStarted = true;
    }
    const t0 = performance.now();
    const steps0 = this.timesteps;
    let nextCheckpoint = ckpt.nextCheckpointAt(this.timesteps, checkpointEvery);
    let lastYield = t0;
    this.#lastUpdate = checkpointDir ? this.#state() : null;
    while (this.timesteps < this.totalTimesteps && !this.#stop) {
      if (!(await this.collect())) break;
      const steps = this.stepsPerUpdate;
      const info = { update: this.updates + 1, timesteps: this.timesteps, steps };
      const onRolloutEnd = this.#callbacks.onRolloutEnd;
      if (onRolloutEnd && (await onRolloutEnd(info)) === false) break;
      this.#lastUpdate = null; // the parameters change now
      const stats = this.update();
      this.updates++;
      assertFiniteUpdate(this.#where, this.updates, stats, this.policy.parameters());
      if (checkpointDir) this.#lastUpdate = this.#state();
      const wall = (performance.now() - t0) / 1000;
      const sps = wall > 0 ? (this.timesteps - steps0) / wall : 0;
      const metrics = updateMetrics(this, stats, sps, wall);
      const onUpdateEnd = this.#callbacks.onUpdateEnd;
      if (onUpdateEnd && (await onUpdateEnd(metrics)) === false) this.#stop = true;
      if (checkpointDir && this.timesteps >= nextCheckpoint) {
        await this.save(checkpointDir);
        nextCheckpoint = ckpt.nextCheckpointAt(this.timesteps, checkpointEvery);
      }
      // Let signal handlers and timers run now and then (Ctrl-C → requestStop()).
      const now = performance.now();
      if (now - lastYield > 250) {
        lastYield = now;
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    if (checkpointDir) await this.save(checkpointDir);
    return this;
  }

  /** Counts `steps` environment steps and records the finished episodes; false: stop. */
  protected afterStep(
    finished: readonly { env: number; return: number; length: number }[],
    steps: number,
  ): boolean | Promise<boolean> {
    this.timesteps += steps;
    if (finished.length === 0) return true;
    const hook = this.#callbacks.onEpisodeEnd;
    return recordEpisodes(this.episodeWindow, hook, finished, this.timesteps);
  }

  /** `"<algo> on <env>"`, as errors name the run. */
  get #where(): string {
    return `${this.algo} on ${this.config.env}`;
  }

  /**
   * One step of `opt` on `loss`: zero ∇, back-propagate, check ∇, update with ‖∇‖ clipped to
   * `maxGradNorm` (the optimiser applies the clipping factor).
   */
  protected descend(opt: Optimizer, lossName: string, loss: Tensor, maxGradNorm = 0): void {
    opt.zeroGrad();
    backward(loss);
    opt.step(this.checkedGradScale(lossName, loss.item(), opt.params, maxGradNorm));
  }

  /**
   * After `backward`: checks that the loss and ‖∇‖ are finite (`finite.ts`) and returns the
   * factor clipping ‖∇‖ to `maxGradNorm` (> 0; else 1).
   */
  protected checkedGradScale(
    lossName: string,
    loss: number,
    params: readonly Parameter[],
    maxGradNorm = 0,
  ): number {
    const where = `${this.#where}, update ${this.updates + 1}`;
    return checkedGradScale(where, lossName, loss, params, this.policy.parameters(), maxGradNorm);
  }

  /**
   * The action for one raw observation: a number (discrete), a clipped `Float32Array` (box)
   * or an `Int32Array` (multi-discrete, multi-binary); normalisation uses frozen statistics.
   */
  predict(observation: ArrayLike<number>, options: PredictOptions = {}): Action {
    this.#predictor ??= new Predictor(this.policy, this.#envs?.obsNormalizer ?? null, this.algo);
    return this.#predictor.predict(observation, options.deterministic ?? false);
  }
  #predictor: Predictor | null = null;

  /** The trained policy as plain data (with observation normalisation when used). */
  toPolicySpec(): PolicySpec {
    const norm = this.#envs?.obsNormalizer, { env: envId, seed, envOptions } = this.config;
    const sim = defaultRegistry.has(envId) ? defaultRegistry.spec(envId).simulator : undefined;
    const simulator = sim && `${sim.name} ${sim.version}`, timesteps = this.timesteps;
    const provenance = { algorithm: this.algo, envId, timesteps, seed, envOptions, simulator };
    return this.policy.toSpec(provenance, norm ? norm.toSpec() : undefined);
  }

  /** Saves everything needed to resume to `dir/checkpoint.safetensors` (atomically). */
  async save(dir: string): Promise<string> {
    await this.ready();
    return await this.#write(dir, this.#state());
  }

  /**
   * Saves, to `dir` (atomically), the state at the end of the last completed update of the
   * running or failed {@link Agent.learn} call that was given a `checkpointDir` (or at its
   * start, before the first update): that update's parameters and optimiser states — which
   * collecting experience does not change — with the step and update counters, random
   * streams, episode window and environment state as they were then. A rollout cut short
   * (an environment wait interrupted) is thus dropped, not saved half-done. Returns the
   * counters saved, or `null` when there is no such state (no `learn` with a
   * `checkpointDir` yet, or the last update failed its finite check).
   */
  async saveLastUpdate(dir: string): Promise<{ timesteps: number; updates: number } | null> {
    const state = this.#lastUpdate;
    if (state === null) return null;
    await this.#write(dir, state);
    return { timesteps: state.timesteps, updates: state.updates };
  }

  /** Everything a checkpoint holds but the parameters and optimisers, as of now. */
  #state(): ckpt.AgentCheckpointState {
    const { algo, timesteps, updates, totalTimesteps, rng } = this;
    const config = this.config as unknown as Record<string, unknown>;
    const runner = this.#envStarted ? this.envs.getState() : null;
    const window = this.episodeWindow.getState();
    const state = { algo, config, timesteps, updates, totalTimesteps, runner, window };
    return { ...state, rng: rng.getState(), algoState: this.algoState() };
  }

  #write(dir: string, state: ckpt.AgentCheckpointState): Promise<string> {
    return ckpt.saveAgentCheckpoint(dir, state, this.policy.parameters(), this.optimizers);
  }

  /** Restores a checkpoint written by {@link Agent.save} into this agent. */
  protected async restore(dir: string): Promise<void> {
    const ck = await ckpt.loadAgentCheckpoint(dir, this.algo);
    await this.ready();
    ck.restoreModel(this.policy.parameters(), this.optimizers);
    const s = ck.state;
    ckpt.assertCounters(ck.path, s, this.stepsPerUpdate);
    ({ timesteps: this.timesteps, updates: this.updates, totalTimesteps: this.totalTimesteps } = s);
    this.rng.setState(s.rng);
    this.episodeWindow.setState(s.window);
    this.setAlgoState(s.algoState);
    if (s.runner) {
      await this.envs.setState(s.runner);
      this.#envStarted = true;
    }
  }

  /** Releases the environments. */
  async close(): Promise<void> {
    await this.#envs?.close();
  }
}
