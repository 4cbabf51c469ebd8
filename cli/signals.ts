/**
 * Ctrl-C and SIGTERM for long-running commands: the first signal asks for a graceful stop
 * (`onFirst`, e.g. finish the update and save a checkpoint), a second one **always** exits
 * at once — also when the main thread is blocked (an unsandboxed plugin stuck in a
 * synchronous loop), because a watchdog Worker (`signal_watchdog.ts`) hears it on its own
 * thread and kills the process. Without `--allow-run` the watchdog cannot kill; then the
 * main thread's handler exits on the second signal whenever it gets to run.
 *
 * The watchdog boots on its own thread while the caller goes on (its start-up costs the
 * main thread only the Worker's creation); await {@link InterruptHandler.ready} before work
 * that may block the main thread.
 * @module
 */

/** A handler installed by {@link handleInterrupts}. */
export interface InterruptHandler {
  /** The first signal received, if any. */
  readonly signal: Deno.Signal | null;
  /** Resolves once the watchdog listens (or could not be started). */
  readonly ready: Promise<void>;
  /** Removes the listeners and ends the watchdog. */
  dispose(): void;
}

/**
 * Installs the handlers: `onFirst(signal)` on the first SIGINT/SIGTERM; on the second,
 * `onSecond(signal)` (default: nothing) and `Deno.exit(130)`. The main thread's listeners
 * are in place on return; the watchdog is starting ({@link InterruptHandler.ready}).
 */
export function handleInterrupts(
  onFirst: (signal: Deno.Signal) => void,
  onSecond: (signal: Deno.Signal) => void = () => {},
): InterruptHandler {
  let first: Deno.Signal | null = null;
  const listener = (signal: Deno.Signal) => () => {
    if (first !== null) {
      onSecond(signal);
      Deno.exit(130);
    }
    first = signal;
    onFirst(signal);
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const handlers = signals.map((s) => [s, listener(s)] as const);
  for (const [s, fn] of handlers) Deno.addSignalListener(s, fn);
  let watchdog: Worker | null = null;
  let ready: Promise<void> = Promise.resolve();
  try {
    const worker = watchdog = new Worker(new URL("./signal_watchdog.ts", import.meta.url).href, {
      type: "module",
    });
    ready = new Promise<void>((resolve) => {
      worker.onmessage = () => resolve();
      worker.onerror = (e) => {
        e.preventDefault();
        resolve();
      };
    });
  } catch {
    watchdog = null;
  }
  return {
    get signal() {
      return first;
    },
    ready,
    dispose() {
      for (const [s, fn] of handlers) Deno.removeSignalListener(s, fn);
      watchdog?.terminate();
      watchdog = null;
    },
  };
}
