/**
 * The `train` command as a user runs it: whole-process wall time, peak resident memory and
 * evaluation of the default job (`deno task train`: PPO, CartPole-v1, tuned preset); its
 * start-up on its own; the training speed of PPO with CleanRL's `ppo.py` defaults
 * (`--preset cleanrl`); and how steps/s and peak memory scale with the rollout batch
 * (`numEnvs × numSteps`, 512 … 65,536) and with the hidden width (64 … 512).
 *
 * Reference: CleanRL's PyTorch `ppo.py` ran at about 5,100 steps/s on this machine and
 * solved CartPole-v1 in 26–41 s using 255 MB (figures from the issue, on a quiet machine:
 * PyTorch cannot be installed here, so CleanRL is not re-run).
 *
 * `--baseline DIR` also runs the `--preset cleanrl` job from another checkout (DIR holds
 * its `cli/train.ts`, e.g. an older commit), alternating with this one, and reports the
 * ratio measured in the same run. The machine is shared: the load average is printed.
 *
 *     deno run -A bench/train.ts [--quick] [--baseline DIR]
 * @module
 */
import { isQuick, loadAverages as loadAverage, markdownTable, updateBenchmarks } from "./report.ts";

const CLEANRL_SPS = 5_100;
const root = new URL("../", import.meta.url).pathname;
const quick = isQuick();
const runs = quick ? 1 : 3;
const baselineAt = Deno.args.indexOf("--baseline");
const baseline = baselineAt >= 0 ? Deno.args[baselineAt + 1] : null;
if (baselineAt >= 0 && !baseline) throw new Error("bench/train.ts: --baseline needs a folder");

/** The `train` task's own flags (kept in step with deno.json). */
function taskFlags(): string[] {
  const task: string = JSON.parse(Deno.readTextFileSync(`${root}deno.json`)).tasks.train;
  return task.split(/\s+/).filter((w) => w.startsWith("--"));
}

/** Peak resident set size (VmHWM, kB) of a running process, or 0. */
function peakRssKb(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The size of a file in bytes, or 0 when it does not exist (yet). */
function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

interface TrainRun {
  wallSeconds: number;
  /** Spawn to the first line of metrics.jsonl (the end of the first update), polled. */
  firstUpdateSeconds: number;
  peakMiB: number;
  summary: { sps: number; evalMeanReturn: number; solved: boolean | null; timesteps: number };
}

/** One whole `train` process (from `checkout`, default this one) with `args`. */
async function train(args: string[], checkout = root): Promise<TrainRun> {
  const out = await Deno.makeTempDir({ prefix: "ascent-bench-train-" });
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...taskFlags(),
      `${checkout}/cli/train.ts`,
      ...args,
      "--out",
      `${out}/run`,
      "--quiet",
    ],
    cwd: checkout,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let peak = 0;
  let firstUpdateSeconds = NaN;
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRssKb(child.pid));
    if (Number.isNaN(firstUpdateSeconds) && fileSize(`${out}/run/metrics.jsonl`) > 0) {
      firstUpdateSeconds = (performance.now() - t0) / 1000;
    }
  }, 10);
  const result = await child.output();
  clearInterval(poll);
  peak = Math.max(peak, peakRssKb(child.pid));
  const wallSeconds = (performance.now() - t0) / 1000;
  if (result.code !== 0) throw new Error(`train ${args.join(" ")} exited ${result.code}`);
  const summary = JSON.parse(await Deno.readTextFile(`${out}/run/summary.json`));
  await Deno.remove(out, { recursive: true });
  return { wallSeconds, firstUpdateSeconds, peakMiB: peak / 1024, summary };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadBefore = loadAverage();

// 1. the default job, whole process
const defaults: TrainRun[] = [];
for (let i = 0; i < runs; i++) defaults.push(await train([]));

// 2. start-up: a one-update run (256 steps, 1 evaluation episode, no ONNX) spawn to exit
const startup: TrainRun[] = [];
for (let i = 0; i < runs; i++) {
  startup.push(await train(["--steps", "256", "--eval-episodes", "1", "--no-onnx"]));
}

// 3. CleanRL's settings (alternating with the baseline checkout when given)
const cleanrlArgs = ["--preset", "cleanrl", "--steps", "100000", "--no-onnx"];
const cleanrl: TrainRun[] = [], before: TrainRun[] = [];
for (let i = 0; i < runs; i++) {
  if (baseline) before.push(await train(cleanrlArgs, baseline));
  cleanrl.push(await train(cleanrlArgs));
}

// 4. TRPO on CartPole-v1 (its preset, the same in the baseline checkout) and Acrobot-v1
// (`--preset none`: TRPO's defaults, since its tuned preset is newer than the baseline),
// alternating with the baseline checkout when given: the same settings on both sides
const trpoJobs = [
  { env: "CartPole-v1", steps: quick ? 8_192 : 40_960, preset: [] as string[] },
  { env: "Acrobot-v1", steps: quick ? 8_000 : 40_000, preset: ["--preset", "none"] },
];
const trpo: { env: string; now: TrainRun[]; before: TrainRun[] }[] = [];
for (const job of trpoJobs) {
  const args = [
    "--algo",
    "trpo",
    "--env",
    job.env,
    ...job.preset,
    "--steps",
    String(job.steps),
    "--no-onnx",
  ];
  const label = job.preset.length > 0 ? `${job.env} (defaults)` : job.env;
  const entry = { env: label, now: [] as TrainRun[], before: [] as TrainRun[] };
  for (let i = 0; i < runs; i++) {
    if (baseline) entry.before.push(await train([...args, "--eval-episodes", "1"], baseline));
    entry.now.push(await train([...args, "--eval-episodes", "1"]));
  }
  trpo.push(entry);
}

// 5. scaling: PPO with CleanRL's settings, varying the batch and the hidden width
interface ScalePoint {
  batch: number;
  hidden: number;
  run: TrainRun;
}
const batchSweep = quick ? [512, 8192, 65536] : [512, 2048, 8192, 32768, 65536];
const widthSweep = quick ? [64, 256] : [64, 128, 256, 512];
async function scalePoint(batch: number, hidden: number, minSteps: number): Promise<ScalePoint> {
  const numEnvs = Math.min(64, Math.max(4, batch / 1024));
  const numSteps = batch / numEnvs;
  const steps = Math.max(2 * batch, minSteps);
  const run = await train([
    "--preset",
    "cleanrl",
    "--steps",
    String(steps),
    "--no-onnx",
    "--eval-episodes",
    "1",
    "--set",
    `numEnvs=${numEnvs}`,
    "--set",
    `numSteps=${numSteps}`,
    "--set",
    `hiddenSizes=[${hidden},${hidden}]`,
  ]);
  return { batch, hidden, run };
}
const byBatch: ScalePoint[] = [];
for (const b of batchSweep) byBatch.push(await scalePoint(b, 64, quick ? 16_384 : 65_536));
const byWidth: ScalePoint[] = [];
for (const h of widthSweep) byWidth.push(await scalePoint(2048, h, 8192));
const loadAfter = loadAverage();

/** Multiply-adds of one forward pass of actor (→ 2) and critic (→ 1) per observation. */
const forwardMacs = (h: number) => (4 * h + h * h + 2 * h) + (4 * h + h * h + h);
const usPerStep = (p: ScalePoint) => 1e6 / p.run.summary.sps;
const minBatchUs = Math.min(...byBatch.map(usPerStep));
const base64 = byWidth[0];
const scaleRows = [...byBatch, ...byWidth.slice(1)].map((p) => [
  p.batch.toLocaleString("en-US"),
  p.hidden,
  p.run.summary.timesteps,
  Math.round(p.run.summary.sps),
  usPerStep(p).toFixed(1),
  (usPerStep(p) / minBatchUs).toFixed(2),
  ((usPerStep(p) / usPerStep(base64)) / (forwardMacs(p.hidden) / forwardMacs(64))).toFixed(2),
  p.run.peakMiB.toFixed(0),
]);
const rising = byBatch.filter((p) => usPerStep(p) > 1.15 * minBatchUs);
const cheapest = byBatch.find((p) => usPerStep(p) === minBatchUs)!;
const batchVerdict =
  `the cost per step is lowest at batch ${cheapest.batch.toLocaleString("en-US")} (${
    minBatchUs.toFixed(1)
  } µs); ` + (rising.length === 0
    ? "every other batch is within 15 % of it"
    : `it is more than 15 % higher at ${
      rising.map((p) => `${p.batch.toLocaleString("en-US")} (${usPerStep(p).toFixed(1)} µs)`)
        .join(", ")
    }`);
const perMac = (p: ScalePoint) =>
  (usPerStep(p) / usPerStep(base64)) / (forwardMacs(p.hidden) / forwardMacs(64));
const cheapestPerMac = byWidth.reduce((a, b) => perMac(b) < perMac(a) ? b : a);
const widthRises = byWidth.filter((p) => p.hidden > cheapestPerMac.hidden);
const widthVerdict = `per multiply-add the cost is lowest at width ${cheapestPerMac.hidden} ` +
  `(${perMac(cheapestPerMac).toFixed(2)} of the 64-wide cost per multiply-add: the fixed ` +
  "costs of each call and op are spread over more arithmetic)" +
  (widthRises.length === 0
    ? ""
    : `; it is higher again at ${
      widthRises.map((p) => `${p.hidden} (${perMac(p).toFixed(2)})`).join(", ")
    }`);
const memPerStep = (byBatch[byBatch.length - 1].run.peakMiB - byBatch[0].run.peakMiB) /
  (byBatch[byBatch.length - 1].batch - byBatch[0].batch);

const row = (label: string, r: TrainRun) => [
  label,
  r.summary.timesteps,
  r.wallSeconds.toFixed(2),
  r.firstUpdateSeconds.toFixed(2),
  r.peakMiB.toFixed(0),
  r.summary.evalMeanReturn.toFixed(1),
  Math.round(r.summary.sps),
  (r.summary.sps / CLEANRL_SPS).toFixed(1) + "×",
];
const rows = [
  ...defaults.map((r, i) => row(`default job, run ${i + 1}`, r)),
  ...startup.map((r, i) => row(`start-up (one update), run ${i + 1}`, r)),
  ...before.map((r, i) => row(`--preset cleanrl, baseline checkout, run ${i + 1}`, r)),
  ...cleanrl.map((r, i) => row(`--preset cleanrl, run ${i + 1}`, r)),
  ...trpo.flatMap((t) => [
    ...t.before.map((r, i) => row(`TRPO ${t.env}, baseline checkout, run ${i + 1}`, r)),
    ...t.now.map((r, i) => row(`TRPO ${t.env}, run ${i + 1}`, r)),
  ]),
];
const trpoSps = trpo.map((t) => ({
  env: t.env,
  sps: median(t.now.map((r) => r.summary.sps)),
  baselineSps: t.before.length > 0 ? median(t.before.map((r) => r.summary.sps)) : null,
}));
const cleanrlSps = median(cleanrl.map((r) => r.summary.sps));
const beforeSps = baseline ? median(before.map((r) => r.summary.sps)) : null;
const figures = {
  defaultWallSeconds: median(defaults.map((r) => r.wallSeconds)),
  defaultTrainSeconds: median(defaults.map((r) => r.summary.timesteps / r.summary.sps)),
  defaultPeakMiB: Math.max(...defaults.map((r) => r.peakMiB)),
  defaultSolvedRuns: defaults.filter((r) => r.summary.solved).length,
  startupSeconds: median(startup.map((r) => r.wallSeconds)),
  startupFirstUpdateSeconds: median(startup.map((r) => r.firstUpdateSeconds)),
  defaultFirstUpdateSeconds: median(defaults.map((r) => r.firstUpdateSeconds)),
  runs,
  cleanrlSps,
  cleanrlSpeedupVsCleanRL: cleanrlSps / CLEANRL_SPS,
  baselineCleanrlSps: beforeSps,
  speedupVsBaseline: beforeSps ? cleanrlSps / beforeSps : null,
  trpo: trpoSps.map((t) => ({
    ...t,
    speedupVsBaseline: t.baselineSps ? t.sps / t.baselineSps : null,
  })),
  scaling: [...byBatch, ...byWidth.slice(1)].map((p) => ({
    batch: p.batch,
    hidden: p.hidden,
    sps: Math.round(p.run.summary.sps),
    peakMiB: Number(p.run.peakMiB.toFixed(1)),
  })),
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
};
const body = [
  "Whole `train` processes started as `deno task train` starts them (same flags); wall time",
  "from spawn to exit (includes start-up, evaluation and ONNX export); peak memory is the",
  "process's VmHWM. Speed-up is against CleanRL `ppo.py`'s ~5,100 steps/s on a quiet",
  "machine of this kind (the issue's measurement; PyTorch is not installable here, so",
  "CleanRL cannot be re-run). Start-up is a one-update run (256 steps, one evaluation",
  "episode, no ONNX) from spawn to exit: import, environment and network set-up, the",
  "update, and the end (evaluation, files). `1st update s`: spawn to the first line of",
  "metrics.jsonl (start-up plus the first update), polled every 10 ms.",
  `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter} (2 cores, shared).`,
  "",
  markdownTable(
    [
      "run",
      "steps",
      "wall s",
      "1st update s",
      "peak MiB",
      "eval return",
      "train steps/s",
      "vs CleanRL",
    ],
    rows,
  ),
  "",
  `- default job: median ${figures.defaultWallSeconds.toFixed(2)} s wall (training ${
    figures.defaultTrainSeconds.toFixed(2)
  } s of it), peak ≤ ${
    figures.defaultPeakMiB.toFixed(0)
  } MiB, solved (eval ≥ 475) in ${figures.defaultSolvedRuns}/${runs} runs (targets: ≤ 1.0 s, ≤ 100 MB).`,
  `- start-up (one-update run, spawn to exit): median ${figures.startupSeconds.toFixed(2)} s; ` +
  `spawn to the end of the first update (metrics.jsonl's first line, polled every 10 ms): ` +
  `${figures.startupFirstUpdateSeconds.toFixed(2)} s (default job: ${
    figures.defaultFirstUpdateSeconds.toFixed(2)
  } s).`,
  `- \`--preset cleanrl\`: median ${Math.round(cleanrlSps)} steps/s, ` +
  `${figures.cleanrlSpeedupVsCleanRL.toFixed(1)}× CleanRL (target ≥ 20×, ≥ 100,000 steps/s)` +
  (beforeSps
    ? `; the baseline checkout in the same run: ${Math.round(beforeSps)} steps/s (${
      (cleanrlSps / beforeSps).toFixed(2)
    }× faster now).`
    : "."),
  ...trpoSps.map((t) =>
    `- TRPO ${t.env}: median ${Math.round(t.sps)} steps/s` +
    (t.baselineSps
      ? `; baseline checkout ${Math.round(t.baselineSps)} steps/s (${
        (t.sps / t.baselineSps).toFixed(2)
      }×; target ≥ 3×).`
      : ".")
  ),
  "",
  "Scaling (PPO, CleanRL's settings: 4 minibatches, 4 epochs; `--set numEnvs, numSteps,",
  "hiddenSizes`; one run each, 2 updates or more, so single figures carry the machine's",
  "noise). `µs/step` is training wall time per",
  "environment step; `vs best batch` divides it by the cheapest batch's; `per MAC vs 64`",
  "divides the width's cost per step by the 64-wide one's, per multiply-add of the",
  "networks (1.00: cost grows exactly with the arithmetic). On a loaded machine read the",
  "ratios of runs made side by side (the baseline rows), not the absolute steps/s.",
  "",
  markdownTable(
    [
      "batch",
      "hidden",
      "steps",
      "steps/s",
      "µs/step",
      "vs best batch",
      "per MAC vs 64",
      "peak MiB",
    ],
    scaleRows,
  ),
  "",
  `- Batch (hidden 64): ${batchVerdict}; peak memory grows by about ${
    (memPerStep * 1024).toFixed(2)
  } KiB per step of batch.`,
  `- Width (batch 2048): ${widthVerdict}.`,
].join("\n");
await updateBenchmarks(
  quick ? "train-quick" : "train",
  `deno run -A bench/train.ts${quick ? " --quick" : ""}${baseline ? " --baseline DIR" : ""}`,
  body,
);
console.log(body);
console.log(JSON.stringify(figures));
