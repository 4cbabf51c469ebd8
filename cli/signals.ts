/**
 * Ctrl-C and SIGTERM for long-running commands: the first signal asks for a graceful stop
 * (`onFirst`, e.g. finish the update and save a checkpoint), a second one exits at once.
 * The main thread's listener does that whenever the main thread gets to run. When it may
 * not (an unsandboxed plugin stuck in a synchronous loop, or updates that each hold the
 * thread for long), the caller starts a watchdog Worker (`signal_watchdog.ts`,
 * {@link InterruptHandler.watch}) that hears the second signal on its own thread and kills
 * the process. Without `--allow-run` the watchdog cannot kill; then the main thread's
 * handler exits on the second signal whenever it gets to run.
 *
 * The watchdog is started only when asked for: creating a Worker holds the main thread for
 * 50–130 ms here, a tenth of a short training run.
 * @module
 */

/** A handler installed by {@link handleInterrupts}. */
export interface InterruptHandler {
  /** The first signal received, if any. */
  readonly signal: Deno.Signal | null;
  /**
   * Starts the watchdog (once; later calls return the same Promise), which resolves once
   * it listens or could not be started.
   */
  watch(): Promise<void>;
  /** Whether {@link watch} was called. */
  readonly watching: boolean;
  /** Removes the listeners and ends the watchdog. */
  dispose(): void;
}

/**
 * Installs the handlers: `onFirst(signal)` on the first SIGINT/SIGTERM; on the second,
 * `onSecond(signal)` (default: nothing) and `Deno.exit(130)`. The main thread's listeners
 * are in place on return; the watchdog starts on {@link InterruptHandler.watch}.
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
  let ready: Promise<void> | null = null;
  const watch = (): Promise<void> => {
    if (ready !== null) return ready;
    try {
      const worker = watchdog = new Worker(
        new URL("./signal_watchdog.ts", import.meta.url).href,
        { type: "module" },
      );
      ready = new Promise<void>((resolve) => {
        worker.onmessage = () => resolve();
        worker.onerror = (e) => {
          e.preventDefault();
          resolve();
        };
      });
    } catch {
      watchdog = null;
      ready = Promise.resolve();
    }
    return ready;
  };
  return {
    get signal() {
      return first;
    },
    watch,
    get watching() {
      return ready !== null;
    },
    dispose() {
      for (const [s, fn] of handlers) Deno.removeSignalListener(s, fn);
      watchdog?.terminate();
      watchdog = null;
    },
  };
}
