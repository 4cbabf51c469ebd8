/**
 * `deno task compare DIR…`: aggregates run folders and sweep folders (see
 * `experiments/collect.ts`) per algorithm × environment × settings over seeds, prints the
 * table (mean, median, IQM, std with 95 % stratified-bootstrap intervals of the final
 * evaluation and of the area under the learning curve) and the ranking by IQM, and writes
 * `compare.md`, `compare.csv`, `compare.json`, one `learning-curves-<env>.svg` per
 * environment and `performance-profile.svg`.
 * @module
 */
import { parseCommandLine, runMain, UsageError } from "./args.ts";
import { findRunDirs, groupRuns, readRun } from "./experiments/collect.ts";
import { buildReport } from "./experiments/compare_report.ts";
import { writeFileAtomic } from "../policies/atomic.ts";

const HELP = `deno task compare DIR... [flags]

Compares runs: every run folder under the DIRs (run folders, sweep folders), grouped by
algorithm x environment x settings, over seeds.

  --out DIR       where to write the report (default: DIR/compare for one DIR, else compare/)
  --reps N        bootstrap resamples (default 2000)
  --seed N        seed of the bootstrap (default 0; the same seed gives the same intervals)
  --confidence C  interval level (default 0.95)
  --quiet         write the files, print only their paths
  -h, --help      this text
`;

const OPTIONS = {
  out: { type: "string" },
  reps: { type: "string" },
  seed: { type: "string" },
  confidence: { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function numberFlag(
  v: string | undefined,
  flag: string,
  check: (n: number) => boolean,
  what: string,
) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!check(n)) throw new UsageError(flag, `must be ${what}, got "${v}"`);
  return n;
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "compare", true);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length === 0) {
    throw new UsageError("compare", "expected run or sweep folders; see --help");
  }
  const reps = numberFlag(
    values.reps,
    "--reps",
    (n) => Number.isSafeInteger(n) && n >= 1,
    "a positive integer",
  );
  const seed = numberFlag(values.seed, "--seed", Number.isSafeInteger, "an integer");
  const confidence = numberFlag(
    values.confidence,
    "--confidence",
    (n) => n > 0 && n < 1,
    "in (0, 1)",
  );
  const dirs: string[] = [];
  for (const p of positionals) dirs.push(...(await findRunDirs(p)));
  if (dirs.length === 0) throw new Error(`no run folders under ${positionals.join(", ")}`);
  const runs = await Promise.all([...new Set(dirs)].map(readRun));
  const groups = groupRuns(runs);
  const report = buildReport(groups, { reps, seed, confidence });
  const out = values.out ??
    (positionals.length === 1 ? `${positionals[0].replace(/\/+$/, "")}/compare` : "compare");
  await Deno.mkdir(out, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, text: string) => {
    await writeFileAtomic(`${out}/${name}`, text);
    written.push(`${out}/${name}`);
  };
  await write("compare.md", report.markdown);
  await write("compare.csv", report.csv);
  await write(
    "compare.json",
    JSON.stringify(
      {
        format: "ascent-compare/1",
        reps: reps ?? 2000,
        seed: seed ?? 0,
        confidence: confidence ?? 0.95,
        groups: report.rows,
      },
      null,
      2,
    ) + "\n",
  );
  for (const [env, svg] of report.curves) {
    await write(`learning-curves-${env.replaceAll("/", "_")}.svg`, svg);
  }
  await write("performance-profile.svg", report.profile);
  const unfinished = runs.filter((r) => r.finalEval === null).length;
  if (!values.quiet) {
    console.log(
      `${runs.length} runs in ${groups.length} groups${
        unfinished ? ` (${unfinished} unfinished, left out of the statistics)` : ""
      }\n`,
    );
    console.log(report.text);
  }
  console.log(`wrote:\n${written.map((p) => `  ${p}`).join("\n")}`);
}

if (import.meta.main) await runMain(() => main(Deno.args));
