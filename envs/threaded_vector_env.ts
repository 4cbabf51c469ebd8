/**
 * A {@link VectorEnv} whose `N` copies of a registered built-in environment step on `W`
 * threads in parallel: copies `⌊kN/W⌋ … ⌊(k+1)N/W⌋ − 1` form slice `k`; the calling thread
 * steps slice 0 itself while Worker `k` (`vector_worker.ts`) steps slice `k ≥ 1`, each
 * running the in-process `VectorEnv` over its slice (`serveSlice` in `vector_slice.ts`, the
 * same code on both sides). With `W` threads on `W` cores no thread waits idle beside the
 * working ones, and a Worker polls for its next request for half a millisecond before it
 * sleeps, so a step costs no wake-up while the host computes the next actions. It pays off
 * when one step of a copy costs far more than that signalling (MuJoCo, Box2D), not for
 * classic control.
 *
 * **Same semantics as the in-process path.** Each Worker's `VectorEnv` does the same-step
 * autoreset, the time limits, the per-copy reset streams (`reset(seed)` seeds copy `i`
 * with `seed + i` and re-seeds its stream with `seed + i`) and the raw returns of
 * `finishedEpisodes` (in copy order); the host gathers the raw results into the result
 * buffers and applies the observation/reward normalisers exactly as `VectorEnv` does
 * (shared statistics over all `N` copies), so a seeded run gives bit-identical rollouts
 * with or without Workers. (A `reset()` without a seed keeps each Worker's streams, which
 * are numbered within the slice.)
 *
 * **Synchronous.** Actions and results pass through one `SharedArrayBuffer` per slice
 * (`vector_slice.ts`); `step`, `reset`, `getState` and `setState` block on `Atomics.wait`
 * until every Worker has answered and return plain values, as the in-process fast path
 * does (blocking the calling thread is allowed in Deno, not on a browser's main thread).
 * {@link ThreadedVectorEnv.getState} gathers every Worker's slice state, so a checkpoint
 * resumes exactly, as in process.
 *
 * The `envs` of a threaded vector env are stand-ins with the copies' spaces: the copies
 * themselves live in the slices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ThreadedVectorEnv } from "./threaded_vector_env.ts";
 * const vec = await ThreadedVectorEnv.start("CartPole-v1", 4, { numWorkers: 2 });
 * const obs = vec.reset(0);
 * assert.equal(obs.length, 16);
 * const r = vec.step(new Int32Array(4));
 * assert.equal(r.rewards.length, 4);
 * await vec.close();
 * ```
 * @module
 */
import { EnvError } from "./errors.ts";
import "./builtin.ts";
import { defaultRegistry, type MakeOptions } from "./registry.ts";
import { flatDim } from "./space_utils.ts";
import type { Space } from "./spaces.ts";
import type { Env } from "./types.ts";
import {
  VectorEnv,
  type VectorEnvOptions,
  type VectorEnvState,
  type VectorStepResult,
} from "./vector_env.ts";
import {
  Ctrl,
  describeError,
  readJson,
  serveSlice,
  sliceBytes,
  SliceCommand,
  type SliceViews,
  sliceViews,
  writeJson,
} from "./vector_slice.ts";
import type { SliceInit } from "./vector_worker.ts";

/** Options of {@link ThreadedVectorEnv.start}. */
export interface ThreadedVectorEnvOptions extends Omit<VectorEnvOptions, "id"> {
  /**
   * Number of threads `W` that step the copies (default `min(N,
   * navigator.hardwareConcurrency)`): the calling thread steps the first slice itself
   * while `W − 1` Workers step the others, so `W` threads keep `W` cores busy without a
   * waiting thread beside them.
   */
  numWorkers?: number;
  /** `make` options of every copy (`envOptions`, `maxEpisodeSteps`, …); no `seed`. */
  make?: Omit<MakeOptions, "seed">;
  /** How long one command may take before the Worker counts as hung (default 60 s). */
  timeoutMs?: number;
}

interface Slice {
  /** The Worker stepping the slice, or `null` for the slice the calling thread steps. */
  worker: Worker | null;
  /** The calling thread's own copies (the first slice), or `null` in a Worker's slice. */
  vec: VectorEnv | null;
  first: number;
  count: number;
  views: SliceViews;
  request: number;
}

/** How long the calling thread polls for a Worker's answer before it sleeps on it. */
const HOST_SPIN_MS = 1;

/** How long `close()` waits for each Worker to close its copies. */
const CLOSE_GRACE_MS = 1000;

/** A stand-in for a copy that lives in a Worker: its spaces, and no stepping. */
function remoteCopy(id: string, observationSpace: Space, actionSpace: Space, i: number): Env {
  const elsewhere = (): never => {
    throw new EnvError(
      id,
      "step",
      `envs.${i}`,
      "lives in a Worker (or the threaded vector env's own slice): step the vector env",
      i,
    );
  };
  return { observationSpace, actionSpace, reset: elsewhere, step: elsewhere };
}

/** `N` copies stepped on `W` threads (the caller and `W − 1` Workers) with `VectorEnv`'s semantics (see the module doc). */
export class ThreadedVectorEnv extends VectorEnv {
  /** Number of threads stepping the copies: the calling thread and `numWorkers − 1` Workers. */
  readonly numWorkers: number;
  readonly #slices: Slice[];
  /** The slices stepped by Workers (all but the calling thread's). */
  readonly #workerSlices: Slice[];
  readonly #timeoutMs: number;
  #closed = false;

  private constructor(
    id: string,
    spaces: { observationSpace: Space; actionSpace: Space },
    slices: Slice[],
    opts: ThreadedVectorEnvOptions,
  ) {
    const n = slices.reduce((a, s) => a + s.count, 0);
    super(
      Array.from(
        { length: n },
        (_, i) => remoteCopy(id, spaces.observationSpace, spaces.actionSpace, i),
      ),
      {
        id,
        normalizeObservation: opts.normalizeObservation,
        normalizeReward: opts.normalizeReward,
      },
    );
    this.#slices = slices;
    this.#workerSlices = slices.filter((s) => s.worker !== null);
    this.numWorkers = slices.length;
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /**
   * Starts `W − 1` Workers and makes the `numEnvs` copies of the built-in environment `id`
   * (`make` options as in-process: the registry's time limit unless overridden).
   * @throws EnvError for a bad count, or when a Worker cannot make the copies
   */
  static async start(
    id: string,
    numEnvs: number,
    opts: ThreadedVectorEnvOptions = {},
  ): Promise<ThreadedVectorEnv> {
    const fail = (path: string, problem: string, value: unknown): never => {
      throw new EnvError(id, "ThreadedVectorEnv.start", path, problem, value);
    };
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      fail("numEnvs", "must be a positive integer", numEnvs);
    }
    const w = opts.numWorkers ?? Math.min(numEnvs, navigator.hardwareConcurrency || 1);
    if (!Number.isInteger(w) || w < 1 || w > numEnvs) {
      fail("numWorkers", `must be an integer in [1, numEnvs = ${numEnvs}]`, w);
    }
    const workers: Worker[] = [];
    const hostEnvs: Env[] = [];
    try {
      const parts = Array.from({ length: w }, (_, k) => {
        const first = Math.floor((k * numEnvs) / w);
        return { first, count: Math.floor(((k + 1) * numEnvs) / w) - first };
      });
      // slices 1 … W − 1 in Workers (they make their copies meanwhile), slice 0 here
      const started = parts.slice(1).map((p) => {
        const worker = new Worker(new URL("./vector_worker.ts", import.meta.url).href, {
          type: "module",
        });
        workers.push(worker);
        return { ...p, worker, ready: startSlice(worker, id, p.count, opts) };
      });
      for (let i = 0; i < parts[0].count; i++) {
        hostEnvs.push(await defaultRegistry.make(id, opts.make ?? {}));
      }
      const vec = VectorEnv.fromEnvs(hostEnvs, { id, seedStreams: opts.seedStreams ?? false });
      const spaces = {
        observationSpace: vec.singleObservationSpace,
        actionSpace: vec.singleActionSpace,
      };
      const ready = await Promise.all(started.map((s) => s.ready));
      const obsDim = flatDim(spaces.observationSpace);
      const actDim = spaces.actionSpace.type === "discrete" ? 1 : flatDim(spaces.actionSpace);
      const views = (sab: SharedArrayBuffer, count: number) =>
        sliceViews(sab, { count, obsDim, actDim }, spaces.actionSpace.type);
      const hostShape = { count: parts[0].count, obsDim, actDim };
      const slices: Slice[] = [
        {
          ...parts[0],
          worker: null,
          vec,
          views: views(new SharedArrayBuffer(sliceBytes(hostShape)), parts[0].count),
          request: 0,
        },
        ...started.map((s, k) => ({
          first: s.first,
          count: s.count,
          worker: s.worker,
          vec: null,
          views: views(ready[k].sab, s.count),
          request: 0,
        })),
      ];
      return new ThreadedVectorEnv(id, spaces, slices, opts);
    } catch (error) {
      for (const worker of workers) worker.terminate();
      for (const e of hostEnvs) await e.close?.();
      if (error instanceof EnvError) throw error;
      return fail("(Worker)", `could not make the copies: ${String(error)}`, id);
    }
  }

  /** Resets every copy; copy `i` is seeded with `seed + i`. */
  override reset(seed?: number): Float32Array {
    this.#assertOpen("reset");
    this.rewardNormalizer?.returns.fill(0);
    for (const s of this.#slices) s.views.seed[0] = seed === undefined ? NaN : seed + s.first;
    this.#run(SliceCommand.reset, "reset");
    this.#gatherObservations();
    this.needsReset = false;
    return this.normalizeResetObservations();
  }

  /** Steps every copy with flat `actions` (see `VectorEnv.step`). */
  override step(actions: Int32Array | Float32Array): VectorStepResult {
    this.#assertOpen("step");
    this.checkStep(actions);
    const a = this.actDim, d = this.obsDim;
    for (const s of this.#slices) {
      s.views.actions.set(actions.subarray(s.first * a, (s.first + s.count) * a));
    }
    this.#run(SliceCommand.step, "step");
    const res = this.stepResult;
    const finished = res.finishedEpisodes;
    finished.length = 0;
    for (const s of this.#slices) {
      const v = s.views;
      res.observations.set(v.observations, s.first * d);
      res.rewards.set(v.rewards, s.first);
      res.terminated.set(v.terminated, s.first);
      res.truncated.set(v.truncated, s.first);
      const m = Atomics.load(v.ctrl, Ctrl.finished);
      for (let j = 0; j < m; j++) {
        const local = v.finished[3 * j];
        finished.push({
          env: s.first + local,
          return: v.finished[3 * j + 1],
          length: v.finished[3 * j + 2],
        });
        // Only the rows of copies that ended are written, as in process.
        res.finalObservations.set(
          v.finalObservations.subarray(local * d, (local + 1) * d),
          (s.first + local) * d,
        );
      }
    }
    if (this.obsNormalizer !== null || this.rewardNormalizer !== null) this.normalizeStep();
    return res;
  }

  /** The complete state, gathered from every Worker (exact when every slice's is). */
  override getState(): VectorEnvState {
    this.#assertOpen("getState");
    this.#run(SliceCommand.getState, "getState");
    const parts = this.#slices.map((s) => readJson(s.views) as VectorEnvState);
    const flat = <K extends "envStates" | "seedStreams" | "steps" | "returns" | "lengths">(
      key: K,
    ) => parts.flatMap((p) => p[key] as VectorEnvState[K][number][]) as VectorEnvState[K];
    return {
      observations: Array.from(this.observations),
      envStates: flat("envStates"),
      seedStreams: flat("seedStreams"),
      steps: flat("steps"),
      returns: flat("returns"),
      lengths: flat("lengths"),
      obsNorm: this.obsNormalizer?.getState() ?? null,
      rewardNorm: this.rewardNormalizer?.getState() ?? null,
      exact: parts.every((p) => p.exact),
    };
  }

  /**
   * Restores a state from `getState` (of this class or of an in-process `VectorEnv` built
   * the same way), as `VectorEnv.setState` does.
   * @throws EnvError when the state is for another number of copies or observations
   */
  override setState(state: VectorEnvState): void {
    this.#assertOpen("setState");
    const n = this.numEnvs, d = this.obsDim;
    if (state.observations.length !== n * d || state.envStates.length !== n) {
      throw new EnvError(
        this.id,
        "setState",
        "state",
        `must be for ${n} copies of ${d} observations`,
        `${state.envStates.length} copies, ${state.observations.length} observations`,
      );
    }
    const streams = state.seedStreams.length;
    for (const s of this.#slices) {
      const a = s.first, b = s.first + s.count;
      writeJson(s.views, {
        ...state,
        observations: state.observations.slice(a * d, b * d),
        envStates: state.envStates.slice(a, b),
        seedStreams: streams === 0 ? [] : state.seedStreams.slice(a, b),
        steps: state.steps.slice(a, b),
        returns: state.returns.slice(a, b),
        lengths: state.lengths.slice(a, b),
        obsNorm: null,
        rewardNorm: null,
      });
    }
    this.#run(SliceCommand.setState, "setState");
    if (state.obsNorm && this.obsNormalizer) this.obsNormalizer.setState(state.obsNorm);
    if (state.rewardNorm && this.rewardNormalizer) {
      this.rewardNormalizer.setState(state.rewardNorm);
    }
    this.needsReset = false;
    if (state.exact) {
      this.stepResult.observations.set(state.observations);
      return;
    }
    // Inexact: every copy started a new episode from its restored stream.
    this.rewardNormalizer?.returns.fill(0);
    this.#gatherObservations();
    this.obsNormalizer?.normalizeInPlace(this.observations, n);
  }

  /**
   * Closes every copy (each Worker gets a second to run the copies' `close()`) and
   * terminates the Workers. Closing twice is a no-op.
   */
  override async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const workers = this.#workerSlices;
    for (const s of workers) this.#send(s, SliceCommand.close);
    for (const s of this.#slices) if (s.vec !== null) await s.vec.close();
    const deadline = performance.now() + CLOSE_GRACE_MS;
    for (const s of workers) {
      while (Atomics.load(s.views.ctrl, Ctrl.done) !== s.request && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      s.worker!.terminate();
    }
  }

  /** Copies every slice's raw observations into the result buffer. */
  #gatherObservations(): void {
    const obs = this.stepResult.observations;
    for (const s of this.#slices) obs.set(s.views.observations, s.first * this.obsDim);
  }

  /** Runs `command` on the calling thread's slice (its status and text as a Worker's). */
  #serveHere(s: Slice, command: number, method: string): void {
    let status = 0;
    try {
      const pending = serveSlice(s.vec!, s.views, command);
      if (pending !== undefined) {
        pending.catch(() => {}); // reported below, not unhandled
        throw new Error(`the environment answered ${method} with a Promise`);
      }
    } catch (error) {
      status = 1;
      writeJson(s.views, describeError(error));
    }
    Atomics.store(s.views.ctrl, Ctrl.status, status);
  }

  #send(s: Slice, command: number): void {
    const ctrl = s.views.ctrl;
    Atomics.store(ctrl, Ctrl.command, command);
    s.request++;
    Atomics.store(ctrl, Ctrl.request, s.request);
    Atomics.notify(ctrl, Ctrl.request);
  }

  /**
   * Sends `command` to every Worker, runs it on the calling thread's own slice meanwhile,
   * then waits for every Worker's answer; rethrows a failure.
   */
  #run(command: number, method: string): void {
    const workers = this.#workerSlices;
    for (const s of workers) this.#send(s, command);
    for (const s of this.#slices) if (s.vec !== null) this.#serveHere(s, command, method);
    for (const s of workers) {
      const ctrl = s.views.ctrl;
      // a Worker usually answers within a slice's step time: poll for that long before
      // sleeping (a futex wake-up costs tens of microseconds here)
      const spinUntil = performance.now() + HOST_SPIN_MS;
      while (Atomics.load(ctrl, Ctrl.done) !== s.request && performance.now() < spinUntil);
      const deadline = performance.now() + this.#timeoutMs;
      for (;;) {
        const done = Atomics.load(ctrl, Ctrl.done);
        if (done === s.request) break;
        if (performance.now() > deadline) {
          throw new EnvError(
            this.id,
            method,
            `(Worker of copies ${s.first}…${s.first + s.count - 1})`,
            `did not answer within ${this.#timeoutMs} ms`,
            command,
          );
        }
        Atomics.wait(ctrl, Ctrl.done, done, 100);
      }
    }
    for (const s of this.#slices) {
      if (Atomics.load(s.views.ctrl, Ctrl.status) !== 0) {
        const where = s.worker === null ? "calling thread's" : "Worker of";
        throw new EnvError(
          this.id,
          method,
          `(${where} copies ${s.first}…${s.first + s.count - 1})`,
          `failed: ${String(readJson(s.views))}`,
          command,
        );
      }
    }
  }

  #assertOpen(method: string): void {
    if (this.#closed) throw new EnvError(this.id, method, "(vector env)", "is closed", this.id);
  }
}

/**
 * Makes one Worker's copies. The buffer's size depends on the spaces, which only a copy
 * knows, so the Worker first makes its copies and reports the spaces, then gets its
 * buffer.
 */
async function startSlice(
  worker: Worker,
  id: string,
  count: number,
  opts: ThreadedVectorEnvOptions,
): Promise<{ reply: { observationSpace: Space; actionSpace: Space }; sab: SharedArrayBuffer }> {
  const init: Omit<SliceInit, "sab"> = {
    envId: id,
    count,
    make: opts.make ?? {},
    seedStreams: opts.seedStreams ?? false,
  };
  const reply = await ask<{ observationSpace: Space; actionSpace: Space; error?: string }>(
    worker,
    init,
  );
  if (reply.error !== undefined) {
    throw new EnvError(id, "ThreadedVectorEnv.start", "(Worker)", reply.error, id);
  }
  const obsDim = flatDim(reply.observationSpace);
  const actDim = reply.actionSpace.type === "discrete" ? 1 : flatDim(reply.actionSpace);
  const sab = new SharedArrayBuffer(sliceBytes({ count, obsDim, actDim }));
  await ask(worker, { sab });
  return { reply, sab };
}

/** Posts `message` and resolves with the Worker's next message (rejects on a crash). */
function ask<T>(worker: Worker, message: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<T>) => resolve(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      reject(new Error(`the Worker crashed: ${e.message}`));
    };
    worker.postMessage(message);
  });
}
