/**
 * The stored results of `bench/learn.ts`: one JSON file per suite
 * (`bench/results/learn-<suite>.json`, `learn-<suite>-quick.json` for `--quick`) holding
 * every run ever measured, so a suite far too long for one sitting is measured piece by
 * piece. A run is keyed by algorithm (its row label), environment, seed and steps: a rerun
 * replaces its own entry and leaves every other one. The file is rewritten atomically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type LearnRecord, mergeRecords } from "./learn_store.ts";
 * const run = (seed: number, evalMean: number): LearnRecord => ({
 *   algo: "ppo", preset: "Hopper-v5", env: "Hopper-v5", seed, steps: 1000, evalMean,
 *   evalStd: 0, evalEpisodes: 20, stepsToThreshold: null, secondsToThreshold: null,
 *   sps: 1, wallSeconds: 1, date: "2026-01-01T00:00:00Z", commit: null, envWorkers: 0,
 * });
 * const merged = mergeRecords([run(1, 5), run(2, 6)], [run(1, 7)]);
 * assert.deepEqual(merged.map((r) => [r.seed, r.evalMean]), [[1, 7], [2, 6]]);
 * ```
 * @module
 */
import { writeFileAtomic } from "../policies/atomic.ts";

/** One training run's raw result. */
export interface LearnRecord {
  /** The row label (the algorithm, or `algo (preset)`). */
  algo: string;
  /** The preset applied (an environment id, a named preset, or `default`). */
  preset: string;
  /** The environment id. */
  env: string;
  /** The seed. */
  seed: number;
  /** Environment steps trained. */
  steps: number;
  /** Mean return of the final deterministic evaluation. */
  evalMean: number;
  /** Its standard deviation over episodes. */
  evalStd: number;
  /** Episodes of the final evaluation. */
  evalEpisodes: number;
  /** Steps at which the recent training return first reached the threshold, or null. */
  stepsToThreshold: number | null;
  /** Wall seconds at that point, or null. */
  secondsToThreshold: number | null;
  /** Training steps per second (evaluation excluded). */
  sps: number;
  /** Training wall seconds. */
  wallSeconds: number;
  /** When the run ended (ISO 8601). */
  date: string;
  /** The git commit the run was made at, when known. */
  commit: string | null;
  /** Workers stepping the training copies (0: in process). */
  envWorkers: number;
}

/** The key a rerun replaces: algorithm, environment, seed, steps. */
export function recordKey(r: Pick<LearnRecord, "algo" | "env" | "seed" | "steps">): string {
  return `${r.algo}@${r.env}#${r.seed}/${r.steps}`;
}

/** `stored` with every record of `fresh` added, replacing stored ones of the same key. */
export function mergeRecords(stored: LearnRecord[], fresh: LearnRecord[]): LearnRecord[] {
  const byKey = new Map(stored.map((r) => [recordKey(r), r]));
  for (const r of fresh) byKey.set(recordKey(r), r);
  return [...byKey.values()].sort((a, b) =>
    a.env.localeCompare(b.env) || a.algo.localeCompare(b.algo) || a.steps - b.steps ||
    a.seed - b.seed
  );
}

/** Reads the records at `path` (none when the file does not exist). */
export async function readRecords(path: string): Promise<LearnRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const data = JSON.parse(text) as { runs?: unknown };
  if (!Array.isArray(data.runs)) {
    throw new Error(`${path}: must be a JSON object with an array "runs"`);
  }
  return data.runs as LearnRecord[];
}

/** Merges `fresh` into the file at `path` (atomically) and returns all its records. */
export async function storeRecords(path: string, fresh: LearnRecord[]): Promise<LearnRecord[]> {
  const all = mergeRecords(await readRecords(path), fresh);
  await Deno.mkdir(new URL(".", `file://${path}`).pathname, { recursive: true });
  // Two-space JSON, as `deno fmt` writes it, so the committed file stays formatted.
  await writeFileAtomic(path, JSON.stringify({ runs: all }, null, 2) + "\n");
  return all;
}

/** The short commit of the working tree, or null outside git. */
export async function currentCommit(): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "--short", "HEAD"],
      cwd: new URL(".", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}
