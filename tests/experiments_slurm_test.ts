/**
 * The Slurm backend against a real single-node Slurm (tools/slurm_test_cluster.sh, started
 * by .ci/run; started here too when it is installed but not running). Skips, saying why,
 * only where Slurm cannot be installed.
 */
import assert from "node:assert/strict";
import { ROOT, runCommand, type SweepFolder, sweepFolder } from "./cli_helpers.ts";

async function slurmUp(): Promise<string | null> {
  const probe = await runCommand("sinfo", ["-h", "-o", "%T"]);
  if (probe.code === 0 && /idle|mixed|allocated/.test(probe.stdout)) return null;
  const start = await runCommand("bash", [`${ROOT}tools/slurm_test_cluster.sh`, "start"]);
  const again = await runCommand("sinfo", ["-h", "-o", "%T"]);
  if (again.code === 0 && /idle|mixed|allocated/.test(again.stdout)) return null;
  return (start.stdout + start.stderr).trim() || "sinfo does not answer";
}

const why = Deno.build.os === "linux" ? await slurmUp() : "Slurm tests need Linux";
if (why !== null) console.warn(`SKIPPED the Slurm test: Slurm is not available here: ${why}`);

const SWEEP = ["run", "-A", `${ROOT}cli/sweep.ts`];
const sweepCli = (...args: string[]) => runCommand(Deno.execPath(), [...SWEEP, ...args]);
/** `sweep SPEC --out OUT --backend slurm EXTRA…`. */
const submitSlurm = (specPath: string, out: string, ...extra: string[]) =>
  sweepCli(specPath, "--out", out, "--backend", "slurm", ...extra);

async function waitForSweep(out: string): Promise<string> {
  for (let i = 0; i < 240; i++) {
    const status = await sweepCli("--status", out);
    if (/ 0 running, 0 queued/.test(status.stdout)) return status.stdout;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the sweep in ${out} did not finish within 2 minutes`);
}

/**
 * A Slurm test (skipped where Slurm is not available) in a fresh {@link sweepFolder}
 * holding `spec`, removed afterwards.
 */
function slurmTest(name: string, spec: unknown, fn: (f: SweepFolder) => Promise<void>): void {
  Deno.test({
    name: `sweep --backend slurm: ${name}`,
    ignore: why !== null,
    fn: async () => {
      const folder = await sweepFolder("ascent-slurm-", spec);
      try {
        await fn(folder);
      } finally {
        await Deno.remove(folder.dir, { recursive: true });
      }
    },
  });
}

slurmTest("held tasks show as queued, failures are per trial", {
  algo: ["ppo", "a2c"],
  env: "CartPole-v1",
  seeds: 1,
  steps: 512,
  grid: { gamma: [0.99, 2] },
  onnx: false,
}, async ({ specPath, out }) => {
  // gamma = 2 is invalid: those two tasks fail; the other two must finish.
  const submit = await submitSlurm(specPath, out, "--sbatch-arg=--hold");
  assert.equal(submit.code, 0, submit.stdout + submit.stderr);
  const jobId = submit.stdout.match(/submitted job array (\d+)/)?.[1];
  assert.ok(jobId, submit.stdout);
  const held = await sweepCli("--status", out);
  assert.match(held.stdout, /0 done, 0 running, 4 queued/, held.stdout);
  assert.match(held.stdout, /slurm PENDING/);
  // Submitting again while they wait submits nothing (no trial runs twice).
  const again = await submitSlurm(specPath, out);
  assert.match(
    again.stdout,
    /nothing to submit: 0 done, 4 queued or running/,
    again.stdout + again.stderr,
  );
  const release = await runCommand("scontrol", ["release", jobId]);
  assert.equal(release.code, 0, release.stderr);
  const final = await waitForSweep(out);
  assert.match(final, /2 done, 0 running, 0 queued, 0 interrupted, 0 pending, 2 failed/, final);
  assert.match(final, /gamma=2-s1 +failed .*gamma/);
});

slurmTest("a job array runs, --status reports it, collection is the local one", {
  algo: ["ppo", "a2c"],
  env: "CartPole-v1",
  seeds: 2,
  steps: 512,
  evalEvery: 256,
  evalEpisodes: 2,
  onnx: false,
}, async ({ specPath, out }) => {
  const submit = await submitSlurm(
    specPath,
    out,
    "--cpus-per-task",
    "1",
    "--time",
    "10:00",
    "--partition",
    "debug",
    "--wait",
  );
  assert.equal(submit.code, 0, submit.stdout + submit.stderr);
  const jobId = submit.stdout.match(/submitted job array (\d+) \(4 trials/)?.[1];
  assert.ok(jobId, submit.stdout);
  const jobs = JSON.parse(await Deno.readTextFile(`${out}/slurm/jobs.json`));
  assert.deepEqual(jobs[0].indices, [0, 1, 2, 3]);
  assert.ok(jobs[0].command.includes("--array=0-3"));
  assert.ok(jobs[0].command.includes("--partition=debug"));
  assert.ok(jobs[0].command.includes("--time=10:00"));
  // Per-task logs, and the same run folders as the local backend.
  const sweep = JSON.parse(await Deno.readTextFile(`${out}/sweep.json`));
  for (const t of sweep.trials) {
    const log = await Deno.readTextFile(`${out}/logs/${jobId}_${t.index}.out`);
    assert.match(log, new RegExp(`trial ${t.index} ${t.name}: done`));
    const summary = JSON.parse(await Deno.readTextFile(`${out}/${t.name}/summary.json`));
    assert.equal(summary.seed, t.seed);
    assert.equal(summary.algo, t.algo);
    const exit = JSON.parse(await Deno.readTextFile(`${out}/${t.name}/trial-exit.json`));
    assert.equal(exit.code, 0);
  }
  const status = await sweepCli("--status", out);
  assert.match(status.stdout, /\(slurm\): 4 trials/);
  assert.match(status.stdout, /4 done, 0 running, 0 queued/);
  // Collected as a local sweep is: compare reads the same folders.
  const compare = await runCommand(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}cli/compare.ts`,
    out,
    "--quiet",
  ]);
  assert.equal(compare.code, 0, compare.stderr);
  const csv = (await Deno.readTextFile(`${out}/compare/compare.csv`)).trim().split("\n");
  assert.equal(csv.length, 3); // header, ppo, a2c
  // Re-running submits nothing: every trial is done.
  const again = await submitSlurm(specPath, out);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /nothing to submit: 4 done/);
});

slurmTest("a cancelled task saves its checkpoint; re-submitting resumes it", {
  algo: "ppo",
  env: "CartPole-v1",
  seeds: 1,
  steps: 60000,
  checkpointEvery: 1000,
  onnx: false,
}, async ({ specPath, out }) => {
  const submit = await submitSlurm(specPath, out);
  const jobId = submit.stdout.match(/submitted job array (\d+)/)?.[1];
  assert.ok(jobId, submit.stdout + submit.stderr);
  const trial = `${out}/ppo-CartPole-v1-s1`;
  for (let i = 0; i < 240; i++) {
    await new Promise((r) => setTimeout(r, 250));
    if (
      await Deno.stat(`${trial}/checkpoint/checkpoint.safetensors`).then(() => true, () => false)
    ) {
      break;
    }
  }
  assert.equal((await runCommand("scancel", [jobId])).code, 0);
  const status = await waitForSweep(out);
  assert.match(status, /0 done, 0 running, 0 queued, 1 interrupted/, status);
  const resumed = await submitSlurm(specPath, out, "--wait");
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const log = await Deno.readTextFile(`${trial}/train.log`);
  assert.equal(log.match(/^# .* start:/gm)?.length, 1);
  assert.equal(log.match(/^# .* resume:/gm)?.length, 1);
  const summary = JSON.parse(await Deno.readTextFile(`${trial}/summary.json`));
  assert.equal(summary.resumed, true);
});
