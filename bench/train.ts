/**
 * The `train` command as a user runs it: whole-process wall time, peak resident memory and
 * evaluation of the default job (`deno task train`: PPO, CartPole-v1, tuned preset), and the
 * training speed of PPO with CleanRL's `ppo.py` defaults (`--preset cleanrl`).
 *
 * Reference: CleanRL's PyTorch `ppo.py` ran at about 5,100 steps/s on this machine and
 * solved CartPole-v1 in 26–41 s using 255 MB (figures from the issue: PyTorch cannot be
 * installed here, so CleanRL is not re-run).
 *
 *     deno run -A bench/train.ts [--quick]
 * @module
 */
import { isQuick, markdownTable, updateBenchmarks } from "./report.ts";

const CLEANRL_SPS = 5_100;
const root = new URL("../", import.meta.url).pathname;
const quick = isQuick();
const runs = quick ? 1 : 3;

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

interface TrainRun {
  wallSeconds: number;
  peakMiB: number;
  summary: { sps: number; evalMeanReturn: number; solved: boolean | null; timesteps: number };
}

async function train(args: string[]): Promise<TrainRun> {
  const out = await Deno.makeTempDir({ prefix: "ascent-bench-train-" });
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskFlags(), `${root}cli/train.ts`, ...args, "--out", `${out}/run`, "--quiet"],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let peak = 0;
  const poll = setInterval(() => peak = Math.max(peak, peakRssKb(child.pid)), 10);
  const result = await child.output();
  clearInterval(poll);
  const wallSeconds = (performance.now() - t0) / 1000;
  if (result.code !== 0) throw new Error(`train ${args.join(" ")} exited ${result.code}`);
  const summary = JSON.parse(await Deno.readTextFile(`${out}/run/summary.json`));
  await Deno.remove(out, { recursive: true });
  return { wallSeconds, peakMiB: peak / 1024, summary };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const defaults: TrainRun[] = [];
for (let i = 0; i < runs; i++) defaults.push(await train([]));
const cleanrl: TrainRun[] = [];
for (let i = 0; i < runs; i++) {
  cleanrl.push(await train(["--preset", "cleanrl", "--steps", "100000", "--no-onnx"]));
}

const rows = [
  ...defaults.map((r, i) => [
    `default job, run ${i + 1}`,
    r.summary.timesteps,
    r.wallSeconds.toFixed(2),
    r.peakMiB.toFixed(0),
    r.summary.evalMeanReturn.toFixed(1),
    Math.round(r.summary.sps),
    (r.summary.sps / CLEANRL_SPS).toFixed(1) + "×",
  ]),
  ...cleanrl.map((r, i) => [
    `--preset cleanrl, run ${i + 1}`,
    r.summary.timesteps,
    r.wallSeconds.toFixed(2),
    r.peakMiB.toFixed(0),
    r.summary.evalMeanReturn.toFixed(1),
    Math.round(r.summary.sps),
    (r.summary.sps / CLEANRL_SPS).toFixed(1) + "×",
  ]),
];
const figures = {
  defaultWallSeconds: median(defaults.map((r) => r.wallSeconds)),
  defaultPeakMiB: Math.max(...defaults.map((r) => r.peakMiB)),
  defaultSolvedRuns: defaults.filter((r) => r.summary.solved).length,
  runs,
  cleanrlSps: median(cleanrl.map((r) => r.summary.sps)),
  cleanrlSpeedupVsCleanRL: median(cleanrl.map((r) => r.summary.sps)) / CLEANRL_SPS,
};
const body = [
  "Whole `train` processes started as `deno task train` starts them (same flags); wall time",
  "from spawn to exit (includes start-up, evaluation and ONNX export); peak memory is the",
  "process's VmHWM. Speed-up is against CleanRL `ppo.py`'s ~5,100 steps/s on this machine",
  "(the issue's measurement; PyTorch is not installable here).",
  "",
  markdownTable(
    ["run", "steps", "wall s", "peak MiB", "eval return", "train steps/s", "vs CleanRL"],
    rows,
  ),
  "",
  `- default job: median ${figures.defaultWallSeconds.toFixed(2)} s, peak ≤ ${
    figures.defaultPeakMiB.toFixed(0)
  } MiB, solved (eval ≥ 475) in ${figures.defaultSolvedRuns}/${runs} runs ` +
  "(targets: ≤ 4 s, ≤ 150 MB).",
  `- \`--preset cleanrl\`: median ${Math.round(figures.cleanrlSps)} steps/s, ` +
  `${figures.cleanrlSpeedupVsCleanRL.toFixed(1)}× CleanRL (target ≥ 10×, ≥ 51,000 steps/s).`,
].join("\n");
await updateBenchmarks(
  quick ? "train-quick" : "train",
  `deno run -A bench/train.ts${quick ? " --quick" : ""}`,
  body,
);
console.log(body);
console.log(JSON.stringify(figures));
