/**
 * The environment host script: imports a plugin module (from a `data:` URL when sandboxed,
 * so it needs no permission at all), creates its environments and steps them on request.
 *
 * It runs in one of two ways. Trusted (unsandboxed) plugins and the built-in environments
 * run in a Deno Worker of the host process and talk by `postMessage`. Sandboxed plugins run
 * it as the main module of a separate `deno` process started by `channel.ts` with no
 * permissions at all, a V8 heap limit, no npm or remote module resolution and an unusable
 * cache directory, and talk over stdin/stdout (see {@link serveOverStdio}): the plugin's
 * code can compute but `Deno.readTextFile`, `fetch`, `Deno.connect`, `Deno.env`,
 * `Deno.Command` and FFI all throw `NotCapable`, and so does a dynamic `import()` of a
 * file, remote URL or `npm:` package. The host sees such failures as errors naming the
 * method.
 *
 * Batch mode (`vecInit`/`vecReset`/`vecStep`) steps the Worker's copies with the toolkit's
 * one `VectorEnv` (same-step autoreset, the time limit `maxEpisodeSteps` as a `TimeLimit`),
 * so a Worker slice behaves exactly like the in-process vector environment. Plugin copies
 * are wrapped in {@link CheckedEnv}, which validates every result and names every failure.
 * @module
 */
import {
  type Action,
  type Env,
  isPromiseLike,
  type MaybePromise,
  type ResetOptions,
} from "../../envs/types.ts";
import { VectorEnv } from "../../envs/vector_env.ts";
import { TimeLimit } from "../../envs/wrappers/time_limit.ts";
import { looseFlatDim, plainResult, type Problem, resultProblem } from "../validate.ts";
import {
  decodeFrame,
  encodeFrame,
  FUNCTION_MARKER,
  type Reply,
  type Request,
  type WorkerFailure,
} from "./protocol.ts";

interface PluginEnvLike {
  id: string;
  create: (options: Record<string, unknown>) => Env | Promise<Env>;
}

interface Batch {
  id: string;
  envs: Env[];
  vector: VectorEnv | null;
}

type Maker = (envId: string, options: Record<string, unknown>) => Promise<Env>;

let makeEnv: Maker | null = null;
let builtins = false;
const envs = new Map<number, Env>();
let batch: Batch | null = null;

class Failure extends Error {
  constructor(readonly failure: WorkerFailure) {
    super(failure.problem.problem);
  }
}

function fail(p: Problem, envId?: string): never {
  throw new Failure({ problem: p, envId, thrown: false });
}

function summarise(value: unknown, depth = 0): unknown {
  if (typeof value === "function") return FUNCTION_MARKER;
  if (value === null || typeof value !== "object") {
    return typeof value === "symbol" || typeof value === "bigint" ? String(value) : value;
  }
  if (depth > 6) return "[deep]";
  if (Array.isArray(value)) return value.map((v) => summarise(v, depth + 1));
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    out[key] = summarise((value as Record<string, unknown>)[key], depth + 1);
  }
  return out;
}

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    try {
      return JSON.parse(JSON.stringify(value));
    } catch {
      return String(value);
    }
  }
}

async function load(url: string): Promise<unknown> {
  let mod: { default?: unknown };
  try {
    mod = await import(url);
  } catch (error) {
    throw new Failure({
      problem: { method: "load", path: "(import)", problem: describe(error), value: undefined },
      thrown: true,
    });
  }
  const plugin = mod.default as { envs?: unknown } | undefined;
  makeEnv = async (envId, options) => {
    const defs = Array.isArray(plugin?.envs) ? plugin.envs as PluginEnvLike[] : [];
    const def = defs.find((d) => d?.id === envId);
    if (!def || typeof def.create !== "function") {
      fail({ method: "create", path: "envs", problem: "no such env in the plugin", value: envId });
    }
    try {
      return await def.create(options);
    } catch (error) {
      throw new Failure({
        problem: { method: "create", path: "(thrown)", problem: describe(error), value: undefined },
        envId,
        thrown: true,
      });
    }
  };
  return summarise(plugin);
}

async function useBuiltins(): Promise<void> {
  const url = new URL("../../envs/mod.ts", import.meta.url).href;
  const mod = await import(url) as {
    make: (id: string, o: Record<string, unknown>) => Promise<Env>;
  };
  makeEnv = (envId, options) =>
    mod.make(envId, { check: false, maxEpisodeSteps: null, envOptions: options });
  builtins = true;
}

function describe(error: unknown): string {
  try {
    if (error instanceof Error) return `${String(error.name)}: ${String(error.message)}`;
    return String(error);
  } catch {
    return "a thrown value that cannot be described";
  }
}

function spacesOf(env: Env, envId: string): { observationSpace: unknown; actionSpace: unknown } {
  if (env === null || typeof env !== "object") {
    fail({
      method: "create",
      path: "(result)",
      problem: "create must return an environment object",
      value: cloneable(env),
    }, envId);
  }
  for (const m of ["reset", "step"] as const) {
    if (typeof env[m] !== "function") {
      fail({
        method: "create",
        path: m,
        problem: `the environment must have a ${m}() method`,
        value: cloneable(env[m]),
      }, envId);
    }
  }
  return {
    observationSpace: cloneable(env.observationSpace),
    actionSpace: cloneable(env.actionSpace),
  };
}

/** A failure of `method` from what the environment threw. */
function thrownBy(method: string, error: unknown): Failure {
  if (error instanceof Failure) return error;
  return new Failure({
    problem: { method, path: "(thrown)", problem: describe(error), value: undefined },
    thrown: true,
  });
}

async function callEnv<T>(method: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw thrownBy(method, error);
  }
}

function checked(
  method: "reset" | "step",
  result: unknown,
  obsDim: number,
): Record<string, unknown> {
  let plain: unknown;
  try {
    plain = plainResult(result);
  } catch (error) {
    throw new Failure({
      problem: { method, path: "(thrown)", problem: describe(error), value: undefined },
      thrown: true,
    });
  }
  const p = resultProblem(method, plain, obsDim);
  if (p) fail({ ...p, value: cloneable(p.value) });
  return plain as Record<string, unknown>;
}

function envAt(handle: number): Env {
  const env = envs.get(handle);
  if (!env) fail({ method: "call", path: "handle", problem: "no such environment", value: handle });
  return env;
}

/**
 * A plugin environment whose results are validated and whose failures are named (a
 * synchronous environment stays synchronous); `reset()` passes `{}` for no options.
 */
class CheckedEnv implements Env {
  constructor(readonly env: Env, readonly obsDim: number) {}
  get observationSpace(): Env["observationSpace"] {
    return this.env.observationSpace;
  }
  get actionSpace(): Env["actionSpace"] {
    return this.env.actionSpace;
  }
  reset(options?: ResetOptions): MaybePromise<never> {
    return this.#checked("reset", () => this.env.reset(options ?? {}));
  }
  step(action: Action): MaybePromise<never> {
    return this.#checked("step", () => this.env.step(action));
  }
  #checked(method: "reset" | "step", run: () => unknown): MaybePromise<never> {
    let r: unknown;
    try {
      r = run();
    } catch (error) {
      throw thrownBy(method, error);
    }
    const check = (v: unknown) => checked(method, v, this.obsDim) as never;
    if (isPromiseLike(r)) return r.then(check, (error) => Promise.reject(thrownBy(method, error)));
    return check(r);
  }
}

async function vecInit(
  msg: Extract<Request, { type: "vecInit" }>,
): Promise<{ observationSpace: unknown; actionSpace: unknown }> {
  if (!makeEnv) fail({ method: "vecInit", path: "plugin", problem: "nothing loaded", value: null });
  const list: Env[] = [];
  for (let i = 0; i < msg.count; i++) list.push(await makeEnv(msg.envId, msg.options));
  const spaces = spacesOf(list[0], msg.envId);
  const obsDim = looseFlatDim(list[0].observationSpace);
  const limit = msg.maxEpisodeSteps;
  batch = {
    id: msg.envId,
    envs: list.map((e) => {
      const env = builtins ? e : new CheckedEnv(e, obsDim);
      return limit === null ? env : new TimeLimit(env, limit);
    }),
    vector: null,
  };
  return spaces;
}

/** The batch's vector env, built on first use (after the host has checked the spaces). */
function vectorOf(b: Batch | null): VectorEnv {
  if (!b) fail({ method: "vecStep", path: "batch", problem: "no vecInit yet", value: null });
  return b.vector ??= VectorEnv.fromEnvs(b.envs, { id: b.id });
}

async function vecReset(seed: number | null): Promise<Float32Array<ArrayBuffer>> {
  return (await vectorOf(batch).reset(seed ?? undefined)).slice();
}

async function vecStep(actions: Int32Array | Float32Array) {
  const r = await vectorOf(batch).step(actions);
  return {
    observations: r.observations.slice(),
    finalObservations: r.finalObservations.slice(),
    rewards: r.rewards.slice(),
    terminated: r.terminated.slice(),
    truncated: r.truncated.slice(),
    finished: r.finishedEpisodes.slice(),
  };
}

async function handle(msg: Request): Promise<{ result: unknown; transfer: Transferable[] }> {
  switch (msg.type) {
    case "load":
      return { result: await load(msg.url), transfer: [] };
    case "builtin":
      await useBuiltins();
      return { result: null, transfer: [] };
    case "create": {
      if (!makeEnv) {
        fail({ method: "create", path: "plugin", problem: "nothing loaded", value: null });
      }
      const env = await makeEnv(msg.envId, msg.options);
      const spaces = spacesOf(env, msg.envId);
      envs.set(msg.handle, env);
      return { result: spaces, transfer: [] };
    }
    case "reset": {
      const env = envAt(msg.handle);
      const options = msg.seed === undefined
        ? (msg.options ? { options: msg.options } : {})
        : { seed: msg.seed, ...(msg.options ? { options: msg.options } : {}) };
      const r = await callEnv("reset", () => env.reset(options));
      const c = checked("reset", r, looseFlatDim(env.observationSpace));
      const observation = Float32Array.from(c.observation as ArrayLike<number>);
      return {
        result: { observation, info: cloneable(c.info ?? {}) },
        transfer: [observation.buffer],
      };
    }
    case "step": {
      const env = envAt(msg.handle);
      const r = await callEnv("step", () => env.step(msg.action));
      const c = checked("step", r, looseFlatDim(env.observationSpace));
      const observation = Float32Array.from(c.observation as ArrayLike<number>);
      return {
        result: {
          observation,
          reward: c.reward,
          terminated: c.terminated,
          truncated: c.truncated,
          info: c.info === undefined ? {} : cloneable(c.info),
        },
        transfer: [observation.buffer],
      };
    }
    case "render": {
      const env = envAt(msg.handle);
      const text = await callEnv("render", () => env.render?.() ?? "");
      return { result: String(text), transfer: [] };
    }
    case "close": {
      const env = envs.get(msg.handle);
      envs.delete(msg.handle);
      if (env?.close) await callEnv("close", () => env.close!());
      return { result: null, transfer: [] };
    }
    case "vecInit":
      return { result: await vecInit(msg), transfer: [] };
    case "vecReset": {
      const obs = await vecReset(msg.seed);
      return { result: obs, transfer: [obs.buffer] };
    }
    case "vecClose": {
      const list = batch?.envs ?? [];
      batch = null;
      for (const env of list) {
        const inner = env instanceof TimeLimit ? env.env : env;
        const raw = inner instanceof CheckedEnv ? inner.env : inner;
        if (typeof raw.close === "function") await callEnv("close", () => raw.close!());
      }
      return { result: null, transfer: [] };
    }
    case "vecStep": {
      const r = await vecStep(msg.actions);
      return {
        result: r,
        transfer: [
          r.observations.buffer,
          r.finalObservations.buffer,
          r.rewards.buffer,
          r.terminated.buffer,
          r.truncated.buffer,
        ],
      };
    }
  }
}

/** Answers one request: the reply and the buffers to transfer. */
async function answer(msg: Request): Promise<{ reply: Reply; transfer: Transferable[] }> {
  try {
    const out = await handle(msg);
    return { reply: { id: msg.id, ok: true, result: out.result }, transfer: out.transfer };
  } catch (error) {
    const failure: WorkerFailure = error instanceof Failure ? error.failure : {
      problem: { method: msg.type, path: "(thrown)", problem: describe(error), value: undefined },
      thrown: true,
    };
    return { reply: { id: msg.id, ok: false, error: failure }, transfer: [] };
  }
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
  close(): void;
}

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope ===
    "function" &&
  globalThis instanceof
    (globalThis as unknown as { WorkerGlobalScope: new () => unknown }).WorkerGlobalScope;

if (inWorker) {
  // A Worker: messages from the host. A plugin that calls close() or Deno.exit() ends the
  // Worker (not the process), and the host gets no event for it: tell the host at once,
  // instead of letting it wait for a reply that never comes. Deno.exit dispatches "unload"
  // before the Worker ends, which also covers an exit through a saved reference.
  const scope = globalThis as unknown as WorkerScope;
  let told = false;
  const tell = (why: string) => {
    if (told) return;
    told = true;
    scope.postMessage({ exit: why }, []);
  };
  const close = scope.close.bind(scope);
  scope.close = () => {
    tell("the plugin called close() in its Worker");
    close();
  };
  const exit = Deno.exit.bind(Deno);
  Deno.exit = (code?: number): never => {
    tell(`the plugin called Deno.exit(${code ?? ""}) in its Worker`);
    return exit(code);
  };
  addEventListener("unload", () => tell("the Worker unloaded (the plugin ended it)"));
  // Requests are handled one at a time, in order.
  let queue: Promise<void> = Promise.resolve();
  scope.onmessage = (event: MessageEvent<Request>) => {
    const msg = event.data;
    queue = queue.then(async () => {
      const { reply, transfer } = await answer(msg);
      scope.postMessage(reply, transfer);
    });
  };
} else if (import.meta.main) {
  await serveOverStdio();
}

/**
 * A separate sandbox process (see `channel.ts`): requests arrive as lines of
 * {@link encodeFrame} JSON on stdin, the first line being a token that every reply line on
 * stdout starts with (so that plugin code writing to stdout cannot forge a reply). Console
 * output of the plugin goes to stderr. The process ends when stdin closes.
 */
async function serveOverStdio(): Promise<void> {
  const stdout = Deno.stdout;
  const out = (...args: unknown[]) => console.error(...args);
  const c = console as unknown as Record<string, unknown>;
  for (const k of ["log", "info", "debug", "dir", "dirxml", "table", "group", "groupCollapsed"]) {
    c[k] = out;
  }
  const encoder = new TextEncoder();
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let token: string | null = null;
  const write = (bytes: Uint8Array) => {
    let at = 0;
    while (at < bytes.length) at += stdout.writeSync(bytes.subarray(at));
  };
  let queue: Promise<void> = Promise.resolve();
  for (;;) {
    const { value, done } = await lines.read();
    if (done) break;
    buffered += value;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (token === null) {
        token = line;
        write(encoder.encode(token + encodeFrame({ ready: true }) + "\n"));
        continue;
      }
      const msg = decodeFrame(line) as Request;
      const t = token;
      queue = queue.then(async () => {
        const { reply } = await answer(msg);
        write(encoder.encode(t + encodeFrame(reply) + "\n"));
      });
    }
  }
  await queue;
  Deno.exit(0);
}
