/**
 * The run folder the `train` command writes, and reads back for `--resume`, `eval` and
 * `export`:
 *
 * ```
 * DIR/config.json         what was asked: algorithm, env, steps, seed, preset, plugins, config
 * DIR/metrics.jsonl       one JSON line per update
 * DIR/checkpoint/         the agent (parameters, optimisers, generators, counters)
 * DIR/summary.json        the final figures and the evaluation of the final policy
 * DIR/learning-curve.svg  mean return against environment steps
 * DIR/policy.onnx         the exported policy
 * ```
 *
 * Every whole-file write is atomic (temporary file, then rename), so a killed process never
 * leaves a half-written `config.json`, `summary.json` or checkpoint.
 * @module
 */
import { z } from "../deps.ts";
import { type AlgorithmName, ALGORITHMS } from "../algorithms/mod.ts";
import { agentCheckpointPath, loadAgentCheckpoint } from "../algorithms/agent_checkpoint.ts";
import { formatZodIssues } from "../envs/spaces.ts";
import { writeFileAtomic } from "../policies/atomic.ts";
import { loadCheckpoint } from "../policies/checkpoint.ts";

/** What `config.json` holds. */
export interface RunConfig {
  /** File format tag. */
  format: "ascent-run/1";
  /** The algorithm. */
  algo: AlgorithmName;
  /** The environment id. */
  env: string;
  /** Environment steps of training asked for. */
  steps: number;
  /** The seed. */
  seed: number;
  /** The preset asked for (`undefined`: the environment's tuned preset). */
  preset?: string;
  /** Plugin specs loaded before making the environment (reloaded on resume and eval). */
  plugins: string[];
  /**
   * The specs of `plugins` that ran in the sandbox: reloaded sandboxed by every later
   * command unless it is given `--no-sandbox` (see `plugin_trust.ts`). Absent in runs
   * written before it was recorded.
   */
  sandboxedPlugins?: string[];
  /** Environment steps between checkpoints. */
  checkpointEvery: number;
  /** The complete, validated algorithm configuration. */
  config: Record<string, unknown>;
}

const RunConfigSchema: z.ZodType<RunConfig> = z.object({
  format: z.literal("ascent-run/1"),
  algo: z.enum(ALGORITHMS),
  env: z.string().min(1),
  steps: z.number().int().nonnegative(),
  seed: z.number().int(),
  preset: z.string().optional(),
  plugins: z.array(z.string()),
  sandboxedPlugins: z.array(z.string()).optional(),
  checkpointEvery: z.number().int().nonnegative(),
  config: z.record(z.string(), z.unknown()),
});

/** Paths inside a run folder. */
export function runPaths(dir: string): {
  config: string;
  metrics: string;
  checkpoint: string;
  summary: string;
  curve: string;
  onnx: string;
} {
  const d = dir.replace(/\/+$/, "");
  return {
    config: `${d}/config.json`,
    metrics: `${d}/metrics.jsonl`,
    checkpoint: `${d}/checkpoint`,
    summary: `${d}/summary.json`,
    curve: `${d}/learning-curve.svg`,
    onnx: `${d}/policy.onnx`,
  };
}

/** Writes pretty JSON atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** Reads and validates `DIR/config.json`; errors name the file and the field. */
export async function readRunConfig(dir: string): Promise<RunConfig> {
  const path = runPaths(dir).config;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "not found" : String(error);
    throw new Error(`${path}: cannot read the run's config (${why}); is ${dir} a run folder?`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = RunConfigSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * The run configuration of `dir`: its `config.json` when it is a run folder, or one read
 * from the checkpoint when it is a folder written by `agent.save(dir)` (algorithm,
 * environment, seed and hyper-parameters; no plugins). Both kinds of folder work with
 * `eval`, `export` and `loadAgent`.
 */
export async function readRunOrAgentConfig(dir: string): Promise<RunConfig> {
  try {
    await Deno.stat(runPaths(dir).config);
  } catch {
    let state;
    try {
      state = (await loadAgentCheckpoint(dir)).state;
    } catch {
      return await readRunConfig(dir); // neither: report the missing config.json
    }
    const config = state.config as Record<string, unknown>;
    return {
      format: "ascent-run/1",
      algo: state.algo as AlgorithmName,
      env: String(config.env),
      steps: state.timesteps,
      seed: Number(config.seed),
      plugins: [],
      checkpointEvery: 0,
      config,
    };
  }
  return await readRunConfig(dir);
}

/** One line of `metrics.jsonl` as the learning curve needs it. */
export interface MetricsLine {
  /** Environment steps. */
  timesteps: number;
  /** Mean return of recent episodes. */
  recentReturnMean: number | null;
}

/** Reads `metrics.jsonl` (skipping a torn last line, as a killed process may leave). */
export async function readMetrics(
  path: string,
): Promise<(MetricsLine & Record<string, unknown>)[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return [];
  }
  const out: (MetricsLine & Record<string, unknown>)[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line));
    } catch { /* torn line */ }
  }
  return out;
}

/**
 * Keeps only the metrics lines up to `timesteps` (used on resume, so the log continues
 * from the checkpoint without duplicated updates). Rewritten atomically, and only when
 * something is dropped. Returns the number of lines dropped, so that the caller can say
 * so.
 * @throws Error when the log goes beyond `timesteps` but has no line at `timesteps`
 *   itself: every checkpoint is taken at the end of a logged update, so the checkpoint's
 *   counters and the log disagree and nothing is truncated.
 */
export async function truncateMetrics(path: string, timesteps: number): Promise<number> {
  const lines = await readMetrics(path);
  const kept = lines.filter((l) => l.timesteps <= timesteps);
  const dropped = lines.length - kept.length;
  if (dropped === 0) return 0;
  if (!lines.some((l) => l.timesteps === timesteps)) {
    throw new Error(
      `${path}: the checkpoint is at ${timesteps} steps, but the log has no update ending ` +
        `there (it has ${lines.length} lines, up to ${lines.at(-1)!.timesteps} steps); the ` +
        `checkpoint's counters and the log disagree, so nothing was changed`,
    );
  }
  await writeFileAtomic(
    path,
    kept.map((l) => JSON.stringify(l)).join("\n") + (kept.length ? "\n" : ""),
  );
  return dropped;
}

/** True when `dir` exists and holds at least one entry. */
export async function isNonEmptyDir(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return true;
    return false;
  } catch {
    return false;
  }
}

/** The marker file by which a process claims a run folder (see {@link freshDir}). */
export const CLAIM_FILE = ".ascent-run";

/**
 * Claims `dir` for this process, atomically: creates the folder if needed and then the
 * marker file {@link CLAIM_FILE} with create-exclusive semantics (`createNew`), which the
 * file system grants to exactly one caller. Returns false when `dir` already holds
 * anything (another run, or another process that claimed it first).
 */
export async function claimDir(dir: string): Promise<boolean> {
  await Deno.mkdir(dir, { recursive: true });
  if (await isNonEmptyDir(dir)) return false;
  try {
    const f = await Deno.open(`${dir.replace(/\/+$/, "")}/${CLAIM_FILE}`, {
      write: true,
      createNew: true,
    });
    await f.write(new TextEncoder().encode(`${JSON.stringify({ pid: Deno.pid })}\n`));
    f.close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  }
}

/**
 * `base`, or `base-2`, `base-3`, … — the first that this process could claim
 * ({@link claimDir}). Parallel runs with the same name therefore always get different
 * folders, in one process or several.
 */
export async function freshDir(base: string): Promise<string> {
  for (let i = 1;; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    if (await claimDir(dir)) return dir;
  }
}

/**
 * Removes what a previous run left in `dir` (for `train --force`): the files a run writes
 * (`config.json`, `metrics.jsonl`, `summary.json`, `learning-curve.svg`, `policy.onnx`,
 * the claim marker) and `checkpoint/`. Other files are left alone. Returns the names
 * removed.
 */
export async function clearRunOutputs(dir: string): Promise<string[]> {
  const p = runPaths(dir);
  const d = dir.replace(/\/+$/, "");
  const removed: string[] = [];
  for (const path of [p.config, p.metrics, p.summary, p.curve, p.onnx, `${d}/${CLAIM_FILE}`]) {
    try {
      await Deno.remove(path);
      removed.push(path.slice(d.length + 1));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  try {
    await Deno.remove(p.checkpoint, { recursive: true });
    removed.push("checkpoint/");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}

/**
 * What checkpoint a run folder holds, in words for messages: "the last checkpoint, at N
 * steps, is kept in DIR/checkpoint", or that there is none (or that it cannot be read).
 */
export async function describeCheckpoint(dir: string): Promise<string> {
  const path = agentCheckpointPath(dir); // a run folder or an agent.save folder
  try {
    await Deno.stat(path);
  } catch {
    return `no checkpoint was written yet (none in ${runPaths(dir).checkpoint})`;
  }
  try {
    const meta = (await loadCheckpoint(path)).metadata as { timesteps?: unknown };
    return `the last checkpoint, at ${String(meta?.timesteps)} steps, is kept in ` +
      `${runPaths(dir).checkpoint}`;
  } catch (error) {
    return `the checkpoint in ${runPaths(dir).checkpoint} cannot be read: ${
      (error as Error).message
    }`;
  }
}

/** Canonical JSON (sorted keys), for comparing configurations read from two files. */
function canonical(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) =>
      x && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
        : x,
  );
}

/**
 * Checks that the run folder's checkpoint belongs to the run: the algorithm, the
 * environment and every hyper-parameter (network shape included) in the checkpoint equal
 * those of `config.json`. Called before anything is written, so a checkpoint copied from
 * another run cannot be trained, reported or exported under this run's name.
 * @throws Error naming both files and each field that differs.
 */
export async function assertCheckpointMatchesRun(dir: string, run: RunConfig): Promise<void> {
  const path = agentCheckpointPath(dir); // a run folder or an agent.save folder
  const meta = (await loadCheckpoint(path)).metadata as {
    algo?: unknown;
    config?: Record<string, unknown>;
  } | null;
  const ck = meta?.config ?? {};
  const diffs: string[] = [];
  if (meta?.algo !== run.algo) diffs.push(`algorithm ${String(meta?.algo)} (run: ${run.algo})`);
  if (ck.env !== run.env) diffs.push(`env ${String(ck.env)} (run: ${run.env})`);
  const keys = new Set([...Object.keys(ck), ...Object.keys(run.config)]);
  for (const key of [...keys].sort()) {
    if (key === "env") continue;
    const a = canonical(ck[key]);
    const b = canonical(run.config[key]);
    if (a !== b) diffs.push(`${key} ${a ?? "(absent)"} (run: ${b ?? "(absent)"})`);
  }
  if (diffs.length > 0) {
    throw new Error(
      `${path} does not belong to the run in ${runPaths(dir).config}: ${diffs.join("; ")}`,
    );
  }
}
