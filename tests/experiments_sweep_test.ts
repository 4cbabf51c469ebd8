import assert from "node:assert/strict";
import { expandSweep, parseSweepSpec, sample } from "../cli/experiments/sweep_spec.ts";
import { arraySpec, fromSlurmState } from "../cli/experiments/slurm.ts";
import { Rng } from "../random.ts";
import { ROOT, runCommand, runScript, sweepFolder } from "./cli_helpers.ts";

const SWEEP_FLAGS = [
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
  `${ROOT}cli/sweep.ts`,
];

const sweepCommand = (args: string[]) => runCommand(Deno.execPath(), [...SWEEP_FLAGS, ...args]);

Deno.test("sweep spec: grid × seeds, named by settings; errors name the field", () => {
  const spec = parseSweepSpec({
    algo: ["ppo", "a2c"],
    env: "CartPole-v1",
    seeds: [1, 2],
    set: { numEnvs: 2 },
    grid: { gamma: [0.9, 0.99], entCoef: [0] },
  });
  const trials = expandSweep(spec);
  assert.equal(trials.length, 2 * 2 * 2);
  assert.deepEqual(trials.map((t) => t.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(trials[0].name, "ppo-CartPole-v1-gamma=0.9-entCoef=0-s1");
  assert.equal(trials[7].name, "a2c-CartPole-v1-gamma=0.99-entCoef=0-s2");
  assert.equal(trials[7].group, "a2c-CartPole-v1-gamma=0.99-entCoef=0");
  assert.deepEqual(trials[7].set, { numEnvs: 2, gamma: 0.99, entCoef: 0 });
  assert.equal(expandSweep(parseSweepSpec({ algo: "ppo", env: "CartPole-v1" })).length, 3);
  assert.throws(
    () => parseSweepSpec({ algo: "ppo2", env: "CartPole-v1" }, "s.json"),
    /s\.json: algo/,
  );
  assert.throws(
    () => parseSweepSpec({ algo: "ppo", env: "X", set: { seed: 3 } }),
    /set\.seed/,
  );
  assert.throws(
    () => parseSweepSpec({ algo: "ppo", env: "X", set: { gamma: 1 }, grid: { gamma: [1] } }),
    /"gamma" is both fixed/,
  );
  assert.throws(
    () =>
      parseSweepSpec({
        algo: "ppo",
        env: "X",
        random: { trials: 2, params: { lr: { logUniform: [1, 0.1] } } },
      }),
    /random\.params\.lr: low 1 > high 0\.1/,
  );
});

Deno.test("sweep spec: random search is seeded; distributions stay in range", () => {
  const json = {
    algo: "ppo",
    env: "CartPole-v1",
    seeds: 1,
    random: {
      trials: 6,
      seed: 5,
      params: {
        learningRate: { logUniform: [1e-4, 1e-2] },
        gamma: { uniform: [0.9, 0.99] },
        numSteps: { choice: [64, 128] },
        epochs: { intUniform: [2, 4] },
      },
    },
  };
  const a = expandSweep(parseSweepSpec(json));
  const b = expandSweep(parseSweepSpec(json));
  assert.deepEqual(a, b);
  assert.ok(a.length >= 5 && a.length <= 6); // a repeated draw is dropped
  for (const t of a) {
    const s = t.settings as Record<string, number>;
    assert.ok(s.learningRate >= 1e-4 && s.learningRate <= 1e-2);
    assert.equal(s.learningRate, Number(s.learningRate.toPrecision(3)));
    assert.ok(s.gamma >= 0.9 && s.gamma <= 0.99);
    assert.ok([64, 128].includes(s.numSteps));
    assert.ok([2, 3, 4].includes(s.epochs));
    assert.ok(t.name.includes(`learningRate=${s.learningRate}`));
  }
  // Log-uniform: the median of many draws is near the geometric mean, 1e-3.
  const rng = new Rng(1);
  const draws = Array.from(
    { length: 2001 },
    () => sample({ logUniform: [1e-4, 1e-2] }, rng) as number,
  ).sort((x, y) => x - y);
  assert.ok(Math.abs(Math.log10(draws[1000]) + 3) < 0.1, `median ${draws[1000]}`);
});

Deno.test("slurm helpers: array syntax and state mapping", () => {
  assert.equal(arraySpec([5, 0, 1, 2, 7, 8]), "0-2,5,7-8");
  assert.equal(arraySpec([3]), "3");
  assert.equal(fromSlurmState("PENDING"), "queued");
  assert.equal(fromSlurmState("RUNNING"), "running");
  assert.equal(fromSlurmState("CANCELLED+"), "failed");
  assert.equal(fromSlurmState("COMPLETED"), null);
});

Deno.test("sweep (local): runs every trial, reports failures per trial, resumes without rerunning", async () => {
  // gamma = 2 is invalid: those trials fail at start, the others must still run.
  const { dir, specPath, out } = await sweepFolder("ascent-sweep-", {
    algo: ["ppo", "a2c"],
    env: "CartPole-v1",
    seeds: 1,
    steps: 512,
    grid: { gamma: [0.99, 2] },
    evalEvery: 256,
    evalEpisodes: 2,
    onnx: false,
  });
  const first = await sweepCommand([specPath, "--out", out, "--parallel", "2"]);
  assert.equal(first.code, 1, first.stderr); // some trials failed
  const sweep = JSON.parse(await Deno.readTextFile(`${out}/sweep.json`));
  assert.equal(sweep.trials.length, 4);
  const good = sweep.trials.filter((t: { settings: { gamma: number } }) =>
    t.settings.gamma === 0.99
  );
  const bad = sweep.trials.filter((t: { settings: { gamma: number } }) => t.settings.gamma === 2);
  for (const t of good) {
    const summary = JSON.parse(await Deno.readTextFile(`${out}/${t.name}/summary.json`));
    assert.equal(summary.algo, t.algo);
    assert.equal(summary.seed, t.seed);
    assert.ok((await Deno.stat(`${out}/${t.name}/eval.jsonl`)).size > 0);
    assert.ok((await Deno.stat(`${out}/${t.name}/progress.csv`)).size > 0);
  }
  for (const t of bad) {
    const exit = JSON.parse(await Deno.readTextFile(`${out}/${t.name}/trial-exit.json`));
    assert.notEqual(exit.code, 0);
    assert.match(exit.error, /gamma/);
    assert.match(first.stderr, new RegExp(`failed: ${t.name}`));
  }
  const status = await sweepCommand(["--status", out]);
  assert.match(status.stdout, /2 done, 0 running, 0 queued, 0 interrupted, 0 pending, 2 failed/);

  // Interrupt one finished trial after the fact (summary gone, checkpoint kept): re-running
  // the same command resumes that one and leaves the other finished trials alone.
  const victim = good[0].name;
  const keep = good[1].name;
  await Deno.remove(`${out}/${victim}/summary.json`);
  const keptBefore = (await Deno.stat(`${out}/${keep}/summary.json`)).mtime;
  const second = await sweepCommand([specPath, "--out", out, "--parallel", "2"]);
  assert.equal(second.code, 1, second.stderr);
  assert.ok((await Deno.stat(`${out}/${victim}/summary.json`)).isFile);
  const log = await Deno.readTextFile(`${out}/${victim}/train.log`);
  assert.equal(log.match(/^# .* start:/gm)?.length, 1, log);
  assert.equal(log.match(/^# .* resume:/gm)?.length, 1, log);
  assert.match(log, /--resume/);
  assert.deepEqual((await Deno.stat(`${out}/${keep}/summary.json`)).mtime, keptBefore);
  const keptLog = await Deno.readTextFile(`${out}/${keep}/train.log`);
  assert.equal(keptLog.match(/^# /gm)?.length, 1);

  // A changed spec does not mix with the old sweep.
  await Deno.writeTextFile(
    specPath,
    JSON.stringify({ algo: "ppo", env: "CartPole-v1", seeds: 1, steps: 512 }),
  );
  const third = await sweepCommand([specPath, "--out", out]);
  assert.equal(third.code, 1);
  assert.match(third.stderr, /different spec/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sweep (local): Ctrl-C saves checkpoints; re-running resumes to the uninterrupted result", async () => {
  const { dir, specPath, out } = await sweepFolder("ascent-sweep-int-", {
    algo: "ppo",
    env: "CartPole-v1",
    seeds: [4],
    steps: 20000,
    checkpointEvery: 1000,
    onnx: false,
  });
  const trial = `${out}/ppo-CartPole-v1-s4`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [...SWEEP_FLAGS, specPath, "--out", out, "--parallel", "1", "--quiet"],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const ok = await Deno.stat(`${trial}/checkpoint/checkpoint.safetensors`).then(() => true)
      .catch(() => false);
    if (ok) break;
  }
  child.kill("SIGINT");
  const first = await child.output();
  const err = new TextDecoder().decode(first.stderr);
  assert.equal(first.code, 130, err);
  assert.match(err, /re-run the same command to resume/);
  const exit = JSON.parse(await Deno.readTextFile(`${trial}/trial-exit.json`));
  assert.equal(exit.interrupted, true);
  await assert.rejects(Deno.stat(`${trial}/summary.json`));
  const status = await sweepCommand(["--status", out]);
  assert.match(status.stdout, /0 done, .* 1 interrupted/);

  const second = await sweepCommand([specPath, "--out", out, "--quiet"]);
  assert.equal(second.code, 0, second.stderr);
  const log = await Deno.readTextFile(`${trial}/train.log`);
  assert.equal(log.match(/^# .* start:/gm)?.length, 1);
  assert.equal(log.match(/^# .* resume:/gm)?.length, 1);
  // The same run uninterrupted gives the same figures.
  const ref = await runScript(
    ROOT,
    "cli/train.ts",
    ...["--algo", "ppo", "--env", "CartPole-v1", "--seed", "4", "--steps", "20000"],
    ...["--checkpoint-every", "1000", "--no-onnx", "--out", `${dir}/ref`, "--quiet"],
  );
  assert.equal(ref.code, 0, ref.stderr);
  const a = JSON.parse(await Deno.readTextFile(`${trial}/summary.json`));
  const b = JSON.parse(await Deno.readTextFile(`${dir}/ref/summary.json`));
  assert.equal(a.timesteps, b.timesteps);
  assert.equal(a.evalMeanReturn, b.evalMeanReturn);
  assert.equal(a.resumed, true);
  const lastLine = async (p: string) =>
    JSON.parse((await Deno.readTextFile(p)).trim().split("\n").at(-1)!);
  assert.equal(
    (await lastLine(`${trial}/metrics.jsonl`)).policyLoss,
    (await lastLine(`${dir}/ref/metrics.jsonl`)).policyLoss,
  );
  await Deno.remove(dir, { recursive: true });
});
