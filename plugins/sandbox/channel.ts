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
import type { Reply, RequestBody, WorkerFailure } from "./protocol.ts";

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

/** The advice printed when sandboxing is impossible. */
export const SANDBOX_FLAG_ADVICE: string = `sandboxed plugins need Deno's ${FLAG} flag ` +
  `(or "unstable": ["worker-options"] in deno.json), which Deno 2.9.6 requires for ` +
  `Worker permissions; add it, or load a trusted plugin with sandbox: false (a flag given ` +
  `on the command line is only visible with --allow-all; without it, use the deno.json ` +
  `setting)`;

const live = new Set<EnvWorker>();

/** One environment Worker and its request/reply bookkeeping. */
export class EnvWorker {
  readonly #worker: Worker;
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

  private constructor(
    readonly ctx: PluginEnvContext,
    readonly sandboxed: boolean,
    readonly timeoutMs: number | undefined,
  ) {
    const options = sandboxed
      ? { type: "module", deno: { permissions: "none" } }
      : { type: "module" };
    this.#worker = new Worker(
      new URL("./worker.ts", import.meta.url).href,
      options as WorkerOptions,
    );
    this.#worker.onmessage = (e: MessageEvent<Reply>) => this.#onReply(e.data);
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#die(`the Worker crashed: ${e.message}`);
    };
    this.#worker.onmessageerror = () => this.#die("a reply could not be deserialised");
    live.add(this);
  }

  /**
   * Starts a Worker for `ctx`'s plugin; `sandboxed` drops every permission. With
   * `timeoutMs`, a request left unanswered that long terminates the Worker (a plugin stuck
   * in a loop) and fails with an error naming the method.
   * @throws PluginError when sandboxing is requested but the Deno flag is missing.
   */
  static start(ctx: PluginEnvContext, sandboxed: boolean, timeoutMs?: number): EnvWorker {
    if (sandboxed && sandboxSupport() === "missing") {
      throw new PluginError({
        ...ctx,
        method: "load",
        path: "sandbox",
        problem: SANDBOX_FLAG_ADVICE,
      });
    }
    if (sandboxed && permissionPromptPossible()) {
      throw new PluginError({ ...ctx, method: "load", path: "sandbox", problem: NO_PROMPT_ADVICE });
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
    return new EnvWorker(ctx, sandboxed, timeoutMs);
  }

  /** Number of Workers started and not yet terminated. */
  static liveCount(): number {
    return live.size;
  }

  /** Terminates every live Worker (for command-line tools at exit). */
  static terminateAll(): void {
    for (const w of [...live]) w.terminate();
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
      const timer = this.timeoutMs === undefined ? undefined : setTimeout(
        () => this.#die(`no answer to ${request.type} within ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      this.#pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject: (e) => reject(e instanceof WorkerFailureError ? this.#error(e.failure, envId) : e),
        type: request.type,
        timer,
      });
      try {
        this.#worker.postMessage({ ...request, id }, transfer);
      } catch (error) {
        this.#pending.delete(id);
        clearTimeout(timer);
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

  /** Terminates the Worker; pending requests fail. */
  terminate(): void {
    this.#die("the Worker was terminated");
  }

  #onReply(reply: Reply): void {
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new WorkerFailureError(reply.error));
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
    if (!this.sandboxed || !/NotCapable|Requires \w+ access/.test(text)) return "";
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

class WorkerFailureError extends Error {
  constructor(readonly failure: WorkerFailure) {
    super(failure.problem.problem);
  }
}
