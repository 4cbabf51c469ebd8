/**
 * How `train` combines settings given several ways (flag > --set > --config > preset >
 * defaults), reruns a run folder with `--config RUN_DIR --seed N`, names run folders with
 * `--name`, validates every flag before writing anything, and how `runs` lists the result.
 * @module
 */
import assert from "node:assert/strict";
import { formatRunTable, listRuns } from "../cli/runs.ts";
import { runScript } from "./cli_helpers.ts";

const train = (cwd: string, ...args: string[]) =>
  runScript(cwd, "cli/train.ts", "--quiet", "--no-onnx", "--eval-episodes", "1", ...args);

interface RunConfigJson {
  preset?: string;
  seed: number;
  steps: number;
  config: Record<string, unknown>;
}

async function config(cwd: string, run: string): Promise<RunConfigJson> {
  return JSON.parse(await Deno.readTextFile(`${cwd}/runs/${run}/config.json`));
}

Deno.test("train: --set seed is honoured; --seed beats --set; --config RUN_DIR reruns a run", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ascent_train_cfg_" });
  try {
    let r = await train(cwd, "--set", "seed=5", "--steps", "512");
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await config(cwd, "ppo-CartPole-v1-s5")).seed, 5);
    assert.equal((await config(cwd, "ppo-CartPole-v1-s5")).config.seed, 5);
    assert.equal((await config(cwd, "ppo-CartPole-v1-s5")).preset, "CartPole-v1");

    r = await train(cwd, "--set", "seed=5", "--seed", "3", "--steps", "512", "--name", "both");
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await config(cwd, "both")).seed, 3, "a flag beats --set");

    // The run's own config.json (or its folder) is accepted by --config.
    r = await train(cwd, "--config", `${cwd}/runs/ppo-CartPole-v1-s5`, "--seed", "2");
    assert.equal(r.code, 0, r.stderr);
    const rerun = await config(cwd, "ppo-CartPole-v1-s2");
    const original = await config(cwd, "ppo-CartPole-v1-s5");
    assert.equal(rerun.seed, 2);
    assert.equal(rerun.steps, original.steps);
    assert.deepEqual({ ...rerun.config, seed: 5 }, original.config);

    r = await train(
      cwd,
      "--config",
      `${cwd}/runs/ppo-CartPole-v1-s5/config.json`,
      "--set",
      "learningRate=0.001",
      "--name",
      "lr",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await config(cwd, "lr")).config.learningRate, 0.001, "--set beats --config");
    assert.equal((await config(cwd, "lr")).seed, 5, "--config's seed when no flag or --set");

    const runs = await listRuns(`${cwd}/runs`);
    assert.deepEqual(
      runs.map((x) => x.dir.split("/").at(-1)).sort(),
      ["both", "lr", "ppo-CartPole-v1-s2", "ppo-CartPole-v1-s5"],
    );
    assert.ok(runs.every((x) => x.finished && x.evalMeanReturn !== null && x.timesteps >= 512));
    const table = formatRunTable(runs);
    assert.match(table, /^run\s+algo\s+env\s+seed\s+steps\s+date\s+final eval/);
    assert.match(table, /runs\/lr\s+ppo\s+CartPole-v1\s+5\s+\d+/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("train: bad flags are rejected before anything is written", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ascent_train_bad_" });
  try {
    for (
      const args of [
        ["--eval-episodes", "0"],
        ["--set", "nosuchkey=1"],
        ["--checkpoint-every", "-1"],
        ["--name", "a/b"],
        ["--name", "x", "--out", "y"],
      ]
    ) {
      const r = await train(cwd, "--steps", "512", ...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const entries = await Array.fromAsync(Deno.readDir(cwd));
      assert.deepEqual(entries, [], `${args.join(" ")} left ${entries.map((e) => e.name)}`);
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("train --resume: a finished run says so and keeps its summary; --steps extends it", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ascent_train_extend_" });
  try {
    let r = await train(cwd, "--steps", "512", "--name", "r");
    assert.equal(r.code, 0, r.stderr);
    const summary = await Deno.readTextFile(`${cwd}/runs/r/summary.json`);
    r = await train(cwd, "--resume", "runs/r");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /already complete \(512 of 512 steps\); pass --steps N/);
    assert.equal(await Deno.readTextFile(`${cwd}/runs/r/summary.json`), summary);

    r = await train(cwd, "--resume", "runs/r", "--steps", "1024");
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await config(cwd, "r")).steps, 1024, "config.json records the extension");
    const extended = JSON.parse(await Deno.readTextFile(`${cwd}/runs/r/summary.json`));
    assert.equal(extended.timesteps, 1024);
    assert.equal(extended.resumed, true);
    assert.ok(extended.sps > 0);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("train says which preset it uses and records it; a pair without one says so", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ascent_train_preset_" });
  try {
    const out = await runScript(
      cwd,
      "cli/train.ts",
      ...[
        "--algo",
        "vpg",
        "--env",
        "LunarLander-v3",
        "--set",
        "numEnvs=1",
        "--set",
        "numSteps=64",
        "--steps",
        "64",
        "--name",
        "p",
      ],
      ...["--no-onnx", "--eval-episodes", "1"],
    );
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^preset: none \(vpg has no tuned preset/m);
    assert.equal((await config(cwd, "p")).preset, "default");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
