/**
 * Learning benchmark: every algorithm on CartPole-v1, the continuous-control ones on
 * Pendulum-v1 (and PPO on MountainCarContinuous-v0), several seeds, each with its tuned
 * preset; plus PPO with the `cleanrl` preset (CleanRL `ppo.py`'s defaults) for speed.
 *
 * Reported per run: final deterministic evaluation (20 episodes; 10 with `--quick`), the
 * environment steps and wall seconds at which the mean return of the last 20 training
 * episodes first reached the environment's threshold (CartPole-v1 475, Pendulum-v1 −200,
 * MountainCarContinuous-v0 90), and steps per second of training (evaluation excluded).
 *
 * Usage: `deno run -A bench/learn.ts [--suite classic] [--quick] [--only algo@Env,…] [--seeds N]`.
 * Suites live in `bench/learn_suites/` (one file each).
 * Prints one JSON object as the last line and writes the "learn" section of BENCHMARKS.md
 * ("learn-quick" with `--quick`, so a quick run never replaces the full figures).
 * @module
 */
import { parseArgs } from "node:util";
import { createAgent, evaluate, resolveConfig, type UpdateMetrics } from "../algorithms/mod.ts";
import type { LearnSuite } from "./learn_suites/job.ts";
import { classicSuite } from "./learn_suites/classic.ts";
import { isQuick, markdownTable, updateBenchmarks } from "./report.ts";
import { median as medianOf, summarize } from "../cli/experiments/statistics.ts";

const quick = isQuick();
const { values } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean" },
    only: { type: "string" },
    seeds: { type: "string" },
    suite: { type: "string" },
  },
});

const SUITES: Record<string, LearnSuite> = { classic: classicSuite };
const suite = SUITES[values.suite ?? "classic"];
if (suite === undefined) {
  throw new Error(
    `--suite: unknown suite ${JSON.stringify(values.suite)}; known: ${
      Object.keys(SUITES).join(", ")
    }`,
  );
}
const FULL = suite.full, QUICK = suite.quick;

let jobs = quick ? QUICK : FULL;
if (values.only) {
  const wanted = values.only.split(",");
  jobs = FULL.filter((j) => wanted.includes(`${j.label ?? j.algo}@${j.env}`));
}
const seeds = Array.from(
  { length: Number(values.seeds ?? (quick ? 1 : 3)) },
  (_, i) => i + 1,
);

interface RunResult {
  algo: string;
  env: string;
  seed: number;
  steps: number;
  evalMean: number;
  evalStd: number;
  stepsToThreshold: number | null;
  secondsToThreshold: number | null;
  sps: number;
  wallSeconds: number;
}

const results: RunResult[] = [];
for (const job of jobs) {
  for (const seed of seeds) {
    const config = resolveConfig(job.algo, job.env, job.preset, { seed });
    const agent = createAgent(job.algo, config);
    let hit: { steps: number; seconds: number } | null = null;
    let last: UpdateMetrics | null = null;
    await agent.learn({
      totalTimesteps: job.steps,
      callbacks: {
        onUpdateEnd: (m) => {
          last = m;
          if (hit === null && m.recentReturnMean !== null && m.recentReturnMean >= job.threshold) {
            hit = { steps: m.timesteps, seconds: m.wallSeconds };
          }
        },
      },
    });
    const final = last as UpdateMetrics | null;
    const ev = await evaluate(agent, job.env, { episodes: quick ? 10 : 20 });
    await agent.close();
    const h = hit as { steps: number; seconds: number } | null;
    const r: RunResult = {
      algo: job.label ?? job.algo,
      env: job.env,
      seed,
      steps: agent.timesteps,
      evalMean: ev.mean,
      evalStd: ev.std,
      stepsToThreshold: h?.steps ?? null,
      secondsToThreshold: h?.seconds ?? null,
      sps: final?.sps ?? 0,
      wallSeconds: final?.wallSeconds ?? 0,
    };
    results.push(r);
    console.error(JSON.stringify(r));
  }
}

const fmt = (x: number | null, d = 0) => (x === null ? "—" : x.toFixed(d));
// The statistics of `deno task compare` (cli/experiments/statistics.ts): median, IQM and
// seeded bootstrap intervals over the seeds.
const median = (xs: number[]) => (xs.length === 0 ? null : medianOf(xs));
const ci = (c: [number, number]) => `[${c[0].toFixed(1)}, ${c[1].toFixed(1)}]`;
const rows: (string | number)[][] = [];
const summary: Record<string, unknown>[] = [];
for (const job of jobs) {
  const name = job.label ?? job.algo;
  const rs = results.filter((r) => r.algo === name && r.env === job.env);
  const reached = rs.filter((r) => r.stepsToThreshold !== null);
  const stats = summarize(rs.map((r) => r.evalMean), { seed: 0 });
  const s = {
    algo: name,
    env: job.env,
    steps: job.steps,
    seeds: rs.length,
    evalMeans: rs.map((r) => Math.round(r.evalMean * 10) / 10),
    evalIqm: stats.iqm,
    evalIqmCi: stats.iqmCi,
    evalMean: stats.mean,
    evalMeanCi: stats.meanCi,
    reached: reached.length,
    medianStepsToThreshold: median(reached.map((r) => r.stepsToThreshold!)),
    medianSecondsToThreshold: median(reached.map((r) => r.secondsToThreshold!)),
    medianSps: median(rs.map((r) => r.sps)),
  };
  summary.push(s);
  rows.push([
    name,
    job.env,
    job.steps,
    s.evalMeans.join(" / "),
    rs.length ? `${stats.iqm.toFixed(1)} ${ci(stats.iqmCi)}` : "—",
    `${reached.length}/${rs.length} (≥ ${job.threshold})`,
    fmt(s.medianStepsToThreshold),
    fmt(s.medianSecondsToThreshold, 1),
    fmt(s.medianSps),
  ]);
}

const body = [
  `Seeds ${seeds.join(", ")}; tuned preset per environment unless noted; final evaluation is`,
  `deterministic over ${quick ? 10 : 20} episodes; "reached" means the mean return of the last`,
  "20 training episodes reached the threshold; steps/seconds to threshold are medians over",
  "the seeds that reached it; SPS = environment steps / training wall time. IQM and its",
  "95 % bootstrap interval (2000 resamples, seed 0) over the seeds, as `deno task compare`.",
  "",
  markdownTable(
    [
      "algorithm",
      "env",
      "steps",
      "final eval per seed",
      "IQM [95% CI]",
      "reached",
      "steps to threshold",
      "s to threshold",
      "SPS",
    ],
    rows,
  ),
].join("\n");
await updateBenchmarks(
  quick ? `${suite.section}-quick` : suite.section,
  `deno run -A bench/learn.ts --suite ${suite.name}${quick ? " --quick" : ""}`,
  body,
);
const cleanrl = summary.find((s) => s.algo === "ppo (cleanrl)");
console.log(JSON.stringify({
  quick,
  suite: suite.name,
  cleanrlPpoCartPoleSps: cleanrl?.medianSps ?? null,
  results: summary,
}));
