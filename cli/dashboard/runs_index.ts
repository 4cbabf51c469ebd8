/**
 * What the dashboard knows of the folders it was pointed at: run folders (a `config.json`)
 * and sweep folders (a `sweep.json`, whose run folders sit beneath it), found directly in
 * each DIR or one level below, and the growing logs of each run.
 *
 * A run's status is `done` once `summary.json` exists, `training` while `metrics.jsonl`
 * (or `eval.jsonl`) changed in the last {@link ACTIVE_SECONDS} seconds, else `stopped`.
 *
 * {@link LogTail} follows a JSON-lines file that only grows: each `read()` returns the
 * complete lines appended since the last call (a torn last line waits for its newline), and
 * starts over when the file shrank (a resumed run truncates its metrics).
 * @module
 */
import { readRunConfig, runPaths } from "../run_folder.ts";

/** Seconds since the last write for a run without a summary to count as training. */
export const ACTIVE_SECONDS = 30;

/** One run as the dashboard lists it. */
export interface RunEntry {
  /** Stable id (the folder's path, URL-safe). */
  id: string;
  /** The run folder. */
  dir: string;
  /** Its last path component. */
  name: string;
  /** The sweep folder it belongs to, if any. */
  sweep: string | null;
  /** Algorithm. */
  algo: string;
  /** Environment id. */
  env: string;
  /** Seed. */
  seed: number;
  /** done, training or stopped. */
  status: "done" | "training" | "stopped";
  /** Environment steps asked for. */
  steps: number;
  /** Environment steps reached (summary, else the last metrics line). */
  timesteps: number;
  /** Mean return of the final evaluation. */
  evalMean: number | null;
  /** Its standard deviation. */
  evalStd: number | null;
  /** Whether `policy.onnx` exists (the live page needs it). */
  hasOnnx: boolean;
  /** Whether a checkpoint exists (the replay needs it). */
  hasCheckpoint: boolean;
  /** Last modification of the run's files (ISO 8601). */
  updated: string;
}

/** A run folder's id: its path with characters outside [A-Za-z0-9._-] made `~xx`. */
export function runId(dir: string): string {
  return dir.replace(
    /[^A-Za-z0-9._-]/g,
    (c) => `~${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function mtime(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch {
    return 0;
  }
}

async function lastLine(path: string): Promise<Record<string, unknown> | null> {
  try {
    const file = await Deno.open(path, { read: true });
    try {
      const size = (await file.stat()).size;
      const len = Math.min(size, 16_384);
      await file.seek(size - len, Deno.SeekMode.Start);
      const buf = new Uint8Array(len);
      let got = 0;
      while (got < len) {
        const n = await file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      const lines = new TextDecoder().decode(buf.subarray(0, got)).split("\n").filter((l) =>
        l.trim() !== ""
      );
      for (let i = lines.length - 1; i >= 0; i--) {
        try {
          return JSON.parse(lines[i]);
        } catch { /* torn or partial */ }
      }
      return null;
    } finally {
      file.close();
    }
  } catch {
    return null;
  }
}

/** Reads one run folder; `null` when `dir` is not one. */
export async function readRunEntry(dir: string, sweep: string | null): Promise<RunEntry | null> {
  let run;
  try {
    run = await readRunConfig(dir);
  } catch {
    return null;
  }
  const paths = runPaths(dir);
  let summary: Record<string, unknown> | null = null;
  try {
    summary = JSON.parse(await Deno.readTextFile(paths.summary));
  } catch { /* unfinished */ }
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const changed = Math.max(
    await mtime(paths.metrics),
    await mtime(`${dir}/eval.jsonl`),
    await mtime(paths.config),
  );
  const last = summary === null ? await lastLine(paths.metrics) : null;
  const status = summary !== null
    ? "done"
    : Date.now() - changed < ACTIVE_SECONDS * 1000
    ? "training"
    : "stopped";
  return {
    id: runId(dir),
    dir,
    name: dir.split("/").at(-1) ?? dir,
    sweep,
    algo: run.algo,
    env: run.env,
    seed: run.seed,
    status,
    steps: run.steps,
    timesteps: num(summary?.timesteps) ?? num(last?.timesteps) ?? 0,
    evalMean: num(summary?.evalMeanReturn),
    evalStd: num(summary?.evalStdReturn),
    hasOnnx: await exists(paths.onnx),
    hasCheckpoint: await exists(`${paths.checkpoint}/checkpoint.safetensors`),
    updated: new Date(Math.max(changed, await mtime(paths.summary))).toISOString(),
  };
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const out: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.isDirectory) out.push(`${dir}/${e.name}`);
    return out.sort();
  } catch {
    return [];
  }
}

/**
 * Every run under `roots`: a root that is a run folder, the run folders directly inside a
 * root, and those inside sweep folders (a root, or a folder of a root, with `sweep.json`).
 * Sorted by sweep, then environment, algorithm, seed and folder.
 */
export async function scanRuns(roots: string[]): Promise<RunEntry[]> {
  const seen = new Set<string>();
  const out: RunEntry[] = [];
  const add = async (dir: string, sweep: string | null) => {
    if (seen.has(dir)) return;
    const entry = await readRunEntry(dir, sweep);
    if (entry) {
      seen.add(dir);
      out.push(entry);
    }
  };
  for (const raw of roots) {
    const root = raw.replace(/\/+$/, "") || ".";
    if (await exists(`${root}/config.json`)) {
      await add(root, null);
      continue;
    }
    if (await exists(`${root}/sweep.json`)) {
      for (const d of await subfolders(root)) await add(d, root);
      continue;
    }
    for (const d of await subfolders(root)) {
      if (await exists(`${d}/sweep.json`)) {
        for (const t of await subfolders(d)) await add(t, d);
      } else await add(d, null);
    }
  }
  return out.sort((a, b) =>
    (a.sweep ?? "").localeCompare(b.sweep ?? "") || a.env.localeCompare(b.env) ||
    a.algo.localeCompare(b.algo) || a.seed - b.seed || a.dir.localeCompare(b.dir)
  );
}

/** Follows a JSON-lines file that grows (see the module doc). */
export class LogTail {
  /** The file followed. */
  readonly path: string;
  #offset = 0;
  #pending = "";

  /** Follows `path` from its beginning. */
  constructor(path: string) {
    this.path = path;
  }

  /**
   * The complete lines appended since the last call, parsed (unparsable lines skipped), and
   * whether the file was truncated (then the lines are the whole file again).
   */
  async read(): Promise<{ lines: Record<string, unknown>[]; reset: boolean }> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.path, { read: true });
    } catch {
      return { lines: [], reset: false };
    }
    try {
      const size = (await file.stat()).size;
      let reset = false;
      if (size < this.#offset) {
        this.#offset = 0;
        this.#pending = "";
        reset = true;
      }
      if (size === this.#offset) return { lines: [], reset };
      await file.seek(this.#offset, Deno.SeekMode.Start);
      const buf = new Uint8Array(size - this.#offset);
      let got = 0;
      while (got < buf.length) {
        const n = await file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      this.#offset += got;
      const text = this.#pending + new TextDecoder().decode(buf.subarray(0, got));
      const cut = text.lastIndexOf("\n");
      this.#pending = cut < 0 ? text : text.slice(cut + 1);
      const lines: Record<string, unknown>[] = [];
      for (const line of (cut < 0 ? "" : text.slice(0, cut)).split("\n")) {
        if (line.trim() === "") continue;
        try {
          lines.push(JSON.parse(line));
        } catch { /* not JSON */ }
      }
      return { lines, reset };
    } finally {
      file.close();
    }
  }
}
