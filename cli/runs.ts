/**
 * `deno task runs [DIR…]`: lists the run folders under each DIR (default `runs/`), one line
 * each: name, algorithm, environment, seed, environment steps trained, date and the final
 * evaluation, newest first. A folder whose run has not finished (no `summary.json`) shows
 * the steps of its last metrics line and `(unfinished)`. `--json` prints one JSON object
 * per run instead.
 * @module
 */
import { parseCommandLine, runMain } from "./args.ts";
import { readMetrics, readRunConfig, runPaths } from "./run_folder.ts";

const HELP = `deno task runs [DIR…] [--json]

Lists the run folders under each DIR (default runs/), newest first: name, algorithm,
environment, seed, steps trained, date and the final evaluation (mean ± std of the
deterministic evaluation episodes).

  --json       one JSON object per run instead of the table
  -h, --help   this text
`;

/** One listed run. */
export interface RunListing {
  /** The run folder. */
  dir: string;
  /** Algorithm name. */
  algo: string;
  /** Environment id. */
  env: string;
  /** Seed. */
  seed: number;
  /** Environment steps trained (from the summary, or the last metrics line). */
  timesteps: number;
  /** Steps asked for. */
  steps: number;
  /** When the run last wrote its summary (or its config), ISO 8601. */
  date: string;
  /** Mean return of the final evaluation (`null` when the run has not finished). */
  evalMeanReturn: number | null;
  /** Standard deviation of the final evaluation's returns. */
  evalStdReturn: number | null;
  /** True when `summary.json` exists. */
  finished: boolean;
}

/** Reads every run folder directly under `root`; folders without a `config.json` are skipped. */
export async function listRuns(root: string): Promise<RunListing[]> {
  const out: RunListing[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isDirectory) continue;
    const dir = `${root.replace(/\/+$/, "")}/${entry.name}`;
    const paths = runPaths(dir);
    let run;
    try {
      run = await readRunConfig(dir);
    } catch {
      continue; // not a run folder
    }
    let summary: Record<string, unknown> | null = null;
    let stat = await Deno.stat(paths.config);
    try {
      summary = JSON.parse(await Deno.readTextFile(paths.summary));
      stat = await Deno.stat(paths.summary);
    } catch { /* unfinished */ }
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    const lastMetrics = summary === null ? (await readMetrics(paths.metrics)).at(-1) : undefined;
    out.push({
      dir,
      algo: run.algo,
      env: run.env,
      seed: run.seed,
      steps: run.steps,
      timesteps: num(summary?.timesteps) ?? lastMetrics?.timesteps ?? 0,
      date: (stat.mtime ?? new Date(0)).toISOString(),
      evalMeanReturn: num(summary?.evalMeanReturn),
      evalStdReturn: num(summary?.evalStdReturn),
      finished: summary !== null,
    });
  }
  return out.sort((a, b) => b.date.localeCompare(a.date) || a.dir.localeCompare(b.dir));
}

/** The table `deno task runs` prints. */
export function formatRunTable(runs: RunListing[]): string {
  const header = ["run", "algo", "env", "seed", "steps", "date", "final eval"];
  const rows = runs.map((r) => [
    r.dir,
    r.algo,
    r.env,
    String(r.seed),
    String(r.timesteps),
    r.date.slice(0, 16).replace("T", " "),
    r.finished && r.evalMeanReturn !== null
      ? `${r.evalMeanReturn.toFixed(2)} ± ${(r.evalStdReturn ?? 0).toFixed(2)}`
      : "(unfinished)",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    "runs",
    true,
  );
  if (values.help) return console.log(HELP);
  const roots = positionals.length > 0 ? positionals : ["runs"];
  const runs = (await Promise.all(roots.map(listRuns))).flat();
  if (values.json) {
    for (const r of runs) console.log(JSON.stringify(r));
    return;
  }
  if (runs.length === 0) {
    console.log(`no run folders in ${roots.join(", ")} (deno task train writes runs/…)`);
    return;
  }
  console.log(formatRunTable(runs));
}

if (import.meta.main) await runMain(() => main(Deno.args));
