import assert from "node:assert/strict";
import { groupRuns, readRun } from "../cli/experiments/collect.ts";
import { buildReport, compareGroups, profileScores } from "../cli/experiments/compare_report.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** Writes a fake finished run folder with a linear eval curve ending at `final`. */
async function fakeRun(
  dir: string,
  algo: string,
  seed: number,
  final: number,
  config: Record<string, unknown> = {},
  env = "CartPole-v1",
  threshold: number | null = 475,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/config.json`,
    JSON.stringify({
      format: "ascent-run/1",
      algo,
      env,
      steps: 1000,
      seed,
      plugins: [],
      checkpointEvery: 100,
      config: { env, seed, gamma: 0.99, ...config },
    }),
  );
  await Deno.writeTextFile(
    `${dir}/summary.json`,
    JSON.stringify({
      algo,
      seed,
      timesteps: 1000,
      evalMeanReturn: final,
      rewardThreshold: threshold,
    }),
  );
  // Eval curve 0 → final over 0..1000: its normalised area is final / 2.
  await Deno.writeTextFile(
    `${dir}/eval.jsonl`,
    [0, 500, 1000].map((t) => JSON.stringify({ timesteps: t, mean: final * t / 1000 })).join(
      "\n",
    ) + "\n",
  );
  await Deno.writeTextFile(
    `${dir}/metrics.jsonl`,
    JSON.stringify({ timesteps: 1000, recentReturnMean: final }) + "\n",
  );
}

Deno.test("compare: groups by differing settings; statistics by hand; ranking; files", async () => {
  const root = await Deno.makeTempDir({ prefix: "ascent-compare-" });
  // ppo, gamma 0.99: finals 100, 200, 300, 1000 → mean 400, median 250, IQM mean(200, 300).
  const finals = [100, 200, 300, 1000];
  for (const [i, f] of finals.entries()) await fakeRun(`${root}/s/ppo-s${i + 1}`, "ppo", i + 1, f);
  // ppo, gamma 0.9: finals 400, 400, 400 → every statistic 400, std 0, a point interval.
  for (const s of [1, 2, 3]) await fakeRun(`${root}/s/ppo-g-s${s}`, "ppo", s, 400, { gamma: 0.9 });
  // a2c: finals 10, 20.
  for (const s of [1, 2]) await fakeRun(`${root}/other/a2c-s${s}`, "a2c", s, 10 * s);

  const runs = await Promise.all(
    [
      ...finals.map((_, i) => `${root}/s/ppo-s${i + 1}`),
      ...[1, 2, 3].map((s) => `${root}/s/ppo-g-s${s}`),
      ...[1, 2].map((s) => `${root}/other/a2c-s${s}`),
    ].map(readRun),
  );
  const groups = groupRuns(runs);
  assert.deepEqual(groups.map((g) => g.key).sort(), [
    "a2c CartPole-v1",
    "ppo CartPole-v1 gamma=0.9",
    "ppo CartPole-v1 gamma=0.99",
  ]);
  const report = buildReport(groups, { seed: 1, reps: 500 });
  const row = report.rows.find((r) => r.key === "ppo CartPole-v1 gamma=0.99")!;
  assert.equal(row.final.n, 4);
  assert.equal(row.final.mean, 400);
  assert.equal(row.final.median, 250);
  assert.equal(row.final.iqm, 250);
  assert.equal(row.auc.mean, 200); // area of a ramp to `final` is final/2
  assert.equal(row.curve, "eval");
  assert.ok(row.final.meanCi[0] >= 100 && row.final.meanCi[1] <= 1000);
  const flat = report.rows.find((r) => r.key === "ppo CartPole-v1 gamma=0.9")!;
  assert.deepEqual([flat.final.iqm, flat.final.std, ...flat.final.iqmCi], [400, 0, 400, 400]);
  // Ranked by IQM: gamma=0.9 (400) before gamma=0.99 (250) before a2c (15).
  assert.deepEqual(report.rows.map((r) => [r.rank, r.key]), [
    [1, "ppo CartPole-v1 gamma=0.9"],
    [2, "ppo CartPole-v1 gamma=0.99"],
    [3, "a2c CartPole-v1"],
  ]);
  // Reproducible: the same seed gives the same intervals.
  assert.equal(buildReport(groups, { seed: 1, reps: 500 }).csv, report.csv);

  // The command: one table printed, Markdown, CSV, plots written.
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}cli/compare.ts`,
      `${root}/s`,
      `${root}/other`,
      "--out",
      `${root}/r`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(text, /9 runs in 3 groups/);
  assert.match(text, /1\. ppo gamma=0\.9: IQM 400\.0 \[400\.0, 400\.0\] over 3 seeds/);
  assert.match(text, /final IQM \[95% CI\]/);
  const md = await Deno.readTextFile(`${root}/r/compare.md`);
  assert.match(md, /\| rank \| env \| algo \| settings \|/);
  const csv = (await Deno.readTextFile(`${root}/r/compare.csv`)).trim().split("\n");
  assert.equal(csv.length, 4);
  const header = csv[0].split(",");
  const ppo = csv.find((l) => l.includes("gamma=0.99"))!.split(",");
  assert.equal(Number(ppo[header.indexOf("final_iqm")]), 250);
  assert.equal(Number(ppo[header.indexOf("final_median")]), 250);
  const curves = await Deno.readTextFile(`${root}/r/learning-curves-CartPole-v1.svg`);
  for (
    const s of ["threshold 475", "environment steps", "ppo gamma=0.9 (n=3)", "final evaluation"]
  ) {
    assert.ok(curves.includes(s), `learning curves lack "${s}"`);
  }
  const profile = await Deno.readTextFile(`${root}/r/performance-profile.svg`);
  assert.ok(profile.includes("fraction of runs with score"));
  await Deno.remove(root, { recursive: true });
});

Deno.test("compare: the performance profile normalises scores per environment", async () => {
  const root = await Deno.makeTempDir({ prefix: "ascent-profile-" });
  // CartPole (threshold 475): ppo 0 and 475 → 0 and 1. Acrobot-like env with no
  // threshold: ppo 10, a2c 30 → 0 and 1 (worst to best seen).
  await fakeRun(`${root}/a`, "ppo", 1, 0);
  await fakeRun(`${root}/b`, "ppo", 2, 475);
  await fakeRun(`${root}/c`, "ppo", 1, 10, {}, "Other-v0", null);
  await fakeRun(`${root}/d`, "a2c", 1, 30, {}, "Other-v0", null);
  const groups = groupRuns(
    await Promise.all(["a", "b", "c", "d"].map((d) => readRun(`${root}/${d}`))),
  );
  const scores = profileScores(compareGroups(groups, { reps: 10 }), groups);
  assert.deepEqual(scores.get("ppo")?.get("CartPole-v1"), [0, 1]);
  assert.deepEqual(scores.get("ppo")?.get("Other-v0"), [0]);
  assert.deepEqual(scores.get("a2c")?.get("Other-v0"), [1]);
  await Deno.remove(root, { recursive: true });
});
