/**
 * Cutting environment waits short. {@link interruptEnvironments} makes every pending call
 * of a plugin environment fail at once with a {@link PluginError} naming the plugin and
 * the reason: calls of in-process plugin environments (a `reset`/`step` Promise that never
 * settles, wrapped by {@link interruptible}) and calls to environment Workers and sandbox
 * processes (which are ended). The commands use it on Ctrl-C, so that a hung environment
 * cannot keep them from saving a checkpoint and exiting.
 *
 * What it cannot cut short: a synchronous endless loop in an in-process plugin, which never
 * gives the event loop back (only a second Ctrl-C, handled on another thread, ends that).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { interruptEnvironments, interruptible } from "./interrupt.ts";
 * const ctx = { source: "./p.ts", plugin: "p", envId: "p/Hang-v0" };
 * const hung = interruptible(ctx, "step", new Promise<never>(() => {}));
 * interruptEnvironments("SIGINT");
 * await assert.rejects(hung, /\[p\/Hang-v0\] step: \(wait\): interrupted by SIGINT/);
 * ```
 * @module
 */
import { PluginError } from "./errors.ts";
import type { PluginEnvContext } from "./guarded_env.ts";
import { EnvWorker } from "./sandbox/channel.ts";

const pending = new Set<(why: string) => void>();

/**
 * `promise` (a pending call of plugin code), made to fail at once when
 * {@link interruptEnvironments} is called before it settles.
 */
export function interruptible<T>(
  ctx: PluginEnvContext,
  method: string,
  promise: Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = (why: string) =>
      reject(new PluginError({ ...ctx, method, path: "(wait)", problem: `interrupted by ${why}` }));
    pending.add(cancel);
    promise.then((value) => {
      pending.delete(cancel);
      resolve(value);
    }, (error) => {
      pending.delete(cancel);
      reject(error);
    });
  });
}

/**
 * Fails every pending plugin environment call with "interrupted by `why`" and ends every
 * environment Worker and sandbox process. Returns how many waits and Workers it ended.
 */
export function interruptEnvironments(why: string): number {
  const calls = [...pending];
  pending.clear();
  for (const cancel of calls) cancel(why);
  const workers = EnvWorker.liveCount();
  EnvWorker.terminateAll(`interrupted by ${why}`);
  return calls.length + workers;
}
