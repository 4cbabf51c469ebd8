/**
 * One sweep trial as a process: its state read from its run folder, and running it as a
 * `train` process (the `deno task train` command line from `deno.json`).
 *
 * States, from the folder alone (so the local pool and Slurm tasks agree):
 * - `done`: `summary.json` exists (the trial is never run again);
 * - `failed`: `trial-exit.json` records a non-zero exit that was not an interruption;
 * - `interrupted`: a checkpoint exists but no summary (resumed with `--resume`);
 * - `pending`: nothing yet (started fresh; a folder without a checkpoint starts over).
 *
 * The process's output goes to `DIR/train.log` (appended); when it ends, `DIR/trial-exit.json`
 * records the exit code, the seconds, the host and, on failure, the end of its stderr.
 * @module
 */
import { CHECKPOINT_FILE } from "../../algorithms/mod.ts";
import { writeFileAtomic } from "../../policies/atomic.ts";
import { type SweepSpec, type Trial, trialEvalArgs, trialTrainArgs } from "./sweep_spec.ts";

/** The repository root (where `deno.json` and `cli/train.ts` are). */
export const ROOT: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** A trial's state (see the module doc); `queued`/`running` come from a scheduler. */
export type TrialState = "done" | "failed" | "interrupted" | "pending" | "queued" | "running";

/** What `trial-exit.json` holds. */
export interface TrialExit {
  /** Exit code of the train process. */
  code: number;
  /** True when it was stopped by a signal and saved a checkpoint (exit 130/143). */
  interrupted: boolean;
  /** Wall seconds. */
  seconds: number;
  /** Host it ran on. */
  host: string;
  /** ISO time it ended. */
  finishedAt: string;
  /** The last lines of its stderr, on failure. */
  error?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads `DIR/trial-exit.json` (null when absent or unreadable). */
export async function readTrialExit(dir: string): Promise<TrialExit | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/trial-exit.json`));
  } catch {
    return null;
  }
}

/** The state of the trial in `dir`, from its files. */
export async function trialState(dir: string): Promise<TrialState> {
  if (await exists(`${dir}/summary.json`)) return "done";
  const exit = await readTrialExit(dir);
  if (exit && exit.code !== 0 && !exit.interrupted) return "failed";
  if (await exists(`${dir}/checkpoint/${CHECKPOINT_FILE}`) && await exists(`${dir}/config.json`)) {
    return "interrupted";
  }
  return "pending";
}

/** The train task's `deno run` flags, read from `deno.json` (`tasks.train`). */
export async function trainRunFlags(): Promise<string[]> {
  const json = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const task: string | undefined = json.tasks?.train;
  const tokens = task?.split(/\s+/) ?? [];
  if (tokens[0] !== "deno" || tokens[1] !== "run" || tokens.at(-1) !== "cli/train.ts") {
    throw new Error(`${ROOT}/deno.json: tasks.train is not "deno run … cli/train.ts": ${task}`);
  }
  return tokens.slice(2, -1);
}

/** The full command (program and arguments) that runs or resumes a trial in `dir`. */
export async function trialCommand(
  spec: SweepSpec,
  trial: Trial,
  dir: string,
  state: TrialState,
): Promise<string[]> {
  const where = state === "interrupted"
    ? ["--resume", dir]
    : [...trialTrainArgs(spec, trial), "--out", dir, "--force"];
  return [
    Deno.execPath(),
    "run",
    ...(await trainRunFlags()),
    "cli/train.ts",
    ...where,
    ...trialEvalArgs(spec),
    "--quiet",
  ];
}

/** Options of {@link runTrial}. */
export interface RunTrialOptions {
  /** Receives the child process, e.g. to forward signals to it. */
  onSpawn?(child: Deno.ChildProcess): void;
}

/**
 * Runs (or resumes) the trial in `dir` unless it is done; resolves to its state after the
 * run. A fresh start clears what an earlier attempt left without a checkpoint.
 */
export async function runTrial(
  spec: SweepSpec,
  trial: Trial,
  dir: string,
  options: RunTrialOptions = {},
): Promise<TrialState> {
  let state = await trialState(dir);
  if (state === "done") return state;
  if (state === "failed") state = "pending";
  if (state === "pending") {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  await Deno.mkdir(dir, { recursive: true });
  await Deno.remove(`${dir}/trial-exit.json`).catch(() => {});
  const [program, ...args] = await trialCommand(spec, trial, dir, state);
  const log = await Deno.open(`${dir}/train.log`, { append: true, create: true });
  const encoder = new TextEncoder();
  log.writeSync(
    encoder.encode(
      `# ${new Date().toISOString()} ${state === "interrupted" ? "resume" : "start"}: ${
        [program, ...args].join(" ")
      }\n`,
    ),
  );
  const t0 = performance.now();
  const child = new Deno.Command(program, {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  options.onSpawn?.(child);
  let tail = "";
  const pump = async (stream: ReadableStream<Uint8Array>, keepTail: boolean) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      log.writeSync(chunk);
      if (keepTail) tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, false),
    pump(child.stderr, true),
  ]);
  log.close();
  const interrupted = status.code === 130 || status.code === 143 || status.signal !== null;
  const exit: TrialExit = {
    code: status.code,
    interrupted: status.code !== 0 && interrupted,
    seconds: (performance.now() - t0) / 1000,
    host: Deno.hostname(),
    finishedAt: new Date().toISOString(),
  };
  if (status.code !== 0) {
    exit.error = tail.trim().split("\n").slice(-20).join("\n") ||
      `exit code ${status.code}${status.signal ? ` (signal ${status.signal})` : ""}`;
  }
  await writeFileAtomic(`${dir}/trial-exit.json`, JSON.stringify(exit, null, 2) + "\n");
  return trialState(dir);
}
