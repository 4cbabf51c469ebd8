/**
 * The Slurm backend: a sweep's unfinished trials submitted as one job array, one trial per
 * array task (the task id is the trial's index in `sweep.json`).
 *
 * `SWEEP/slurm/job.sh` changes to the repository and runs
 * `deno run … cli/sweep.ts --run-trial SWEEP $SLURM_ARRAY_TASK_ID`, which runs or resumes
 * that trial exactly as the local pool does (same folder, same `train.log` and
 * `trial-exit.json`), so collecting and `compare` work the same. Slurm writes each task's
 * own log to `SWEEP/logs/<job>_<task>.out`. The sweep folder and the repository must be
 * on a path every node sees (a shared file system), and `deno` at the same path.
 *
 * Status comes from the trials' own files first (done, failed), then from `squeue`
 * (queued, running) and, where accounting (`slurmdbd`) is available, `sacct`; a task that
 * no scheduler lists and that left no exit record is reported `pending` (it never started,
 * or was killed before it could write one).
 * @module
 */
import { writeFileAtomic } from "../../policies/atomic.ts";
import { type Sweep, trialStates } from "./sweep_folder.ts";
import { ROOT, type TrialState } from "./trial.ts";

/** Options of {@link submitSlurm}. */
export interface SlurmOptions {
  /** `--cpus-per-task` (default 1). */
  cpusPerTask?: number;
  /** `--time`, e.g. `30:00` or `2-00:00:00`. */
  time?: string;
  /** `--partition`. */
  partition?: string;
  /** `%N` array throttle: at most N tasks at once. */
  maxParallel?: number;
  /** Further `sbatch` arguments, passed as they are. */
  extra?: string[];
  /** Trials to leave out (queued or running already). */
  skip?: ReadonlySet<string>;
}

/** One submission, as recorded in `SWEEP/slurm/jobs.json`. */
export interface SlurmJob {
  /** Job id of the array. */
  jobId: string;
  /** Trial indices submitted. */
  indices: number[];
  /** ISO time of submission. */
  submitted: string;
  /** The `sbatch` command line. */
  command: string[];
}

async function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  try {
    const o = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const d = new TextDecoder();
    return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { code: 127, out: "", err: `${cmd}: not found (is Slurm installed on this node?)` };
    }
    throw error;
  }
}

/** Compresses sorted indices to Slurm's array syntax: `[0,1,2,5]` → `0-2,5`. */
export function arraySpec(indices: readonly number[]): string {
  const s = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The job script of a sweep. */
export function jobScript(sweepDir: string): string {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return [
    "#!/bin/bash",
    "# Written by deno task sweep --backend slurm: runs one trial per array task.",
    "set -u",
    `cd ${q(ROOT)}`,
    `exec ${q(Deno.execPath())} run --lock=deno.lock --allow-read --allow-write --allow-run ` +
    `--allow-env --allow-sys --no-prompt cli/sweep.ts --run-trial ${
      q(sweepDir)
    } "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}

/** Reads `SWEEP/slurm/jobs.json` (empty when the sweep was never submitted). */
export async function readJobs(sweep: Sweep): Promise<SlurmJob[]> {
  try {
    return JSON.parse(await Deno.readTextFile(`${sweep.dir}/slurm/jobs.json`));
  } catch {
    return [];
  }
}

/** Submits the trials that are not done and not skipped; resolves to the job, or null. */
export async function submitSlurm(
  sweep: Sweep,
  options: SlurmOptions = {},
): Promise<SlurmJob | null> {
  const states = await trialStates(sweep);
  const todo = states.filter((s) => s.state !== "done" && !options.skip?.has(s.trial.name))
    .map((s) => s.trial.index);
  if (todo.length === 0) return null;
  await Deno.mkdir(`${sweep.dir}/slurm`, { recursive: true });
  await Deno.mkdir(`${sweep.dir}/logs`, { recursive: true });
  const script = `${sweep.dir}/slurm/job.sh`;
  await writeFileAtomic(script, jobScript(sweep.dir));
  await Deno.chmod(script, 0o755);
  const array = arraySpec(todo) + (options.maxParallel ? `%${options.maxParallel}` : "");
  const args = [
    "--parsable",
    `--job-name=ascent-${sweep.dir.split("/").at(-1)}`,
    `--array=${array}`,
    `--cpus-per-task=${options.cpusPerTask ?? 1}`,
    `--output=${sweep.dir}/logs/%A_%a.out`,
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.extra ?? []),
    script,
  ];
  const r = await run("sbatch", args);
  if (r.code !== 0) {
    throw new Error(
      `sbatch ${args.join(" ")} failed (exit ${r.code}): ${r.err.trim() || r.out.trim()}`,
    );
  }
  const jobId = r.out.trim().split(";")[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: ${JSON.stringify(r.out)}`);
  const job: SlurmJob = {
    jobId,
    indices: todo,
    submitted: new Date().toISOString(),
    command: ["sbatch", ...args],
  };
  const jobs = [...(await readJobs(sweep)), job];
  await writeFileAtomic(`${sweep.dir}/slurm/jobs.json`, JSON.stringify(jobs, null, 2) + "\n");
  return job;
}

/** Scheduler states of the sweep's array tasks, by trial index. */
export async function schedulerStates(
  jobs: readonly SlurmJob[],
): Promise<{ states: Map<number, string>; notes: string[] }> {
  const states = new Map<number, string>();
  const notes: string[] = [];
  if (jobs.length === 0) return { states, notes };
  const ids = jobs.map((j) => j.jobId).join(",");
  // sacct first (history, when slurmdbd runs); squeue then overrides with live states.
  const acct = await run("sacct", ["-n", "-P", "-X", "-j", ids, "-o", "JobID,State"]);
  if (acct.code === 0) {
    for (const line of acct.out.split("\n")) {
      const m = line.trim().match(/^(\d+)_(\d+)\|(\S+)/);
      if (m) states.set(Number(m[2]), m[3]);
    }
  } else notes.push("sacct unavailable (no slurmdbd?): using squeue and the trials' files");
  const q = await run("squeue", ["-h", "-r", "-j", ids, "-o", "%i|%T"]);
  if (q.code === 0) {
    for (const line of q.out.split("\n")) {
      const m = line.trim().match(/^(\d+)_(\d+)\|(\S+)/);
      if (m) states.set(Number(m[2]), m[3]);
    }
  } else if (!/Invalid job id/i.test(q.err)) {
    notes.push(`squeue failed: ${q.err.trim()}`);
  }
  return { states, notes };
}

/** Maps a Slurm state to a trial state. */
export function fromSlurmState(s: string): TrialState | null {
  if (["PENDING", "CONFIGURING", "REQUEUED", "SUSPENDED"].includes(s)) return "queued";
  if (["RUNNING", "COMPLETING"].includes(s)) return "running";
  if (
    ["FAILED", "TIMEOUT", "CANCELLED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL"].some((x) =>
      s.startsWith(x)
    )
  ) return "failed";
  return null;
}

/** Every trial's state for a Slurm sweep: files first, then the scheduler. */
export async function slurmTrialStates(
  sweep: Sweep,
): Promise<
  {
    rows: { name: string; index: number; state: TrialState; slurm?: string; error?: string }[];
    notes: string[];
  }
> {
  const files = await trialStates(sweep);
  const { states, notes } = await schedulerStates(await readJobs(sweep));
  const rows = files.map(({ trial, state, exit }) => {
    const slurm = states.get(trial.index);
    let s: TrialState = state;
    if (state !== "done" && state !== "failed" && slurm) {
      const mapped = fromSlurmState(slurm);
      if (mapped === "queued" || mapped === "running") s = mapped;
      else if (mapped === "failed" && !exit) s = "failed";
    }
    return {
      name: trial.name,
      index: trial.index,
      state: s,
      ...(slurm ? { slurm } : {}),
      ...(s === "failed" && exit?.error ? { error: exit.error } : {}),
    };
  });
  return { rows, notes };
}
