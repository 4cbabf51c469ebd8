/**
 * Learning benchmark: suites of training jobs (`bench/learn_suites/`, one file each:
 * `classic`, `mujoco`, `box2d`), several seeds, each job with its preset.
 *
 * Reported per run: final deterministic evaluation (20 episodes; 10 with `--quick`), the
 * environment steps and wall seconds at which the mean return of the last 20 training
 * episodes first reached the job's threshold, and steps per second of training (evaluation
 * excluded).
 *
 * **Results accumulate.** Every run's raw result is merged into
 * `bench/results/learn-<suite>.json` (`-quick.json` for `--quick`; see `learn_store.ts`),
 * keyed by algorithm, environment, seed and steps, and the suite's BENCHMARKS.md section is
 * rendered from every stored result of its jobs, so a suite too long for one sitting is
 * measured piece by piece (`--only`, `--seed-list`); a row says which seeds are missing.
 *
 * Usage: `deno run -A bench/learn.ts [--suite classic|mujoco|box2d] [--quick]
 * [--only label@Env,…] [--seeds N | --seed-list 1,2] [--env-workers W] [--no-store]
 * [--report]` (`--report` trains nothing and renders the table from the stored results).
 * Prints one JSON object as the last line and writes the suite's section of BENCHMARKS.md
 * (`<section>-quick` with `--quick`, so a quick run never replaces the full figures).
 * @module
 */
import { parseArgs } from "node:util";
import {
  createAgent,
  evaluate,
  presetUsed,
  resolveConfig,
  type UpdateMetrics,
} from "../algorithms/mod.ts";
import type { LearnJob, LearnSuite } from "./learn_suites/job.ts";
import { classicSuite } from "./learn_suites/classic.ts";
import { mujocoSuite } from "./learn_suites/mujoco.ts";
import { box2dSuite } from "./learn_suites/box2d.ts";
import { currentCommit, type LearnRecord, readRecords, storeRecords } from "./learn_store.ts";
import { isQuick, markdownTable, updateBenchmarks } from "./report.ts";
import { median as medianOf, summarize } from "../cli/experiments/statistics.ts";

const quick = isQuick();
const { values } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean" },
    only: { type: "string" },
    seeds: { type: "string" },
    "seed-list": { type: "string" },
    suite: { type: "string" },
    "env-workers": { type: "string" },
    "no-store": { type: "boolean" },
    report: { type: "boolean" },
  },
});

const SUITES: Record<string, LearnSuite> = {
  classic: classicSuite,
  mujoco: mujocoSuite,
  box2d: box2dSuite,
};
const suite = SUITES[values.suite ?? "classic"];
if (suite === undefined) {
  throw new Error(
    `--suite: unknown suite ${JSON.stringify(values.suite)}; known: ${
      Object.keys(SUITES).join(", ")
    }`,
  );
}
const FULL = suite.full, QUICK = suite.quick;
const jobName = (j: LearnJob) => `${j.label ?? j.algo}@${j.env}`;

/** The jobs of this run; the table shows every job of the suite (quick or full). */
const suiteJobs = quick ? QUICK : FULL;
let jobs = suiteJobs;
if (values.report) {
  jobs = []; // only render the table from the stored results
} else if (values.only) {
  const wanted = values.only.split(",");
  const unknown = wanted.filter((w) => !suiteJobs.some((j) => jobName(j) === w));
  if (unknown.length > 0) {
    throw new Error(
      `--only: no job ${unknown.join(", ")} in suite ${suite.name}${quick ? " (quick)" : ""}; ` +
        `known: ${suiteJobs.map(jobName).join(", ")}`,
    );
  }
  jobs = suiteJobs.filter((j) => wanted.includes(jobName(j)));
}
const positiveInt = (flag: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${flag}: must be a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return n;
};
/** The seeds the table expects of every job (the seeds of a whole suite run). */
const expectedSeeds = Array.from(
  { length: values.seeds ? positiveInt("--seeds", values.seeds) : quick ? 1 : 3 },
  (_, i) => i + 1,
);
const seeds = values["seed-list"]
  ? values["seed-list"].split(",").map((t) => positiveInt("--seed-list", t.trim()))
  : expectedSeeds;
const envWorkers = values["env-workers"] === undefined
  ? undefined
  : positiveInt("--env-workers", values["env-workers"]);
const evalEpisodes = quick ? 10 : 20;
const storePath = new URL(
  `./results/learn-${suite.name}${quick ? "-quick" : ""}.json`,
  import.meta.url,
).pathname;
const commit = await currentCommit();

const fresh: LearnRecord[] = [];
for (const job of jobs) {
  for (const seed of seeds) {
    const overrides: Record<string, unknown> = { seed };
    if (envWorkers !== undefined) overrides.envWorkers = envWorkers;
    const config = resolveConfig(job.algo, job.env, job.preset, overrides);
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
    const ev = await evaluate(agent, job.env, { episodes: evalEpisodes });
    await agent.close();
    const h = hit as { steps: number; seconds: number } | null;
    const r: LearnRecord = {
      algo: job.label ?? job.algo,
      preset: presetUsed(job.algo, job.env, job.preset),
      env: job.env,
      seed,
      steps: job.steps,
      evalMean: ev.mean,
      evalStd: ev.std,
      evalEpisodes,
      stepsToThreshold: h?.steps ?? null,
      secondsToThreshold: h?.seconds ?? null,
      sps: final?.sps ?? 0,
      wallSeconds: final?.wallSeconds ?? 0,
      date: new Date().toISOString(),
      commit,
      envWorkers: envWorkers ?? 0,
    };
    fresh.push(r);
    console.error(JSON.stringify(r));
    // Stored after every run, so an interrupted suite keeps what it measured.
    if (!values["no-store"]) await storeRecords(storePath, [r]);
  }
}
const stored = values["no-store"] ? fresh : await readRecords(storePath);

const fmt = (x: number | null, d = 0) => (x === null ? "—" : x.toFixed(d));
// The statistics of `deno task compare` (cli/experiments/statistics.ts): median, IQM and
// seeded bootstrap intervals over the seeds.
const median = (xs: number[]) => (xs.length === 0 ? null : medianOf(xs));
const ci = (c: [number, number]) => `[${c[0].toFixed(1)}, ${c[1].toFixed(1)}]`;
const rows: (string | number)[][] = [];
const summary: Record<string, unknown>[] = [];
for (const job of suiteJobs) {
  const name = job.label ?? job.algo;
  const rs = stored
    .filter((r) => r.algo === name && r.env === job.env && r.steps === job.steps)
    .sort((a, b) => a.seed - b.seed);
  const missing = expectedSeeds.filter((seed) => !rs.some((r) => r.seed === seed));
  const reached = rs.filter((r) => r.stepsToThreshold !== null);
  const stats = rs.length ? summarize(rs.map((r) => r.evalMean), { seed: 0 }) : null;
  const s = {
    algo: name,
    env: job.env,
    steps: job.steps,
    seeds: rs.map((r) => r.seed),
    missingSeeds: missing,
    evalMeans: rs.map((r) => Math.round(r.evalMean * 10) / 10),
    evalMedian: stats?.median ?? null,
    evalIqm: stats?.iqm ?? null,
    evalIqmCi: stats?.iqmCi ?? null,
    evalMean: stats?.mean ?? null,
    evalMeanCi: stats?.meanCi ?? null,
    goal: job.goal?.value ?? null,
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
    rs.length ? rs.map((r) => `${r.seed}: ${r.evalMean.toFixed(1)}`).join(" / ") : "—",
    stats ? stats.median.toFixed(1) : "—",
    stats ? `${stats.iqm.toFixed(1)} ${ci(stats.iqmCi)}` : "—",
    job.goal ? `${job.goal.value} (${job.goal.source})` : "—",
    `${reached.length}/${rs.length} (≥ ${job.threshold})`,
    fmt(s.medianStepsToThreshold),
    fmt(s.medianSps),
    missing.length ? missing.join(", ") : "none",
  ]);
}

const body = [
  `Seeds ${expectedSeeds.join(", ")} expected of every job; every stored run of the suite's jobs`,
  `(\`bench/results/learn-${suite.name}${quick ? "-quick" : ""}.json\`, runs added piece by piece`,
  'with `--only` and `--seed-list`) is shown, and "missing" names the seeds not measured yet.',
  `Final evaluation: deterministic, ${evalEpisodes} episodes. "reached": the mean return of the`,
  "last 20 training episodes reached the threshold; steps to threshold is the median over the",
  "seeds that reached it; SPS = environment steps / training wall time (median over seeds).",
  "IQM and its 95 % bootstrap interval (2000 resamples, seed 0) over the seeds, as",
  '`deno task compare`; "goal" is a published figure for the median seed.',
  "",
  markdownTable(
    [
      "algorithm",
      "env",
      "steps",
      "final eval per seed",
      "median",
      "IQM [95% CI]",
      "goal",
      "reached",
      "steps to threshold",
      "SPS",
      "missing seeds",
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
