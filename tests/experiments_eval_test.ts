import assert from "node:assert/strict";
import {
  EvalCallback,
  type EvalRecord,
  PPO,
  REINFORCE,
  StopTrainingOnRewardThreshold,
  type UpdateMetrics,
} from "../algorithms/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("EvalCallback: evaluates on schedule; StopTrainingOnRewardThreshold stops the run", async () => {
  const agent = new PPO({ env: "CartPole-v1", seed: 3, numEnvs: 2, numSteps: 64 });
  const seen: EvalRecord[] = [];
  const bests: number[] = [];
  const stop = new StopTrainingOnRewardThreshold(5); // any CartPole episode lasts ≥ 8 steps
  const cb = new EvalCallback(agent, {
    every: 300,
    episodes: 3,
    onEvaluation: (r) => void seen.push(r),
    onNewBest: (r) => void bests.push(r.timesteps),
    hooks: [stop],
  });
  await agent.learn({ totalTimesteps: 5000, callbacks: [{}, cb] });
  // Updates are 128 steps: the first at or past 300 is 384, where the threshold stops it.
  assert.deepEqual(seen.map((r) => r.timesteps), [384]);
  assert.equal(agent.timesteps, 384);
  assert.equal(stop.reachedAt?.timesteps, 384);
  assert.deepEqual(bests, [384]);
  assert.equal(seen[0].episodes, 3);
  assert.ok(seen[0].min <= seen[0].mean && seen[0].mean <= seen[0].max);
  await cb.close();
  await agent.close();

  // Without the stop, every multiple of `every` crossed gets one evaluation.
  const a2 = new PPO({ env: "CartPole-v1", seed: 3, numEnvs: 2, numSteps: 64 });
  const cb2 = new EvalCallback(a2, { every: 256, episodes: 1 });
  await a2.learn({ totalTimesteps: 1024, callbacks: cb2 });
  assert.deepEqual(cb2.records.map((r) => r.timesteps), [256, 512, 768, 1024]);
  // The same seeds at every evaluation: a deterministic policy that did not change would
  // score the same; the best flag follows the running maximum.
  let best = -Infinity;
  for (const r of cb2.records) {
    assert.equal(r.best, r.mean > best);
    best = Math.max(best, r.mean);
  }
  await cb2.close();
  await a2.close();
  assert.throws(() => new EvalCallback(a2, { every: 0 }), /every must be a positive integer/);
});

Deno.test("metrics that do not apply are null: REINFORCE has no critic, KL or clipping", async () => {
  const agent = new REINFORCE({ env: "CartPole-v1", seed: 1 });
  let m: UpdateMetrics | null = null;
  await agent.learn({ totalTimesteps: 300, callbacks: { onUpdateEnd: (x) => void (m = x) } });
  const last = m as unknown as UpdateMetrics;
  assert.equal(last.valueLoss, null);
  assert.equal(last.approxKl, null);
  assert.equal(last.clipFraction, null);
  assert.equal(last.explainedVariance, null);
  assert.ok(Number.isFinite(last.policyLoss) && Number.isFinite(last.entropy));
  await agent.close();
  const ppo = new PPO({ env: "CartPole-v1", seed: 1, numEnvs: 2, numSteps: 64 });
  await ppo.learn({ totalTimesteps: 128, callbacks: { onUpdateEnd: (x) => void (m = x) } });
  const p = m as unknown as UpdateMetrics;
  assert.ok(typeof p.valueLoss === "number" && typeof p.clipFraction === "number");
  await ppo.close();
});

Deno.test("train --eval-every: eval.jsonl, best/, progress.csv beside metrics.jsonl", async () => {
  const dir = await Deno.makeTempDir();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}cli/train.ts`,
      "--steps",
      "2048",
      "--eval-every",
      "1000",
      "--eval-episodes",
      "3",
      "--out",
      dir,
      "--force",
      "--quiet",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const evals = (await Deno.readTextFile(`${dir}/eval.jsonl`)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  // PPO's CartPole preset collects 256 steps per update: evaluations at 1024 and 2048.
  assert.deepEqual(evals.map((e) => e.timesteps), [1024, 2048]);
  assert.ok(evals.every((e) => e.episodes === 3));
  const bestRecord = JSON.parse(await Deno.readTextFile(`${dir}/best/eval.json`));
  assert.equal(bestRecord.mean, Math.max(...evals.map((e) => e.mean)));
  assert.ok((await Deno.stat(`${dir}/best/policy.onnx`)).size > 0);
  assert.ok((await Deno.stat(`${dir}/best/checkpoint`)).isDirectory);
  const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
  assert.equal(summary.bestEvalMeanReturn, bestRecord.mean);
  assert.equal(summary.evaluations, 2);
  // progress.csv: a header of metrics.jsonl's keys (extra flattened), one row per line.
  const metrics = (await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  const csv = (await Deno.readTextFile(`${dir}/progress.csv`)).trim().split("\n");
  assert.equal(csv.length, metrics.length + 1);
  const header = csv[0].split(",");
  assert.deepEqual(header.slice(0, 5), [
    "algo",
    "update",
    "timesteps",
    "episodes",
    "recentReturnMean",
  ]);
  const row = csv.at(-1)!.split(",");
  assert.equal(Number(row[header.indexOf("timesteps")]), metrics.at(-1).timesteps);
  assert.equal(Number(row[header.indexOf("valueLoss")]), metrics.at(-1).valueLoss);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("EvalCallback: evaluating on its own env leaves training bit-for-bit unchanged", async () => {
  const config = { env: "CartPole-v1", seed: 5, numEnvs: 2, numSteps: 64 };
  const plain = new PPO(config);
  await plain.learn({ totalTimesteps: 1024 });
  const watched = new PPO(config);
  const cb = new EvalCallback(watched, { every: 128, episodes: 2 });
  await watched.learn({ totalTimesteps: 1024, callbacks: cb });
  assert.equal(cb.records.length, 8);
  assert.deepEqual(watched.toPolicySpec(), plain.toPolicySpec());
  await cb.close();
  await plain.close();
  await watched.close();
});

Deno.test("train --resume: progress.csv and eval.jsonl continue without duplicated rows", async () => {
  const dir = await Deno.makeTempDir();
  const train = async (args: string[]) => {
    const o = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}cli/train.ts`, ...args, "--quiet", "--no-onnx"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
  };
  await train([
    "--steps",
    "1024",
    "--eval-every",
    "512",
    "--eval-episodes",
    "1",
    "--out",
    dir,
    "--force",
  ]);
  await train(["--resume", dir, "--steps", "2048", "--eval-every", "512", "--eval-episodes", "1"]);
  const metrics = (await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  const csv = (await Deno.readTextFile(`${dir}/progress.csv`)).trim().split("\n");
  assert.equal(csv.length, metrics.length + 1);
  const ts = csv[0].split(",").indexOf("timesteps");
  assert.deepEqual(
    csv.slice(1).map((r) => Number(r.split(",")[ts])),
    metrics.map((m) => m.timesteps),
  );
  const evals = (await Deno.readTextFile(`${dir}/eval.jsonl`)).trim().split("\n").map((l) =>
    JSON.parse(l).timesteps
  );
  assert.deepEqual(evals, [512, 1024, 1536, 2048]);
  await Deno.remove(dir, { recursive: true });
});
