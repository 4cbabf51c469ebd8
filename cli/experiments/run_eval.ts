/**
 * The `train` command's periodic evaluation: an {@link EvalCallback} wired to the run
 * folder. Every evaluation appends a line to `DIR/eval.jsonl`; a new best writes `DIR/best/`
 * (`checkpoint/`, `policy.onnx` unless `--no-onnx`, and `eval.json`, written last, naming
 * the evaluation it holds); `--stop-at-threshold` adds a
 * {@link StopTrainingOnRewardThreshold} at the environment's reward threshold. On resume,
 * `eval.jsonl` keeps the lines up to the checkpoint and the best mean is taken from them.
 * @module
 */
import {
  type AnyAgent,
  EvalCallback,
  type EvalRecord,
  StopTrainingOnRewardThreshold,
} from "../../algorithms/mod.ts";
import { writeFileAtomic } from "../../policies/atomic.ts";
import { exportOnnx, type PolicyPlugins } from "../../policies/onnx/mod.ts";

/** Paths of the evaluation files in a run folder. */
export function evalPaths(dir: string): {
  evalLog: string;
  best: string;
  bestCheckpoint: string;
  bestOnnx: string;
  bestEval: string;
  progressCsv: string;
} {
  const d = dir.replace(/\/+$/, "");
  return {
    evalLog: `${d}/eval.jsonl`,
    best: `${d}/best`,
    bestCheckpoint: `${d}/best/checkpoint`,
    bestOnnx: `${d}/best/policy.onnx`,
    bestEval: `${d}/best/eval.json`,
    progressCsv: `${d}/progress.csv`,
  };
}

/** Reads `eval.jsonl` (a torn last line is skipped; a missing file is empty). */
export async function readEvalLog(path: string): Promise<EvalRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return [];
  }
  const out: EvalRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line));
    } catch { /* torn line */ }
  }
  return out;
}

/** Options of {@link attachRunEvaluation}. */
export interface RunEvaluationOptions {
  /** The run folder. */
  dir: string;
  /** Environment steps between evaluations. */
  every: number;
  /** Episodes per evaluation. */
  episodes: number;
  /** Seed of the first evaluation episode. */
  seed: number;
  /** Stop training when an evaluation reaches this mean return. */
  stopAt?: number;
  /** Export `best/policy.onnx`. */
  onnx: boolean;
  /** The run's plugins and their trust level, recorded in `best/policy.onnx`. */
  plugins?: PolicyPlugins;
  /** Continuing a run: keep `eval.jsonl` up to the agent's steps. */
  resuming: boolean;
}

/** The evaluation attached to a run: the callback, and what happened. */
export interface RunEvaluation {
  /** Pass to `learn`'s callbacks. */
  callback: EvalCallback;
  /** The threshold stop, when asked for. */
  stop: StopTrainingOnRewardThreshold | null;
  /** Closes the evaluation environment and the log. */
  close(): Promise<void>;
}

/** Builds the periodic evaluation of a run (see the module doc). */
export async function attachRunEvaluation(
  agent: AnyAgent,
  options: RunEvaluationOptions,
): Promise<RunEvaluation> {
  const paths = evalPaths(options.dir);
  const kept = options.resuming
    ? (await readEvalLog(paths.evalLog)).filter((r) => r.timesteps <= agent.timesteps)
    : [];
  await writeFileAtomic(paths.evalLog, kept.map((r) => JSON.stringify(r) + "\n").join(""));
  const log = await Deno.open(paths.evalLog, { append: true });
  const encoder = new TextEncoder();
  const stop = options.stopAt === undefined
    ? null
    : new StopTrainingOnRewardThreshold(options.stopAt);
  const callback = new EvalCallback(agent, {
    every: options.every,
    episodes: options.episodes,
    deterministic: true,
    seed: options.seed,
    bestMean: kept.reduce((m, r) => Math.max(m, r.mean), -Infinity),
    lastTimesteps: kept.at(-1)?.timesteps ?? agent.timesteps,
    onEvaluation: (record) => {
      log.writeSync(encoder.encode(JSON.stringify(record) + "\n"));
    },
    onNewBest: async (record) => {
      await Deno.mkdir(paths.best, { recursive: true });
      await Deno.remove(paths.bestEval).catch(() => {});
      await agent.save(paths.bestCheckpoint);
      if (options.onnx) {
        await exportOnnx(agent.toPolicySpec(), paths.bestOnnx, {
          deterministic: true,
          withValue: false,
          plugins: options.plugins,
        });
      }
      await writeFileAtomic(paths.bestEval, JSON.stringify(record, null, 2) + "\n");
    },
    hooks: stop ? [stop] : [],
  });
  return {
    callback,
    stop,
    close: async () => {
      log.close();
      await callback.close();
    },
  };
}
