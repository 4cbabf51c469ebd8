/**
 * The Slurm backend against a real single-node Slurm (tools/slurm_test_cluster.sh, started
 * by .ci/run; started here too when it is installed but not running). Skips, saying why,
 * only where Slurm cannot be installed.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

async function sh(cmd: string, args: string[], cwd = ROOT) {
  try {
    const o = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
    const d = new TextDecoder();
    return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
  } catch (error) {
    return { code: 127, out: "", err: String(error) };
  }
}

async function slurmUp(): Promise<string | null> {
  const probe = await sh("sinfo", ["-h", "-o", "%T"]);
  if (probe.code === 0 && /idle|mixed|allocated/.test(probe.out)) return null;
  const start = await sh("bash", [`${ROOT}tools/slurm_test_cluster.sh`, "start"]);
  const again = await sh("sinfo", ["-h", "-o", "%T"]);
  if (again.code === 0 && /idle|mixed|allocated/.test(again.out)) return null;
  return (start.out + start.err).trim() || "sinfo does not answer";
}

const why = Deno.build.os === "linux" ? await slurmUp() : "Slurm tests need Linux";
if (why !== null) console.warn(`SKIPPED the Slurm test: Slurm is not available here: ${why}`);

const SWEEP = ["run", "-A", `${ROOT}cli/sweep.ts`];

async function waitForSweep(out: string): Promise<string> {
  for (let i = 0; i < 240; i++) {
    const status = await sh(Deno.execPath(), [...SWEEP, "--status", out]);
    if (/ 0 running, 0 queued/.test(status.out)) return status.out;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the sweep in ${out} did not finish within 2 minutes`);
}

Deno.test({
  name: "sweep --backend slurm: held tasks show as queued, failures are per trial",
  ignore: why !== null,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ascent-slurm-" });
    const specPath = `${dir}/spec.json`;
    // gamma = 2 is invalid: those two tasks fail; the other two must finish.
    await Deno.writeTextFile(
      specPath,
      JSON.stringify({
        algo: ["ppo", "a2c"],
        env: "CartPole-v1",
        seeds: 1,
        steps: 512,
        grid: { gamma: [0.99, 2] },
        onnx: false,
      }),
    );
    const out = `${dir}/sweep`;
    const submit = await sh(Deno.execPath(), [
      ...SWEEP,
      specPath,
      "--out",
      out,
      "--backend",
      "slurm",
      "--sbatch-arg=--hold",
    ]);
    assert.equal(submit.code, 0, submit.out + submit.err);
    const jobId = submit.out.match(/submitted job array (\d+)/)?.[1];
    assert.ok(jobId, submit.out);
    const held = await sh(Deno.execPath(), [...SWEEP, "--status", out]);
    assert.match(held.out, /0 done, 0 running, 4 queued/, held.out);
    assert.match(held.out, /slurm PENDING/);
    // Submitting again while they wait submits nothing (no trial runs twice).
    const again = await sh(Deno.execPath(), [
      ...SWEEP,
      specPath,
      "--out",
      out,
      "--backend",
      "slurm",
    ]);
    assert.match(
      again.out,
      /nothing to submit: 0 done, 4 queued or running/,
      again.out + again.err,
    );
    const release = await sh("scontrol", ["release", jobId]);
    assert.equal(release.code, 0, release.err);
    const final = await waitForSweep(out);
    assert.match(final, /2 done, 0 running, 0 queued, 0 interrupted, 0 pending, 2 failed/, final);
    assert.match(final, /gamma=2-s1 +failed .*gamma/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "sweep --backend slurm: a job array runs, --status reports it, collection is the local one",
  ignore: why !== null,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ascent-slurm-" });
    const specPath = `${dir}/spec.json`;
    await Deno.writeTextFile(
      specPath,
      JSON.stringify({
        algo: ["ppo", "a2c"],
        env: "CartPole-v1",
        seeds: 2,
        steps: 512,
        evalEvery: 256,
        evalEpisodes: 2,
        onnx: false,
      }),
    );
    const out = `${dir}/sweep`;
    const submit = await sh(Deno.execPath(), [
      ...SWEEP,
      specPath,
      "--out",
      out,
      "--backend",
      "slurm",
      "--cpus-per-task",
      "1",
      "--time",
      "10:00",
      "--partition",
      "debug",
      "--wait",
    ]);
    assert.equal(submit.code, 0, submit.out + submit.err);
    const jobId = submit.out.match(/submitted job array (\d+) \(4 trials/)?.[1];
    assert.ok(jobId, submit.out);
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
    const status = await sh(Deno.execPath(), [...SWEEP, "--status", out]);
    assert.match(status.out, /\(slurm\): 4 trials/);
    assert.match(status.out, /4 done, 0 running, 0 queued/);
    // Collected as a local sweep is: compare reads the same folders.
    const compare = await sh(Deno.execPath(), [
      "run",
      "-A",
      `${ROOT}cli/compare.ts`,
      out,
      "--quiet",
    ]);
    assert.equal(compare.code, 0, compare.err);
    const csv = (await Deno.readTextFile(`${out}/compare/compare.csv`)).trim().split("\n");
    assert.equal(csv.length, 3); // header, ppo, a2c
    // Re-running submits nothing: every trial is done.
    const again = await sh(Deno.execPath(), [
      ...SWEEP,
      specPath,
      "--out",
      out,
      "--backend",
      "slurm",
    ]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /nothing to submit: 4 done/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "sweep --backend slurm: a cancelled task saves its checkpoint; re-submitting resumes it",
  ignore: why !== null,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ascent-slurm-" });
    const specPath = `${dir}/spec.json`;
    await Deno.writeTextFile(
      specPath,
      JSON.stringify({
        algo: "ppo",
        env: "CartPole-v1",
        seeds: 1,
        steps: 60000,
        checkpointEvery: 1000,
        onnx: false,
      }),
    );
    const out = `${dir}/sweep`;
    const args = [...SWEEP, specPath, "--out", out, "--backend", "slurm"];
    const submit = await sh(Deno.execPath(), args);
    const jobId = submit.out.match(/submitted job array (\d+)/)?.[1];
    assert.ok(jobId, submit.out + submit.err);
    const trial = `${out}/ppo-CartPole-v1-s1`;
    for (let i = 0; i < 240; i++) {
      await new Promise((r) => setTimeout(r, 250));
      if (
        await Deno.stat(`${trial}/checkpoint/checkpoint.safetensors`).then(() => true, () => false)
      ) {
        break;
      }
    }
    assert.equal((await sh("scancel", [jobId])).code, 0);
    const status = await waitForSweep(out);
    assert.match(status, /0 done, 0 running, 0 queued, 1 interrupted/, status);
    const resumed = await sh(Deno.execPath(), [...args, "--wait"]);
    assert.equal(resumed.code, 0, resumed.out + resumed.err);
    const log = await Deno.readTextFile(`${trial}/train.log`);
    assert.equal(log.match(/^# .* start:/gm)?.length, 1);
    assert.equal(log.match(/^# .* resume:/gm)?.length, 1);
    const summary = JSON.parse(await Deno.readTextFile(`${trial}/summary.json`));
    assert.equal(summary.resumed, true);
    await Deno.remove(dir, { recursive: true });
  },
});
