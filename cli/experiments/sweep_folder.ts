/**
 * The sweep folder:
 *
 * ```
 * SWEEP/sweep.json      the spec, where it came from, and every expanded trial
 * SWEEP/<trial>/        one ordinary run folder per trial (plus train.log, trial-exit.json)
 * SWEEP/slurm/          job.sh and jobs.json when submitted to Slurm
 * SWEEP/logs/           one Slurm log per array task (%A_%a.out)
 * ```
 *
 * Re-running a sweep into the same folder checks that the spec expands to the same trials,
 * so a changed spec never mixes with an old sweep's results.
 * @module
 */
import { resolve } from "node:path";
import { writeFileAtomic } from "../../policies/atomic.ts";
import { expandSweep, parseSweepSpec, type SweepSpec, type Trial } from "./sweep_spec.ts";
import { readTrialExit, type TrialExit, type TrialState, trialState } from "./trial.ts";

/** What `sweep.json` holds. */
export interface SweepFile {
  /** Format tag. */
  format: "ascent-sweep/1";
  /** The spec file it was made from. */
  specFile: string;
  /** The validated spec. */
  spec: SweepSpec;
  /** ISO time the folder was made. */
  created: string;
  /** The expanded trials. */
  trials: Trial[];
}

/** A sweep folder's absolute path and contents. */
export interface Sweep extends SweepFile {
  /** Absolute path of the sweep folder. */
  dir: string;
}

/** Reads and validates a spec file. */
export async function readSpecFile(path: string): Promise<SweepSpec> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new Error(`cannot read the sweep spec ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSweepSpec(json, path);
}

/** The default sweep folder of a spec: `sweeps/<name or file name>`. */
export function defaultSweepDir(specPath: string, spec: SweepSpec): string {
  const base = spec.name ?? specPath.split("/").at(-1)!.replace(/\.json$/, "");
  return `sweeps/${base}`;
}

/** A trial's run folder. */
export function trialDir(sweepDir: string, trial: Trial): string {
  return `${sweepDir}/${trial.name}`;
}

/**
 * Makes (or re-opens) the sweep folder for `spec`: writes `sweep.json`, or checks that the
 * one there lists the same trials.
 */
export async function prepareSweep(specPath: string, spec: SweepSpec, out: string): Promise<Sweep> {
  const dir = resolve(out);
  const trials = expandSweep(spec);
  const existing = await readSweep(dir).catch(() => null);
  if (existing) {
    const a = existing.trials.map((t) => t.name).join("\n");
    const b = trials.map((t) => t.name).join("\n");
    if (a !== b || JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
      throw new Error(
        `${dir}/sweep.json was made from a different spec (${existing.specFile}); ` +
          `use another --out folder, or restore the spec`,
      );
    }
    return existing;
  }
  await Deno.mkdir(dir, { recursive: true });
  const file: SweepFile = {
    format: "ascent-sweep/1",
    specFile: resolve(specPath),
    spec,
    created: new Date().toISOString(),
    trials,
  };
  await writeFileAtomic(`${dir}/sweep.json`, JSON.stringify(file, null, 2) + "\n");
  return { ...file, dir };
}

/** Reads `DIR/sweep.json`. */
export async function readSweep(dir: string): Promise<Sweep> {
  const abs = resolve(dir);
  const path = `${abs}/sweep.json`;
  let json: SweepFile;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new Error(
      `${path}: cannot read the sweep (${(error as Error).message}); is ${dir} a sweep folder?`,
    );
  }
  if (json.format !== "ascent-sweep/1") throw new Error(`${path}: format is not ascent-sweep/1`);
  return { ...json, spec: parseSweepSpec(json.spec, `${path}: spec`), dir: abs };
}

/** Every trial's state from its folder, and its exit record. */
export async function trialStates(
  sweep: Sweep,
): Promise<{ trial: Trial; state: TrialState; exit: TrialExit | null }[]> {
  return await Promise.all(sweep.trials.map(async (trial) => {
    const dir = trialDir(sweep.dir, trial);
    return { trial, state: await trialState(dir), exit: await readTrialExit(dir) };
  }));
}

/** Counts of states, for progress lines. */
export function countStates(states: readonly TrialState[]): Record<TrialState, number> {
  const c: Record<TrialState, number> = {
    done: 0,
    failed: 0,
    interrupted: 0,
    pending: 0,
    queued: 0,
    running: 0,
  };
  for (const s of states) c[s]++;
  return c;
}

/** `sweep: 4/6 done · 2 running · 0 failed · 1m05s` (and the estimate of what is left). */
export function formatSweepProgress(
  counts: Record<TrialState, number>,
  total: number,
  elapsedSeconds: number,
  finishedThisRun: number,
): string {
  const left = total - counts.done - counts.failed;
  const parts = [`sweep: ${counts.done}/${total} done`];
  if (counts.running) parts.push(`${counts.running} running`);
  if (counts.queued) parts.push(`${counts.queued} queued`);
  parts.push(`${counts.failed} failed`);
  if (counts.interrupted) parts.push(`${counts.interrupted} interrupted`);
  parts.push(formatSeconds(elapsedSeconds));
  if (finishedThisRun > 0 && left > 0) {
    parts.push(`~${formatSeconds(elapsedSeconds / finishedThisRun * left)} left`);
  }
  return parts.join(" · ");
}

/** {@link formatSweepProgress} and the key for {@link SweepProgressLine.show}: the counts. */
export function progressWithKey(
  counts: Record<TrialState, number>,
  total: number,
  elapsedSeconds: number,
  finishedThisRun: number,
): [string, string] {
  return [
    formatSweepProgress(counts, total, elapsedSeconds, finishedThisRun),
    JSON.stringify(counts),
  ];
}

/** `75` → `1m15s`. */
export function formatSeconds(s: number): string {
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, "0")}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor(t % 3600 / 60)).padStart(2, "0")}m`;
}

/** A one-line progress display: rewritten in place on a terminal, one line per change otherwise. */
export class SweepProgressLine {
  #last = "";
  readonly #tty = Deno.stderr.isTerminal();
  readonly #encoder = new TextEncoder();

  /**
   * Shows `text`. Off a terminal a line is printed only when `key` (default: the text)
   * changes, so a log gets one line per event rather than one per second.
   */
  show(text: string, key: string = text): void {
    if ((this.#tty ? text : key) === this.#last) return;
    this.#last = this.#tty ? text : key;
    const out = this.#tty ? `\r\x1b[2K${text}` : `${text}\n`;
    Deno.stderr.writeSync(this.#encoder.encode(out));
  }

  /** Ends the line on a terminal. */
  finish(): void {
    if (this.#tty && this.#last) Deno.stderr.writeSync(this.#encoder.encode("\n"));
    this.#last = "";
  }
}
