/**
 * The host side of an environment Worker: starts it (with no permissions at all when
 * sandboxed), sends requests, matches replies by id, and turns Worker failures into
 * {@link PluginError}s naming the plugin's source, the env id, the method and the field.
 *
 * Sandboxing needs Deno's `Worker` option `deno.permissions`, which Deno 2.9.6 still
 * gates behind `--unstable-worker-options` (or `"unstable": ["worker-options"]` in
 * `deno.json`); without it Deno exits the whole process. {@link sandboxSupport} therefore
 * looks for the flag first and, when it is certainly absent, {@link EnvWorker.start}
 * throws a clear error instead.
 *
 * A permission-less Worker's permissions are in Deno's "prompt" state: run from a terminal
 * without `--no-prompt`, a plugin's `Deno.readTextFile` would make Deno *ask the user*.
 * {@link EnvWorker.start} therefore refuses to sandbox when a prompt is possible
 * ({@link permissionPromptPossible}).
 * @module
 */
import { describeThrown, PluginError } from "../errors.ts";
import type { PluginEnvContext } from "../guarded_env.ts";
import {
  decodeFrame,
  encodeFrame,
  type Reply,
  type RequestBody,
  type WorkerFailure,
} from "./protocol.ts";

/** Resource bounds of one sandbox process. */
export interface SandboxLimits {
  /**
   * Memory limit in MiB (default {@link SANDBOX_MEMORY_MB}): the V8 heap limit of the
   * sandbox process (`--max-old-space-size`), and the resident-set limit enforced by the
   * host, which polls `/proc/PID/status` every 50 ms and kills the process above it (this
   * also catches ArrayBuffers and Wasm memories, which live outside the V8 heap).
   */
  memoryLimitMb?: number;
}

/** Default memory limit of a sandbox process, in MiB. */
export const SANDBOX_MEMORY_MB = 512;

/** How often the host samples a sandbox process's resident memory. */
const RSS_POLL_MS = 50;

/** How long a sandbox process may take to start (before any plugin code runs). */
const STARTUP_MS = 30_000;

/**
 * The message channel to the code hosting an environment: a Worker of this process
 * (trusted plugins, built-in environments) or a separate sandbox process.
 */
interface Transport {
  send(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
}

interface TransportEvents {
  reply(reply: Reply): void;
  /** The other side is up and about to load plugin code: call timeouts start now. */
  ready(): void;
  /** The other side is gone or broke the protocol: fail everything with `why`. */
  die(why: string): void;
}

class WorkerTransport implements Transport {
  readonly #worker: Worker;
  constructor(events: TransportEvents) {
    this.#worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    queueMicrotask(() => events.ready());
    this.#worker.onmessage = (e: MessageEvent<Reply | { exit: string }>) => {
      const data = e.data as Reply | { exit?: unknown };
      if (data && typeof data === "object" && "exit" in data && !("id" in data)) {
        events.die(`the Worker exited: ${String(data.exit)}`);
      } else events.reply(data as Reply);
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      events.die(`the Worker crashed: ${e.message}`);
    };
    this.#worker.onmessageerror = () => events.die("a reply could not be deserialised");
  }
  send(message: unknown, transfer: Transferable[]): void {
    this.#worker.postMessage(message, transfer);
  }
  terminate(): void {
    this.#worker.terminate();
  }
}

/** The deno flags of a sandbox process (see the module doc of `worker.ts`). */
export function sandboxArgs(memoryLimitMb: number): string[] {
  return [
    "run",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--no-npm",
    "--no-remote",
    "--no-code-cache",
    `--v8-flags=--max-old-space-size=${memoryLimitMb}`,
    new URL("./worker.ts", import.meta.url).href,
  ];
}

/**
 * A sandbox process: `deno run` with no permission flag at all (so every permission is
 * denied, and `--no-prompt` makes sure none is ever asked for), `--no-npm --no-remote`
 * (no package or URL can be loaded), `--no-config --no-lock`, a V8 heap limit, an empty
 * environment, and `DENO_DIR` pointing below `/dev/null` so that nothing it loads — the
 * plugin's `data:` URL included — is written to any cache, and the Cache API cannot store
 * anything. Messages are lines of JSON on stdin/stdout (see `worker.ts`).
 */
class ProcessTransport implements Transport {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #token = crypto.randomUUID();
  readonly #encoder = new TextEncoder();
  #stderrTail = "";
  #poll: ReturnType<typeof setInterval> | undefined;
  #gone = false;
  #killedFor: string | null = null;
  #ready = false;
  #startup: ReturnType<typeof setTimeout>;

  constructor(readonly events: TransportEvents, readonly memoryLimitMb: number) {
    this.#child = new Deno.Command(sandboxCommand() ?? Deno.execPath(), {
      args: sandboxArgs(memoryLimitMb),
      clearEnv: true,
      env: {
        DENO_DIR: "/dev/null/ascent-sandbox",
        NO_COLOR: "1",
        DENO_NO_UPDATE_CHECK: "1",
        PATH: "/usr/bin:/bin",
      },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#startup = setTimeout(() => {
      this.#killedFor = `it did not start within ${STARTUP_MS} ms`;
      this.#kill();
    }, STARTUP_MS);
    this.#write(this.#token + "\n");
    void this.#readReplies();
    void this.#readStderr();
    void this.#child.status.then((status) => this.#exited(status));
    const statusPath = `/proc/${this.#child.pid}/status`;
    let readable = false;
    try {
      readable = Deno.build.os === "linux" &&
        Deno.permissions.querySync({ name: "read", path: statusPath }).state === "granted";
    } catch { /* no permission API */ }
    if (readable) {
      const poll = setInterval(() => this.#checkMemory(statusPath), RSS_POLL_MS);
      Deno.unrefTimer(poll);
      this.#poll = poll;
    }
  }

  #write(text: string): void {
    this.#stdin.write(this.#encoder.encode(text)).catch(() => {/* reported by #exited */});
  }

  #checkMemory(path: string): void {
    let kb: number;
    try {
      kb = Number(/VmRSS:\s+(\d+)\s*kB/.exec(Deno.readTextFileSync(path))?.[1] ?? 0);
    } catch {
      return;
    }
    if (kb > this.memoryLimitMb * 1024) {
      this.#killedFor = `it exceeded its memory limit of ${this.memoryLimitMb} MiB ` +
        `(resident ${Math.round(kb / 1024)} MiB; option memoryLimitMb, flag --plugin-memory)`;
      this.#kill();
    }
  }

  #kill(): void {
    clearInterval(this.#poll);
    try {
      this.#child.kill("SIGKILL");
    } catch { /* exited */ }
  }

  async #readReplies(): Promise<void> {
    const reader = this.#child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += value;
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith(this.#token)) {
            this.#killedFor = `it wrote to stdout outside the sandbox protocol ` +
              `(${JSON.stringify(line.slice(0, 60))})`;
            this.#kill();
            return;
          }
          let reply: unknown;
          try {
            reply = decodeFrame(line.slice(this.#token.length));
          } catch {
            this.#killedFor = "it sent a reply that is not JSON";
            this.#kill();
            return;
          }
          if (!this.#ready) {
            this.#ready = true;
            clearTimeout(this.#startup);
            if ((reply as { ready?: unknown })?.ready !== true) {
              this.#killedFor = "its first message was not the start-up signal";
              this.#kill();
              return;
            }
            this.events.ready();
            continue;
          }
          this.events.reply(reply as Reply);
        }
      }
    } catch { /* the process is gone */ }
  }

  async #readStderr(): Promise<void> {
    const reader = this.#child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        this.#stderrTail = (this.#stderrTail + value).slice(-4000);
      }
    } catch { /* gone */ }
  }

  #exited(status: Deno.CommandStatus): void {
    clearInterval(this.#poll);
    clearTimeout(this.#startup);
    if (this.#gone) return;
    this.#gone = true;
    const how = status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
    let why: string;
    if (this.#killedFor) why = `the sandbox process was killed: ${this.#killedFor}`;
    else if (/heap limit|out of memory|allocation failed/i.test(this.#stderrTail)) {
      why = `the sandbox process ran out of memory: it exceeded its V8 heap limit of ` +
        `${this.memoryLimitMb} MiB (option memoryLimitMb, flag --plugin-memory; ${how})`;
    } else {
      const tail = this.#stderrTail.trim().split("\n").slice(-3).join(" | ").slice(-300);
      why = `the sandbox process exited (${how})${tail ? `: ${tail}` : ""}`;
    }
    this.events.die(why);
  }

  send(message: unknown): void {
    if (this.#gone) return;
    this.#write(encodeFrame(message) + "\n");
  }

  terminate(): void {
    if (this.#gone) return;
    this.#gone = true;
    clearInterval(this.#poll);
    clearTimeout(this.#startup);
    this.#stdin.close().catch(() => {});
    this.#kill();
    this.#child.stdout.cancel().catch(() => {});
    this.#child.stderr.cancel().catch(() => {});
  }
}

/**
 * The program that starts a sandbox process: this Deno itself when `--allow-run` covers
 * its path, else `deno` from `PATH` when `--allow-run=deno` is granted (the repository's
 * tasks), else `null`.
 */
export function sandboxCommand(): string | null {
  for (const command of [Deno.execPath(), "deno"]) {
    try {
      if (Deno.permissions.querySync({ name: "run", command }).state === "granted") {
        return command;
      }
    } catch { /* no such permission */ }
  }
  return null;
}

/** Whether `--unstable-worker-options` is known to be in effect ("missing": not shown to be). */
export type SandboxSupport = "enabled" | "missing";

const FLAG = "--unstable-worker-options";
let cachedSupport: SandboxSupport | undefined;

/** Reads a file only when read access is already granted (never triggers a prompt). */
function readText(path: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function commandLine(): string[] | undefined {
  return readText("/proc/self/cmdline")?.split("\0");
}

/**
 * True when Deno could show an interactive permission prompt: stdin and stderr are
 * terminals and neither `--no-prompt` nor `DENO_NO_PROMPT` is set (`deno test` never
 * prompts). A permission-less Worker's permissions are in the "prompt" state, so there a
 * sandboxed plugin could *ask the user* for access; the sandbox refuses to run then.
 */
export function permissionPromptPossible(): boolean {
  const args = commandLine() ?? [];
  if (args.includes("--no-prompt") || args[1] === "test") return false;
  try {
    const variable = "DENO_NO_PROMPT";
    if (
      Deno.permissions.querySync({ name: "env", variable }).state === "granted" &&
      Deno.env.get(variable) !== undefined
    ) return false;
  } catch { /* no env access */ }
  return Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
}

/** The advice given when a permission prompt is possible. */
export const NO_PROMPT_ADVICE: string = "sandboxed plugins need Deno's --no-prompt flag (or " +
  "DENO_NO_PROMPT=1) when run from a terminal: otherwise the plugin could ask you for " +
  "file or network access through Deno's permission prompt";

function configEnables(text: string | undefined): boolean {
  return text !== undefined && /"unstable"\s*:\s*\[[^\]]*"worker-options"/.test(text);
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  let d = dir.replace(/\/+$/, "") || "/";
  for (;;) {
    out.push(d);
    if (d === "/" || d === "") break;
    d = d.slice(0, d.lastIndexOf("/")) || "/";
  }
  return out;
}

/**
 * Detects whether Worker permissions are available: the command line of this process
 * (`/proc/self/cmdline`) and the `deno.json`/`deno.jsonc` Deno would use (`--config`, or
 * the nearest one above the working directory or the main module).
 *
 * It answers "enabled" only on evidence (the flag on the command line, or a config file
 * that turns the feature on): starting a Worker with permissions when the feature is off
 * ends the whole process (exit 70), so when nothing can be seen — Deno 2.9 lets only
 * `--allow-all` read `/proc/self/cmdline`, and a script outside any project has no config
 * file — the answer is "missing", and the sandbox refuses with a clear error instead.
 */
export function sandboxSupport(): SandboxSupport {
  if (cachedSupport) return cachedSupport;
  const args = commandLine();
  if (args !== undefined) {
    if (args.includes(FLAG) || args.includes("--unstable")) return cachedSupport = "enabled";
    if (args.includes("--no-config")) return cachedSupport = "missing";
    const configArg = args.findIndex((a) => a === "--config" || a === "-c");
    const configEq = args.find((a) => a.startsWith("--config="));
    const explicit = configEq?.slice("--config=".length) ??
      (configArg >= 0 ? args[configArg + 1] : undefined);
    if (explicit) return cachedSupport = configEnables(readText(explicit)) ? "enabled" : "missing";
  }
  const dirs = ancestors(Deno.cwd());
  if (Deno.mainModule.startsWith("file:")) {
    dirs.push(...ancestors(new URL(".", Deno.mainModule).pathname));
  }
  for (const dir of dirs) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      if (configEnables(readText(`${dir === "/" ? "" : dir}/${name}`))) {
        return cachedSupport = "enabled";
      }
    }
  }
  return cachedSupport = "missing";
}

/** The advice given when this process may not start the sandbox process. */
export const SANDBOX_RUN_ADVICE: string = "sandboxed plugins run in a separate, " +
  "permission-less deno process, which this process may not start: grant " +
  `--allow-run=${Deno.execPath()} (or --allow-run=deno), or load a trusted plugin with ` +
  "sandbox: false";

/** The advice printed when sandboxing is impossible. */
export const SANDBOX_FLAG_ADVICE: string = `sandboxed plugins need Deno's ${FLAG} flag ` +
  `(or "unstable": ["worker-options"] in deno.json), which Deno 2.9.6 requires for ` +
  `Worker permissions; add it, or load a trusted plugin with sandbox: false (a flag given ` +
  `on the command line is only visible with --allow-all; without it, use the deno.json ` +
  `setting)`;

const live = new Set<EnvWorker>();

// Sandbox processes are ended with this process (a looping one would otherwise outlive it).
globalThis.addEventListener?.("unload", () => EnvWorker.terminateAll());

/** One environment Worker and its request/reply bookkeeping. */
export class EnvWorker {
  readonly #worker: Transport;
  readonly #pending = new Map<
    number,
    {
      resolve: (v: unknown) => void;
      reject: (e: unknown) => void;
      type: string;
      timer?: ReturnType<typeof setTimeout>;
    }
  >();
  #nextId = 1;
  #dead: PluginError | null = null;
  #ready = false;
  readonly #unarmed: (() => void)[] = [];

  private constructor(
    readonly ctx: PluginEnvContext,
    readonly sandboxed: boolean,
    readonly timeoutMs: number | undefined,
    memoryLimitMb: number,
  ) {
    const events: TransportEvents = {
      reply: (r) => this.#onReply(r),
      ready: () => {
        this.#ready = true;
        for (const arm of this.#unarmed.splice(0)) arm();
      },
      die: (why) => this.#die(why),
    };
    this.#worker = sandboxed
      ? new ProcessTransport(events, memoryLimitMb)
      : new WorkerTransport(events);
    live.add(this);
  }

  /**
   * Starts a Worker for `ctx`'s plugin, or, with `sandboxed`, a separate permission-less
   * `deno` process bounded by `limits`. With `timeoutMs`, a request left unanswered that
   * long terminates it (a plugin stuck in a loop) and fails with an error naming the
   * method. A Worker or process that exits fails every pending request at once, naming the
   * exit.
   * @throws PluginError when sandboxing is requested but this process may not start Deno.
   */
  static start(
    ctx: PluginEnvContext,
    sandboxed: boolean,
    timeoutMs?: number,
    limits: SandboxLimits = {},
  ): EnvWorker {
    const memoryLimitMb = limits.memoryLimitMb ?? SANDBOX_MEMORY_MB;
    if (sandboxed && !(Number.isInteger(memoryLimitMb) && memoryLimitMb >= 16)) {
      throw new PluginError({
        ...ctx,
        method: "load",
        path: "memoryLimitMb",
        problem: "must be a whole number of MiB, at least 16",
        value: memoryLimitMb,
      });
    }
    if (sandboxed && sandboxCommand() === null) {
      throw new PluginError({
        ...ctx,
        method: "load",
        path: "sandbox",
        problem: SANDBOX_RUN_ADVICE,
      });
    }
    if (timeoutMs !== undefined && !(timeoutMs > 0)) {
      throw new PluginError({
        ...ctx,
        method: "load",
        path: "timeoutMs",
        problem: "must be a positive number of milliseconds",
        value: timeoutMs,
      });
    }
    return new EnvWorker(ctx, sandboxed, timeoutMs, memoryLimitMb);
  }

  /** Number of Workers started and not yet terminated. */
  static liveCount(): number {
    return live.size;
  }

  /** Terminates every live Worker (for command-line tools at exit); `why` ends their calls. */
  static terminateAll(why?: string): void {
    for (const w of [...live]) w.terminate(why);
  }

  /** True once the Worker was terminated or crashed. */
  get closed(): boolean {
    return this.#dead !== null;
  }

  /**
   * Sends one request and resolves with the Worker's result.
   * @param envId the plugin-local env id used in error messages, if the request concerns
   *   one environment.
   */
  call<T>(
    request: RequestBody,
    transfer: Transferable[] = [],
    envId?: string,
  ): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const entry: {
        resolve: (v: unknown) => void;
        reject: (e: unknown) => void;
        type: string;
        timer?: ReturnType<typeof setTimeout>;
      } = {
        resolve: resolve as (v: unknown) => void,
        reject: (e) => reject(e instanceof WorkerFailureError ? this.#error(e.failure, envId) : e),
        type: request.type,
      };
      const arm = () => {
        if (this.timeoutMs === undefined || !this.#pending.has(id)) return;
        entry.timer = setTimeout(
          () => this.#die(`no answer to ${request.type} within ${this.timeoutMs} ms`),
          this.timeoutMs,
        );
      };
      this.#pending.set(id, entry);
      // Time starts once the Worker or process is up (its start-up is not the plugin's).
      if (this.#ready) arm();
      else this.#unarmed.push(arm);
      try {
        this.#worker.send({ ...request, id }, transfer);
      } catch (error) {
        this.#pending.delete(id);
        clearTimeout(entry.timer);
        reject(
          new PluginError({
            ...this.ctx,
            envId: envId === undefined ? this.ctx.envId : `${this.ctx.plugin}/${envId}`,
            method: request.type,
            path: "(message)",
            problem: `cannot be sent to the Worker: ${describeThrown(error)}`,
          }),
        );
      }
    });
  }

  /** Terminates the Worker; pending requests fail, saying `why`. */
  terminate(why = "the Worker was terminated"): void {
    this.#die(why);
  }

  #onReply(reply: Reply): void {
    if (reply === null || typeof reply !== "object" || typeof reply.id !== "number") {
      this.#die(`a malformed reply: ${JSON.stringify(reply)?.slice(0, 80)}`);
      return;
    }
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok === true) p.resolve(reply.result);
    else p.reject(new WorkerFailureError(wellFormedFailure(reply.error)));
  }

  #error(f: WorkerFailure, envId?: string): PluginError {
    const local = f.envId ?? envId;
    const id = local === undefined ? this.ctx.envId : `${this.ctx.plugin}/${local}`;
    return new PluginError({
      ...this.ctx,
      envId: id,
      method: f.problem.method,
      path: f.problem.path,
      problem: f.thrown
        ? `threw ${f.problem.problem}${this.#hint(f.problem.problem)}`
        : f.problem.problem,
      value: f.problem.value,
    });
  }

  #hint(text: string): string {
    if (!this.sandboxed || !/NotCapable|Requires \w+ access|--no-npm|--no-remote/.test(text)) {
      return "";
    }
    return " [denied by the plugin sandbox: sandboxed plugins get no file, network, " +
      "environment, subprocess or FFI access]";
  }

  #die(why: string): void {
    if (this.#dead) return;
    this.#dead = new PluginError({ ...this.ctx, method: "worker", path: "(worker)", problem: why });
    this.#worker.terminate();
    live.delete(this);
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(
        new PluginError({ ...this.ctx, method: p.type, path: "(worker)", problem: why }),
      );
    }
    this.#pending.clear();
  }
}

/** A failure as a plugin-controlled process may send it, made into a well-formed one. */
function wellFormedFailure(f: unknown): WorkerFailure {
  const o = (f !== null && typeof f === "object" ? f : {}) as Record<string, unknown>;
  const p = (o.problem !== null && typeof o.problem === "object" ? o.problem : {}) as Record<
    string,
    unknown
  >;
  const text = (v: unknown, fallback: string) => typeof v === "string" ? v : fallback;
  return {
    problem: {
      method: text(p.method, "(unknown)"),
      path: text(p.path, "(unknown)"),
      problem: text(p.problem, `a malformed failure reply: ${String(JSON.stringify(f))}`),
      value: p.value,
    },
    envId: typeof o.envId === "string" ? o.envId : undefined,
    thrown: o.thrown === true,
  };
}

class WorkerFailureError extends Error {
  constructor(readonly failure: WorkerFailure) {
    super(failure.problem.problem);
  }
}
