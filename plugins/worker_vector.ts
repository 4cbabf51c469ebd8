/**
 * An asynchronous vector environment whose `N` copies live in `W` Workers and are stepped
 * in parallel: copies `⌊kN/W⌋ … ⌊(k+1)N/W⌋ − 1` live in Worker `k`. One `step` sends each
 * Worker its slice of the actions (a transferred typed array), every Worker steps its
 * copies one after the other, and the host gathers the replies, so the wall time of a step
 * is about `max_k (work of Worker k) + one message round trip` instead of the sum of all.
 * It pays off when a single step is expensive compared with a message (tens of µs).
 *
 * Semantics are those of the in-process `VectorEnv`, which each Worker runs over its slice: SAME-STEP autoreset (row `i` of
 * `observations` is the first observation of the next episode when copy `i` ended, and
 * row `i` of `finalObservations` the last one of the finished episode), the time limit
 * (`maxEpisodeSteps`, default the spec's) counted per copy, `reset(seed)` seeding copy `i`
 * with `seed + i`, raw returns in `finishedEpisodes`, and result buffers reused by every
 * call. There is no observation/reward normalisation here.
 *
 * Copies can be plugin environments (loaded with `loadPlugin`; a sandboxed plugin keeps
 * its Workers permission-less) or the built-in environments.
 * @module
 */
import { BUILTIN_ENV_IDS } from "../envs/builtin.ts";
import { EnvError } from "../envs/errors.ts";
import { defaultRegistry, type Registry } from "../envs/registry.ts";
import { flatDim, type Space } from "../envs/spaces.ts";
import type { FinishedEpisode, VectorEnvLike, VectorStepResult } from "../envs/vector.ts";
import { checkedSpaces, type PluginEnvContext, problemError } from "./guarded_env.ts";
import type { Problem } from "./validate.ts";
import { pluginEnvRecord } from "./loader.ts";
import { EnvWorker } from "./sandbox/channel.ts";
import type { SpacesReply, VecStepReply } from "./sandbox/protocol.ts";
import { workerImportUrl } from "./sandbox/proxy_env.ts";

/** Options of {@link WorkerVectorEnv.create}. */
export interface WorkerVectorEnvOptions {
  /** Number of copies `N`. */
  numEnvs: number;
  /** Number of Workers (default `min(N, navigator.hardwareConcurrency)`). */
  numWorkers?: number;
  /** The registry the id (and its plugin) was registered in (default: the default one). */
  registry?: Registry;
  /** Options for `create`, merged over the spec's defaults. */
  envOptions?: Record<string, unknown>;
  /** Time limit; default the spec's; `null` for none. */
  maxEpisodeSteps?: number | null;
}

/** How long `close()` waits for each Worker to close its copies. */
export const CLOSE_GRACE_MS = 1000;

interface Slice {
  worker: EnvWorker;
  first: number;
  count: number;
}

/** `N` copies stepped in `W` Workers (see the module documentation). */
export class WorkerVectorEnv implements VectorEnvLike {
  /** Number of copies. */
  readonly numEnvs: number;
  /** Number of Workers. */
  readonly numWorkers: number;
  /** Elements of one observation. */
  readonly obsDim: number;
  /** Elements of one action (1 for discrete). */
  readonly actDim: number;
  /** The observation space of one copy. */
  readonly singleObservationSpace: Space;
  /** The action space of one copy. */
  readonly singleActionSpace: Space;
  /** The registered id. */
  readonly id: string;
  readonly #slices: Slice[];
  readonly #ctx: PluginEnvContext;
  readonly #result: VectorStepResult;
  readonly #observations: Float32Array;
  #closed = false;

  private constructor(
    id: string,
    ctx: PluginEnvContext,
    slices: Slice[],
    spaces: { observationSpace: Space; actionSpace: Space },
  ) {
    this.id = id;
    this.#ctx = ctx;
    this.#slices = slices;
    this.numWorkers = slices.length;
    this.numEnvs = slices.reduce((a, s) => a + s.count, 0);
    this.singleObservationSpace = spaces.observationSpace;
    this.singleActionSpace = spaces.actionSpace;
    this.obsDim = flatDim(spaces.observationSpace);
    this.actDim = spaces.actionSpace.type === "discrete" ? 1 : flatDim(spaces.actionSpace);
    const n = this.numEnvs;
    this.#observations = new Float32Array(n * this.obsDim);
    this.#result = {
      observations: this.#observations,
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObservations: new Float32Array(n * this.obsDim),
      finishedEpisodes: [],
    };
  }

  /**
   * Starts the Workers and builds the copies of `id` (a plugin env id registered by
   * `loadPlugin`, or a built-in id).
   * @throws EnvError for a bad option or an id whose code a Worker cannot load;
   *   PluginError for a plugin failure.
   */
  static async create(id: string, options: WorkerVectorEnvOptions): Promise<WorkerVectorEnv> {
    const registry = options.registry ?? defaultRegistry;
    const n = options.numEnvs;
    const fail = (path: string, problem: string, value: unknown): never => {
      throw new EnvError(id, "WorkerVectorEnv.create", path, problem, value);
    };
    if (!Number.isInteger(n) || n < 1) fail("numEnvs", "must be a positive integer", n);
    const w = options.numWorkers ?? Math.min(n, navigator.hardwareConcurrency || 1);
    if (!Number.isInteger(w) || w < 1 || w > n) {
      fail("numWorkers", `must be an integer in [1, numEnvs = ${n}]`, w);
    }
    const spec = registry.spec(id);
    const record = pluginEnvRecord(id, registry);
    const builtin = !record && spec.source === "builtin" && BUILTIN_ENV_IDS.includes(id);
    if (!record && !builtin) {
      fail("id", "is neither a plugin env loaded by loadPlugin nor a built-in env", id);
    }
    const limit = options.maxEpisodeSteps === undefined
      ? spec.maxEpisodeSteps ?? null
      : options.maxEpisodeSteps;
    if (limit !== null && (!Number.isInteger(limit) || limit < 1)) {
      fail("maxEpisodeSteps", "must be a positive integer or null", limit);
    }
    const ctx: PluginEnvContext = record?.ctx ??
      { source: "builtin", plugin: "builtin", envId: id };
    const envOptions = { ...spec.defaults, ...options.envOptions };
    const slices: Slice[] = [];
    try {
      for (let k = 0; k < w; k++) {
        const first = Math.floor((k * n) / w);
        const count = Math.floor(((k + 1) * n) / w) - first;
        const worker = EnvWorker.start(ctx, record?.sandboxed ?? false, record?.timeoutMs, {
          memoryLimitMb: record?.memoryLimitMb,
        });
        slices.push({ worker, first, count });
      }
      const replies = await Promise.all(slices.map(async (s) => {
        if (record) {
          const url = record.sandboxed
            ? workerImportUrl(record.code!, true)
            : workerImportUrl({ url: record.url, code: "", mediaType: "" }, false);
          await s.worker.call({ type: "load", url });
        } else await s.worker.call({ type: "builtin" });
        return await s.worker.call<SpacesReply>(
          {
            type: "vecInit",
            envId: record?.localId ?? id,
            count: s.count,
            options: envOptions,
            maxEpisodeSteps: limit,
          },
          [],
          record?.localId,
        );
      }));
      const spaces = checkedSpaces(ctx, replies[0]);
      return new WorkerVectorEnv(id, ctx, slices, spaces);
    } catch (error) {
      for (const s of slices) s.worker.terminate();
      throw error;
    }
  }

  /** Resets every copy (copy `i` seeded with `seed + i`); returns `N × obsDim` observations. */
  async reset(seed?: number): Promise<Float32Array> {
    this.#assertOpen("reset");
    const replies = await Promise.all(this.#slices.map((s) =>
      s.worker.call<Float32Array>({
        type: "vecReset",
        seed: seed === undefined ? null : seed + s.first,
      })
    ));
    replies.forEach((obs, k) => {
      const s = this.#slices[k];
      this.#check(observationsProblem("vecReset", "observations", obs, s.count * this.obsDim), s);
      this.#observations.set(obs, s.first * this.obsDim);
    });
    return this.#observations;
  }

  /** Steps every copy with flat `actions` (`Int32Array(N)` or `Float32Array(N × actDim)`). */
  async step(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    this.#assertOpen("step");
    if (actions.length !== this.numEnvs * this.actDim) {
      throw new EnvError(
        this.id,
        "step",
        "actions",
        `must hold numEnvs × actDim = ${this.numEnvs * this.actDim} values`,
        actions.length,
      );
    }
    const d = this.obsDim;
    const a = this.actDim;
    const replies = await Promise.all(this.#slices.map((s) => {
      const part = actions.slice(s.first * a, (s.first + s.count) * a);
      return s.worker.call<VecStepReply>(
        { type: "vecStep", actions: part },
        [part.buffer as ArrayBuffer],
      );
    }));
    const r = this.#result;
    const finished: FinishedEpisode[] = [];
    replies.forEach((reply, k) => {
      this.#check(vecStepProblem(reply, this.#slices[k].count, d), this.#slices[k]);
      const first = this.#slices[k].first;
      r.observations.set(reply.observations, first * d);
      r.finalObservations.set(reply.finalObservations, first * d);
      r.rewards.set(reply.rewards, first);
      r.terminated.set(reply.terminated, first);
      r.truncated.set(reply.truncated, first);
      for (const e of reply.finished) {
        finished.push({ env: first + e.env, return: e.return, length: e.length });
      }
    });
    r.finishedEpisodes = finished;
    return r;
  }

  /**
   * Closes every copy (each Worker gets {@link CLOSE_GRACE_MS} to run the copies'
   * `close()`) and terminates the Workers.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slices.map(async (s) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          s.worker.call({ type: "vecClose" }).catch(() => {}),
          new Promise((resolve) => timer = setTimeout(resolve, CLOSE_GRACE_MS)),
        ]);
      } finally {
        clearTimeout(timer);
        s.worker.terminate();
      }
    }));
  }

  /** Throws the {@link PluginError} for a reply problem, naming the copy index. */
  #check(p: Problem | null, slice: Slice): void {
    if (p === null) return;
    const shifted = p.path.replace(/^(\w+)\.(\d+)/, (_m, field: string, i: string) => {
      const rowWidth = field.endsWith("bservations") ? this.obsDim : 1;
      return `${field}.${Number(i) + slice.first * rowWidth}`;
    });
    throw problemError(this.#ctx, { ...p, path: shifted });
  }

  #assertOpen(method: string): void {
    if (this.#closed) {
      throw new EnvError(this.#ctx.envId, method, "(vector env)", "is closed", this.id);
    }
  }
}

/** Problems of a flat observation block: a `Float32Array` of `length` finite numbers. */
function observationsProblem(
  method: string,
  field: string,
  v: unknown,
  length: number,
): Problem | null {
  if (!(v instanceof Float32Array) || v.length !== length) {
    return {
      method,
      path: field,
      problem: `must be a Float32Array of ${length} numbers (a forged or corrupt reply)`,
      value: v instanceof Float32Array ? v.length : typeof v,
    };
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      return { method, path: `${field}.${i}`, problem: "must be a finite number", value: v[i] };
    }
  }
  return null;
}

/**
 * Problems of one Worker's `vecStep` reply, checked on the host (the Worker runs plugin
 * code, which can forge what it sends): array types and lengths, finite observations and
 * rewards, 0/1 flags, and finished episodes that match the flags one to one with finite
 * returns and positive integer lengths.
 */
export function vecStepProblem(reply: unknown, count: number, obsDim: number): Problem | null {
  const m = "vecStep";
  if (reply === null || typeof reply !== "object") {
    return { method: m, path: "(reply)", problem: "must be an object", value: reply };
  }
  const r = reply as Record<string, unknown>;
  for (const field of ["observations", "finalObservations"]) {
    const p = observationsProblem(m, field, r[field], count * obsDim);
    if (p) return p;
  }
  const rewards = r.rewards;
  if (!(rewards instanceof Float64Array) || rewards.length !== count) {
    return { method: m, path: "rewards", problem: `must be a Float64Array of ${count}`, value: 0 };
  }
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(rewards[i])) {
      return {
        method: m,
        path: `rewards.${i}`,
        problem: "must be a finite number",
        value: rewards[i],
      };
    }
  }
  for (const flag of ["terminated", "truncated"]) {
    const f = r[flag];
    if (!(f instanceof Uint8Array) || f.length !== count) {
      return { method: m, path: flag, problem: `must be a Uint8Array of ${count}`, value: 0 };
    }
    for (let i = 0; i < count; i++) {
      if (f[i] !== 0 && f[i] !== 1) {
        return { method: m, path: `${flag}.${i}`, problem: "must be 0 or 1", value: f[i] };
      }
    }
  }
  const finished = r.finished;
  if (!Array.isArray(finished)) {
    return { method: m, path: "finished", problem: "must be an array", value: finished };
  }
  const ended = new Set<number>();
  for (let j = 0; j < finished.length; j++) {
    const e = finished[j] as Record<string, unknown> | null;
    const env = e?.env;
    if (typeof env !== "number" || !Number.isInteger(env) || env < 0 || env >= count) {
      return {
        method: m,
        path: `finished.${j}.env`,
        problem: `must be a copy index in [0, ${count})`,
        value: env,
      };
    }
    if (ended.has(env)) {
      return {
        method: m,
        path: `finished.${j}.env`,
        problem: "ends twice in one step",
        value: env,
      };
    }
    ended.add(env);
    if (typeof e!.return !== "number" || !Number.isFinite(e!.return)) {
      return {
        method: m,
        path: `finished.${j}.return`,
        problem: "must be a finite number",
        value: e!.return,
      };
    }
    if (typeof e!.length !== "number" || !Number.isInteger(e!.length) || e!.length < 1) {
      return {
        method: m,
        path: `finished.${j}.length`,
        problem: "must be a positive integer",
        value: e!.length,
      };
    }
  }
  const terminated = r.terminated as Uint8Array;
  const truncated = r.truncated as Uint8Array;
  for (let i = 0; i < count; i++) {
    const done = terminated[i] === 1 || truncated[i] === 1;
    if (done !== ended.has(i)) {
      return {
        method: m,
        path: `${terminated[i] === 1 ? "terminated" : "truncated"}.${i}`,
        problem: done
          ? "says the episode ended, but no finished episode is reported for it"
          : "a finished episode is reported, but neither flag is set",
        value: done ? 1 : 0,
      };
    }
  }
  return null;
}
