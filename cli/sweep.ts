/**
 * `deno task sweep SPEC.json`: runs every trial of a sweep (see
 * `experiments/sweep_spec.ts` for the spec) as ordinary run folders under the sweep folder,
 * on this machine (a pool of `train` processes) or on a Slurm cluster (one job array).
 * Re-running the same command resumes: finished trials are kept, interrupted ones resume
 * from their checkpoint, none runs twice. `--status DIR` reports queued, running, done and
 * failed trials.
 * @module
 */
import { parseCommandLine, runMain, UsageError } from "./args.ts";
import { localPoolRunning, runLocalPool } from "./experiments/local_pool.ts";
import {
  countStates,
  defaultSweepDir,
  prepareSweep,
  progressWithKey,
  readSpecFile,
  readSweep,
  SweepProgressLine,
  trialDir,
  trialStates,
} from "./experiments/sweep_folder.ts";
import { readJobs, slurmTrialStates, submitSlurm } from "./experiments/slurm.ts";
import { runTrial, type TrialState } from "./experiments/trial.ts";

const HELP = `deno task sweep SPEC.json [flags]
deno task sweep --status DIR

Runs a sweep: every combination of the spec's algorithms, environments, grid points,
random draws and seeds, each trial an ordinary run folder under the sweep folder.

  --out DIR             sweep folder (default sweeps/<spec name>)
  --backend NAME        local (default): a pool of train processes on this machine;
                        slurm: one job array (sbatch --array), one trial per task
  --parallel N          local: trials at once (default: one per core, here ${navigator.hardwareConcurrency})
  --cpus-per-task N     slurm: sbatch --cpus-per-task (default 1)
  --time T              slurm: sbatch --time (e.g. 30:00)
  --partition P         slurm: sbatch --partition
  --max-parallel N      slurm: at most N array tasks at once (--array=…%N)
  --sbatch-arg ARG      slurm: one more sbatch argument, as it is (repeatable)
  --wait                slurm: wait for the array to finish, with a progress line
  --status DIR          show the state of every trial of the sweep in DIR
  --dry-run             list the trials and their train commands; run nothing
  --quiet               no progress line
  -h, --help            this text

Re-running the same command resumes the sweep. Slurm: the sweep folder and this
repository must be on a file system every node shares. Then: deno task compare DIR
`;

const OPTIONS = {
  out: { type: "string" },
  backend: { type: "string" },
  parallel: { type: "string" },
  "cpus-per-task": { type: "string" },
  time: { type: "string" },
  partition: { type: "string" },
  "max-parallel": { type: "string" },
  "sbatch-arg": { type: "string", multiple: true },
  wait: { type: "boolean" },
  status: { type: "string" },
  "run-trial": { type: "string" },
  "dry-run": { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(flag, `must be a positive integer, got "${value}"`);
  }
  return n;
}

async function showStatus(dir: string): Promise<void> {
  const sweep = await readSweep(dir);
  const slurm = (await readJobs(sweep)).length > 0;
  const rows = slurm ? await slurmTrialStates(sweep) : {
    rows: (await trialStates(sweep)).map((s) => ({
      name: s.trial.name,
      index: s.trial.index,
      state: s.state,
      slurm: undefined as string | undefined,
      error: s.state === "failed" ? s.exit?.error : undefined,
    })),
    notes: [] as string[],
  };
  if (!slurm && (await localPoolRunning(sweep.dir))) {
    // A pool is at work: a trial it started (a log, no exit record yet) is running.
    for (const r of rows.rows) {
      if (r.state !== "pending" && r.state !== "interrupted") continue;
      const dir = `${sweep.dir}/${r.name}`;
      const started = await Deno.stat(`${dir}/train.log`).then(() => true, () => false);
      const ended = await Deno.stat(`${dir}/trial-exit.json`).then(() => true, () => false);
      if (started && !ended) r.state = "running";
    }
  }
  const counts = countStates(rows.rows.map((r) => r.state));
  console.log(`${sweep.dir} (${slurm ? "slurm" : "local"}): ${rows.rows.length} trials`);
  console.log(
    (["done", "running", "queued", "interrupted", "pending", "failed"] as TrialState[])
      .map((s) => `${counts[s]} ${s}`).join(", "),
  );
  for (const note of rows.notes) console.log(`note: ${note}`);
  const width = Math.max(...rows.rows.map((r) => r.name.length));
  for (const r of rows.rows) {
    const extra = r.slurm ? ` (slurm ${r.slurm})` : "";
    const err = r.error ? `  ${r.error.split("\n").at(-1)}` : "";
    console.log(
      `  ${String(r.index).padStart(3)} ${r.name.padEnd(width)}  ${r.state}${extra}${err}`,
    );
  }
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "sweep", true);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.status !== undefined) {
    if (positionals.length > 0) throw new UsageError("--status", "takes a sweep folder only");
    return await showStatus(values.status);
  }
  if (values["run-trial"] !== undefined) {
    // Internal: one Slurm array task. The index is the positional argument.
    const sweep = await readSweep(values["run-trial"]);
    const index = Number(positionals[0]);
    const trial = sweep.trials[index];
    if (!trial) throw new UsageError("--run-trial", `no trial ${positionals[0]} in ${sweep.dir}`);
    let child: Deno.ChildProcess | null = null;
    const forward = () => {
      try {
        child?.kill("SIGTERM");
      } catch { /* gone */ }
    };
    Deno.addSignalListener("SIGTERM", forward);
    const state = await runTrial(sweep.spec, trial, trialDir(sweep.dir, trial), {
      onSpawn: (c) => (child = c),
    });
    Deno.removeSignalListener("SIGTERM", forward);
    console.log(`trial ${index} ${trial.name}: ${state}`);
    if (state !== "done") Deno.exit(state === "interrupted" ? 143 : 1);
    return;
  }
  if (positionals.length !== 1) {
    throw new UsageError("sweep", "expected one SPEC.json (or --status DIR); see --help");
  }
  const backend = values.backend ?? "local";
  if (backend !== "local" && backend !== "slurm") {
    throw new UsageError("--backend", `unknown backend "${backend}"; known: local, slurm`);
  }
  const slurmOnly = ["cpus-per-task", "time", "partition", "max-parallel", "sbatch-arg", "wait"];
  for (const flag of slurmOnly) {
    if (backend === "local" && values[flag as keyof typeof values] !== undefined) {
      throw new UsageError(`--${flag}`, "applies to --backend slurm only");
    }
  }
  if (backend === "slurm" && values.parallel !== undefined) {
    throw new UsageError("--parallel", "applies to the local backend (Slurm: --max-parallel)");
  }
  const parallel = positiveInt(values.parallel, "--parallel");
  const cpusPerTask = positiveInt(values["cpus-per-task"], "--cpus-per-task");
  const maxParallel = positiveInt(values["max-parallel"], "--max-parallel");
  const specPath = positionals[0];
  const spec = await readSpecFile(specPath);
  const out = values.out ?? defaultSweepDir(specPath, spec);
  const quiet = values.quiet ?? false;
  const say = (t: string) => quiet || console.log(t);

  if (values["dry-run"]) {
    // Nothing is written: the trials, their state and the command each would run.
    const { trialCommand, trialState } = await import("./experiments/trial.ts");
    const { expandSweep } = await import("./experiments/sweep_spec.ts");
    const { resolve } = await import("node:path");
    for (const t of expandSweep(spec)) {
      const dir = trialDir(resolve(out), t);
      const state = await trialState(dir);
      console.log(
        `${t.index} ${t.name} [${state}]\n  ${(await trialCommand(spec, t, dir, state)).join(" ")}`,
      );
    }
    return;
  }
  const sweep = await prepareSweep(specPath, spec, out);

  if (backend === "slurm") {
    if (await localPoolRunning(sweep.dir)) {
      throw new Error(`a local sweep is running ${sweep.dir}; wait for it or stop it first`);
    }
    const { rows } = await slurmTrialStates(sweep);
    const active = new Set(
      rows.filter((r) => r.state === "queued" || r.state === "running")
        .map((r) => r.name),
    );
    const job = await submitSlurm(sweep, {
      cpusPerTask,
      time: values.time,
      partition: values.partition,
      maxParallel,
      extra: values["sbatch-arg"],
      skip: active,
    });
    const done = rows.filter((r) => r.state === "done").length;
    if (job) {
      say(
        `submitted job array ${job.jobId} (${job.indices.length} trials; ${done} done already, ` +
          `${active.size} queued or running) → ${sweep.dir}\n` +
          `status: deno task sweep --status ${sweep.dir}`,
      );
    } else {
      say(`nothing to submit: ${done} done, ${active.size} queued or running (${sweep.dir})`);
    }
    if (!values.wait) return;
    const line = new SweepProgressLine();
    const t0 = performance.now();
    for (;;) {
      const { rows: now } = await slurmTrialStates(sweep);
      const counts = countStates(now.map((r) => r.state));
      if (!quiet) {
        line.show(...progressWithKey(counts, now.length, (performance.now() - t0) / 1000, 0));
      }
      if (counts.queued + counts.running === 0) {
        line.finish();
        return finish(now.map((r) => ({ name: r.name, state: r.state, error: r.error })));
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  // Trials queued or running on Slurm (an earlier --backend slurm) are left to it.
  const onSlurm = (await readJobs(sweep)).length === 0 ? [] : (await slurmTrialStates(sweep)).rows
    .filter((r) => r.state === "queued" || r.state === "running").map((r) => r.name);
  if (onSlurm.length > 0) {
    console.error(`${onSlurm.length} trials are queued or running on Slurm; leaving them to it`);
  }
  const result = await runLocalPool(sweep, { parallel, quiet, skip: new Set(onSlurm) });
  if (result.interrupted) {
    console.error(`interrupted; re-run the same command to resume (${sweep.dir})`);
    Deno.exit(130);
  }
  return finish(
    [...result.states].map(([name, state]) => ({
      name,
      state,
      error: result.failures.find((f) => f.trial.name === name)?.error,
    })),
  );

  function finish(rows: { name: string; state: TrialState; error?: string }[]): void {
    const counts = countStates(rows.map((r) => r.state));
    say(`${sweep.dir}: ${counts.done}/${rows.length} trials done, ${counts.failed} failed`);
    for (const r of rows.filter((r) => r.state === "failed")) {
      console.error(`failed: ${r.name}: ${(r.error ?? "").split("\n").at(-1)}`);
    }
    say(`compare: deno task compare ${sweep.dir}`);
    if (counts.done !== rows.length) Deno.exit(1);
  }
}

if (import.meta.main) await runMain(() => main(Deno.args));
