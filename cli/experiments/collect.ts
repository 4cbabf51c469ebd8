/**
 * Collecting runs for `compare`: every run folder (a `config.json` of format
 * `ascent-run/1`) found in the given folders, recursively — single runs, sweep folders,
 * folders of sweeps — with its final evaluation (`summary.json`), its learning curves
 * (`eval.jsonl` when periodic evaluation ran, and the training curve from
 * `metrics.jsonl`) and its settings.
 *
 * Runs are grouped by algorithm × environment × settings, where the settings are the
 * run fields and hyper-parameters that differ between runs of the same algorithm and
 * environment (the seed never counts): a sweep's groups are its swept values, and two
 * loose runs that differ only by seed fall into one group.
 * @module
 */
import { readMetrics } from "../run_folder.ts";
import { readEvalLog } from "./run_eval.ts";
import type { Curve } from "./statistics.ts";

/** One collected run. */
export interface RunRecord {
  /** Its folder. */
  dir: string;
  /** Algorithm. */
  algo: string;
  /** Environment id. */
  env: string;
  /** Seed. */
  seed: number;
  /** Run fields and hyper-parameters, flattened (`steps`, `preset`, `config.gamma`, …). */
  fields: Record<string, unknown>;
  /** Mean return of the final evaluation (`null`: the run did not finish). */
  finalEval: number | null;
  /** Environment steps trained. */
  timesteps: number;
  /** The environment's reward threshold, when it has one. */
  threshold: number | null;
  /** The periodic evaluations (mean return against steps); empty without them. */
  evalCurve: Curve;
  /** The training curve (mean return of recent episodes against steps). */
  trainCurve: Curve;
}

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return null;
  }
}

/** Finds run folders under `root` (itself included), depth-first, sorted by path. */
export async function findRunDirs(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, depth: number) => {
    const config = await readJson(`${dir}/config.json`);
    if (config?.format === "ascent-run/1") {
      out.push(dir);
      return;
    }
    if (depth > 4) return;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (
        e.isDirectory && !e.name.startsWith(".") && e.name !== "checkpoint" && e.name !== "best"
      ) {
        await visit(`${dir}/${e.name}`, depth + 1);
      }
    }
  };
  const stat = await Deno.stat(root).catch(() => null);
  if (!stat?.isDirectory) throw new Error(`${root}: not a folder (expected a run or sweep folder)`);
  await visit(root.replace(/\/+$/, ""), 0);
  return out;
}

/** Reads one run folder. */
export async function readRun(dir: string): Promise<RunRecord> {
  const config = (await readJson(`${dir}/config.json`))!;
  const summary = await readJson(`${dir}/summary.json`);
  const hyper = (config.config ?? {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = {
    steps: config.steps,
    preset: config.preset ?? null,
  };
  for (const [k, v] of Object.entries(hyper)) {
    if (k === "seed" || k === "env") continue;
    fields[`config.${k}`] = v;
  }
  const evals = await readEvalLog(`${dir}/eval.jsonl`);
  const metrics = await readMetrics(`${dir}/metrics.jsonl`);
  const train = metrics.filter((m) => m.recentReturnMean !== null);
  return {
    dir,
    algo: String(config.algo),
    env: String(config.env),
    seed: Number(config.seed),
    fields,
    finalEval: typeof summary?.evalMeanReturn === "number" ? summary.evalMeanReturn : null,
    timesteps: typeof summary?.timesteps === "number"
      ? summary.timesteps
      : (metrics.at(-1)?.timesteps ?? 0),
    threshold: typeof summary?.rewardThreshold === "number" ? summary.rewardThreshold : null,
    evalCurve: { x: evals.map((e) => e.timesteps), y: evals.map((e) => e.mean) },
    trainCurve: { x: train.map((m) => m.timesteps), y: train.map((m) => m.recentReturnMean!) },
  };
}

/** A group of runs that differ only by seed. */
export interface RunGroup {
  /** `algo env settings`, unique. */
  key: string;
  /** Algorithm. */
  algo: string;
  /** Environment id. */
  env: string;
  /** The settings that tell this group from the others of its algorithm and env. */
  settings: Record<string, unknown>;
  /** `key=value` text of the settings (empty when none). */
  settingsLabel: string;
  /** The runs, by seed. */
  runs: RunRecord[];
}

function shortKey(k: string): string {
  return k.startsWith("config.") ? k.slice(7) : k;
}

/** Groups runs by algorithm × environment × differing settings (see the module doc). */
export function groupRuns(runs: readonly RunRecord[]): RunGroup[] {
  const byAlgoEnv = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const k = `${r.algo}\u0000${r.env}`;
    byAlgoEnv.set(k, [...(byAlgoEnv.get(k) ?? []), r]);
  }
  const groups = new Map<string, RunGroup>();
  for (const list of byAlgoEnv.values()) {
    const keys = new Set(list.flatMap((r) => Object.keys(r.fields)));
    const differing = [...keys].filter((k) =>
      new Set(list.map((r) => JSON.stringify(r.fields[k] ?? null))).size > 1
    );
    for (const r of list) {
      const settings: Record<string, unknown> = {};
      for (const k of differing) settings[shortKey(k)] = r.fields[k] ?? null;
      const settingsLabel = Object.entries(settings).map(([k, v]) =>
        `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
      ).join(" ");
      const key = [r.algo, r.env, settingsLabel].filter(Boolean).join(" ");
      const g = groups.get(key) ??
        { key, algo: r.algo, env: r.env, settings, settingsLabel, runs: [] };
      g.runs.push(r);
      groups.set(key, g);
    }
  }
  for (const g of groups.values()) g.runs.sort((a, b) => a.seed - b.seed);
  return [...groups.values()];
}
