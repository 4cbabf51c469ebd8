/**
 * The local backend: a pool of `train` processes (default one per core) working through a
 * sweep's unfinished trials, with one progress line for the whole sweep.
 *
 * Finished trials are skipped, interrupted ones resume from their checkpoint, failed and
 * new ones start fresh; a failing trial is reported and the others go on. SIGINT/SIGTERM
 * are passed to the running trials (which save a checkpoint) and no new trial starts, so
 * re-running the same command later continues where this one stopped. A lock file
 * (`SWEEP/.local.lock`, holding the process id) keeps a second pool off the same folder.
 * @module
 */
import {
  countStates,
  progressWithKey,
  type Sweep,
  SweepProgressLine,
  trialDir,
  trialStates,
} from "./sweep_folder.ts";
import { readTrialExit, runTrial, type TrialState } from "./trial.ts";
import type { Trial } from "./sweep_spec.ts";

/** Options of {@link runLocalPool}. */
export interface LocalPoolOptions {
  /** Trials run at once (default: the number of cores). */
  parallel?: number;
  /** No progress line. */
  quiet?: boolean;
  /** Trials to skip (e.g. queued or running on a scheduler). */
  skip?: ReadonlySet<string>;
}

/** What a pool run did. */
export interface LocalPoolResult {
  /** Final state of every trial. */
  states: Map<string, TrialState>;
  /** The failed trials with their error text. */
  failures: { trial: Trial; error: string }[];
  /** True when a signal stopped the pool early. */
  interrupted: boolean;
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** True when a local pool (a live process holding `SWEEP/.local.lock`) works on `sweepDir`. */
export async function localPoolRunning(sweepDir: string): Promise<boolean> {
  const pid = Number((await Deno.readTextFile(`${sweepDir}/.local.lock`).catch(() => "")).trim());
  return Number.isInteger(pid) && pid > 0 && processAlive(pid);
}

async function takeLock(path: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, `${Deno.pid}\n`, { createNew: true });
      return;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const pid = Number((await Deno.readTextFile(path).catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
        throw new Error(
          `another sweep (process ${pid}) is running ${path.replace(/\/[^/]*$/, "")}`,
        );
      }
      await Deno.remove(path).catch(() => {}); // stale lock of a process that is gone
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}

/** Runs every unfinished trial of `sweep` (see the module doc). */
export async function runLocalPool(
  sweep: Sweep,
  options: LocalPoolOptions = {},
): Promise<LocalPoolResult> {
  const parallel = Math.max(1, options.parallel ?? navigator.hardwareConcurrency ?? 1);
  const lockPath = `${sweep.dir}/.local.lock`;
  await takeLock(lockPath);
  const initial = await trialStates(sweep);
  const states = new Map(initial.map((s) => [s.trial.name, s.state]));
  const queue = initial.filter((s) => s.state !== "done" && !(options.skip?.has(s.trial.name))).map(
    (s) => s.trial,
  );
  const failures: { trial: Trial; error: string }[] = [];
  const children = new Set<Deno.ChildProcess>();
  let stopping = false;
  const line = new SweepProgressLine();
  const t0 = performance.now();
  let finished = 0;
  const show = () => {
    if (options.quiet) return;
    line.show(...progressWithKey(
      countStates([...states.values()]),
      sweep.trials.length,
      (performance.now() - t0) / 1000,
      finished,
    ));
  };
  const onSignal = (signal: Deno.Signal) => () => {
    if (stopping) return;
    stopping = true;
    for (const c of children) {
      try {
        c.kill(signal === "SIGINT" ? "SIGINT" : "SIGTERM");
      } catch { /* already gone */ }
    }
  };
  const handlers: [Deno.Signal, () => void][] = [["SIGINT", onSignal("SIGINT")]];
  if (Deno.build.os !== "windows") handlers.push(["SIGTERM", onSignal("SIGTERM")]);
  for (const [sig, fn] of handlers) Deno.addSignalListener(sig, fn);
  const ticker = setInterval(show, 1000);
  show();
  const worker = async () => {
    while (!stopping) {
      const trial = queue.shift();
      if (!trial) return;
      states.set(trial.name, "running");
      show();
      const dir = trialDir(sweep.dir, trial);
      let child: Deno.ChildProcess | null = null;
      let state: TrialState;
      try {
        state = await runTrial(sweep.spec, trial, dir, {
          onSpawn: (c) => {
            child = c;
            children.add(c);
          },
        });
      } catch (error) {
        state = "failed";
        failures.push({ trial, error: (error as Error).message });
      }
      if (child) children.delete(child);
      states.set(trial.name, state);
      if (state === "failed" && !failures.some((f) => f.trial === trial)) {
        const exit = await readTrialExit(dir);
        failures.push({ trial, error: exit?.error ?? "unknown error" });
      }
      if (state === "done" || state === "failed") finished++;
      if (state === "failed" && !options.quiet) {
        line.finish();
        console.error(
          `trial ${trial.name} failed (see ${dir}/train.log):\n${
            failures.at(-1)!.error.split("\n").map((l) => `  ${l}`).join("\n")
          }`,
        );
      }
      show();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
  } finally {
    clearInterval(ticker);
    for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
    show();
    line.finish();
    await Deno.remove(lockPath).catch(() => {});
  }
  return { states, failures, interrupted: stopping };
}
