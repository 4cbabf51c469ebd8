/**
 * The host-side stand-in for an environment that lives in a Worker. It implements
 * {@link Env} with Promise-returning `reset`/`step`: each call is one message to the
 * Worker (observations come back in transferred `Float32Array`s), and every result is
 * validated again on the host by the same {@link ResultChecker} as in-process plugin envs.
 *
 * Each `SandboxedEnv` owns its own Worker (one plugin env per Worker, so a misbehaving env
 * cannot disturb another); `close()` terminates it. A Worker keeps the process alive, so
 * sandboxed environments must be closed (or {@link EnvWorker.terminateAll} called).
 * @module
 */
import type { Space } from "../../envs/spaces.ts";
import type { Action, Env, ResetOptions, ResetResult, StepResult } from "../../envs/types.ts";
import { checkedSpaces, type PluginEnvContext, ResultChecker } from "../guarded_env.ts";
import type { PluginSource } from "../source.ts";
import { dataUrlOf } from "../source.ts";
import { EnvWorker } from "./channel.ts";
import type { SpacesReply } from "./protocol.ts";

/** How to build a Worker-hosted environment. */
export interface WorkerEnvOptions {
  /** Who the environment belongs to (for errors). */
  ctx: PluginEnvContext;
  /** The plugin module (its text is imported from a `data:` URL when sandboxed). */
  source: PluginSource;
  /** The id inside the plugin (`Corridor-v0`). */
  localId: string;
  /** Options passed to the plugin's `create` (defaults already merged). */
  options: Record<string, unknown>;
  /** Drop every permission in the Worker (default true). */
  sandbox?: boolean;
  /** Terminate the Worker when a call takes longer (default: no limit). */
  timeoutMs?: number;
  /** Memory limit of the sandbox process in MiB (default `SANDBOX_MEMORY_MB`). */
  memoryLimitMb?: number;
}

/** The import URL the Worker uses for a plugin: `data:` when sandboxed, else the URL. */
export function workerImportUrl(source: PluginSource, sandboxed: boolean): string {
  return sandboxed ? dataUrlOf(source) : source.url;
}

/** An environment running in its own Worker (see the module documentation). */
export class SandboxedEnv implements Env {
  readonly #worker: EnvWorker;
  readonly #checker: ResultChecker;
  readonly #localId: string;

  private constructor(
    worker: EnvWorker,
    localId: string,
    readonly observationSpace: Space,
    readonly actionSpace: Space,
    readonly ctx: PluginEnvContext,
  ) {
    this.#worker = worker;
    this.#localId = localId;
    this.#checker = new ResultChecker(ctx, observationSpace);
  }

  /** Starts a Worker, imports the plugin, creates the environment and checks its spaces. */
  static async create(options: WorkerEnvOptions): Promise<SandboxedEnv> {
    const sandboxed = options.sandbox ?? true;
    const worker = EnvWorker.start(options.ctx, sandboxed, options.timeoutMs, {
      memoryLimitMb: options.memoryLimitMb,
    });
    try {
      await worker.call({ type: "load", url: workerImportUrl(options.source, sandboxed) });
      const spaces = await worker.call<SpacesReply>(
        { type: "create", handle: 0, envId: options.localId, options: options.options },
        [],
        options.localId,
      );
      const valid = checkedSpaces(options.ctx, spaces);
      return new SandboxedEnv(
        worker,
        options.localId,
        valid.observationSpace,
        valid.actionSpace,
        options.ctx,
      );
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }

  /** True once the Worker is gone (closed or crashed). */
  get closed(): boolean {
    return this.#worker.closed;
  }

  /** Resets the environment in the Worker. */
  async reset(options: ResetOptions = {}): Promise<ResetResult> {
    const r = await this.#worker.call<unknown>(
      { type: "reset", handle: 0, seed: options.seed, options: options.options },
      [],
      this.#localId,
    );
    return this.#checker.reset(r);
  }

  /** Steps the environment in the Worker. */
  async step(action: Action): Promise<StepResult> {
    const sent = typeof action === "number" ? action : action.slice();
    const transfer = typeof sent === "number" ? [] : [sent.buffer as ArrayBuffer];
    const r = await this.#worker.call<unknown>(
      { type: "step", handle: 0, action: sent },
      transfer,
      this.#localId,
    );
    return this.#checker.step(r);
  }

  /** The environment's text rendering. */
  render(): Promise<string> {
    return this.#worker.call<string>({ type: "render", handle: 0 }, [], this.#localId);
  }

  /** Closes the environment and terminates its Worker. */
  async close(): Promise<void> {
    if (this.#worker.closed) return;
    try {
      await this.#worker.call({ type: "close", handle: 0 }, [], this.#localId);
    } finally {
      this.#worker.terminate();
    }
  }
}
