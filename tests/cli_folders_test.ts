/**
 * `agent.save(dir)` folders and run folders are one format: `loadAgent` reads both, and
 * `deno task eval`/`export` accept both.
 * @module
 */
import assert from "node:assert/strict";
import { runOk } from "./cli_helpers.ts";
import { loadAgent, PPO } from "../algorithms/mod.ts";
import { readOnnxInfo } from "../policies/onnx/mod.ts";

Deno.test("agent.save folders work with eval and export; run folders with loadAgent", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ascent_folders_" });
  try {
    const agent = new PPO({
      env: "CartPole-v1",
      numEnvs: 2,
      numSteps: 16,
      hiddenSizes: [8],
      seed: 3,
    });
    await agent.learn({ totalTimesteps: 64 });
    await agent.save(`${cwd}/saved`);
    const evalJson = JSON.parse(
      (await runOk(cwd, "cli/eval.ts", "saved", "--episodes", "2")).trim().split("\n").at(-1)!,
    );
    assert.equal(evalJson.algo, "ppo");
    assert.equal(evalJson.env, "CartPole-v1");
    assert.equal(evalJson.seed, 1_000_003);
    await runOk(cwd, "cli/export.ts", "saved", "--out", "saved.onnx");
    assert.equal(
      readOnnxInfo(await Deno.readFile(`${cwd}/saved.onnx`)).metadata["ascent.env_id"],
      "CartPole-v1",
    );

    await runOk(
      cwd,
      "cli/train.ts",
      "--steps",
      "256",
      "--name",
      "run",
      "--quiet",
      "--no-onnx",
      "--eval-episodes",
      "1",
    );
    const fromRun = await loadAgent(`${cwd}/runs/run`);
    assert.equal(fromRun.algo, "ppo");
    assert.ok(fromRun.timesteps >= 256);
    await fromRun.close();
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
