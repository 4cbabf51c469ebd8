/**
 * The comparison of run groups: per group (algorithm × environment × settings) over its
 * seeds, the mean, median, IQM and standard deviation of the final evaluation and of the
 * area under the learning curve, with 95 % stratified-bootstrap intervals (seeded); the
 * table as Markdown and CSV; each environment's groups ranked by the IQM of the final
 * evaluation; and the two plots (learning curves with bands, performance profile). Pure:
 * no Deno APIs.
 *
 * The learning curve of a group is its runs' periodic evaluations when every run has
 * them, else their training curves (mean return of the recent episodes); its area is the
 * normalised area of `statistics.ts` (mean return over training), computed per run.
 * @module
 */
import type { RunGroup } from "./collect.ts";
import {
  aggregateCurves,
  areaUnderCurve,
  type BootstrapOptions,
  type Curve,
  iqm,
  median,
  performanceProfile,
  type SampleSummary,
  summarize,
} from "./statistics.ts";
import { formatTick, lineChart, type Series } from "./svg_plot.ts";

/** One row of the comparison. */
export interface GroupStats {
  /** The group key. */
  key: string;
  /** Algorithm. */
  algo: string;
  /** Environment. */
  env: string;
  /** Settings label. */
  settings: string;
  /** Seeds in the group (finished runs). */
  seeds: number[];
  /** Which curve the area is of. */
  curve: "eval" | "train";
  /** Final evaluation over the seeds. */
  final: SampleSummary;
  /** Area under the learning curve over the seeds. */
  auc: SampleSummary;
  /** Median steps trained. */
  steps: number;
  /** The env's threshold. */
  threshold: number | null;
  /** Rank within the environment by final IQM (1 = best). */
  rank: number;
  /** Runs left out because they did not finish. */
  unfinished: number;
}

function curveOf(group: RunGroup): { kind: "eval" | "train"; curves: Curve[] } {
  const done = group.runs;
  const withEval = done.every((r) => r.evalCurve.x.length > 0);
  return withEval
    ? { kind: "eval", curves: done.map((r) => r.evalCurve) }
    : { kind: "train", curves: done.map((r) => r.trainCurve) };
}

/** The statistics of every group, ranked per environment. */
export function compareGroups(
  groups: readonly RunGroup[],
  options: BootstrapOptions = {},
): GroupStats[] {
  const rows: GroupStats[] = groups.map((g, i) => {
    const finished = g.runs.filter((r) => r.finalEval !== null);
    const { kind, curves } = curveOf({ ...g, runs: finished });
    const opts = { ...options, seed: (options.seed ?? 0) + 1000 * i };
    return {
      key: g.key,
      algo: g.algo,
      env: g.env,
      settings: g.settingsLabel,
      seeds: finished.map((r) => r.seed),
      curve: kind,
      final: summarize(finished.map((r) => r.finalEval!), opts),
      auc: summarize(curves.map(areaUnderCurve).filter(Number.isFinite), opts),
      steps: median(finished.map((r) => r.timesteps)),
      threshold: g.runs[0]?.threshold ?? null,
      rank: 0,
      unfinished: g.runs.length - finished.length,
    };
  });
  for (const env of new Set(rows.map((r) => r.env))) {
    const list = rows.filter((r) => r.env === env && r.final.n > 0)
      .sort((a, b) => b.final.iqm - a.final.iqm);
    list.forEach((r, k) => (r.rank = k + 1));
  }
  return rows.sort((a, b) =>
    a.env.localeCompare(b.env) || (a.rank || Infinity) - (b.rank || Infinity)
  );
}

const n2 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "—");
const ci = (c: [number, number]) => `[${n2(c[0])}, ${n2(c[1])}]`;

/** Column names of the table. */
export const TABLE_COLUMNS: readonly string[] = [
  "rank",
  "env",
  "algo",
  "settings",
  "seeds",
  "final mean [95% CI]",
  "final median",
  "final IQM [95% CI]",
  "final std",
  "AUC mean [95% CI]",
  "AUC IQM [95% CI]",
  "curve",
];

/** The table rows as text cells. */
export function tableCells(rows: readonly GroupStats[]): string[][] {
  return rows.map((r) => [
    r.rank ? String(r.rank) : "—",
    r.env,
    r.algo,
    r.settings || "—",
    `${r.final.n}${r.unfinished ? ` (+${r.unfinished} unfinished)` : ""}`,
    `${n2(r.final.mean)} ${ci(r.final.meanCi)}`,
    n2(r.final.median),
    `${n2(r.final.iqm)} ${ci(r.final.iqmCi)}`,
    n2(r.final.std),
    `${n2(r.auc.mean)} ${ci(r.auc.meanCi)}`,
    `${n2(r.auc.iqm)} ${ci(r.auc.iqmCi)}`,
    r.curve,
  ]);
}

/** A Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  return [
    `| ${header.map(esc).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n") + "\n";
}

/** A fixed-width text table for the terminal. */
export function textTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") +
    "\n";
}

/** The CSV of the comparison: one row per group, numbers unrounded, intervals as two columns. */
export function comparisonCsv(rows: readonly GroupStats[]): string {
  const header = [
    "rank",
    "env",
    "algo",
    "settings",
    "n",
    "seeds",
    "curve",
    "steps",
    "final_mean",
    "final_mean_ci_lo",
    "final_mean_ci_hi",
    "final_median",
    "final_iqm",
    "final_iqm_ci_lo",
    "final_iqm_ci_hi",
    "final_std",
    "auc_mean",
    "auc_mean_ci_lo",
    "auc_mean_ci_hi",
    "auc_median",
    "auc_iqm",
    "auc_iqm_ci_lo",
    "auc_iqm_ci_hi",
    "auc_std",
  ];
  const cell = (v: unknown) => {
    const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v ?? "");
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = rows.map((r) =>
    [
      r.rank || "",
      r.env,
      r.algo,
      r.settings,
      r.final.n,
      r.seeds.join(" "),
      r.curve,
      r.steps,
      r.final.mean,
      ...r.final.meanCi,
      r.final.median,
      r.final.iqm,
      ...r.final.iqmCi,
      r.final.std,
      r.auc.mean,
      ...r.auc.meanCi,
      r.auc.median,
      r.auc.iqm,
      ...r.auc.iqmCi,
      r.auc.std,
    ].map(cell).join(",")
  );
  return [header.join(","), ...lines].join("\n") + "\n";
}

/** The ranking section: per environment, groups by final IQM with intervals. */
export function rankingText(rows: readonly GroupStats[]): string {
  const out: string[] = [];
  for (const env of new Set(rows.map((r) => r.env))) {
    const list = rows.filter((r) => r.env === env && r.rank > 0).sort((a, b) => a.rank - b.rank);
    if (list.length === 0) continue;
    out.push(`${env}: best by IQM of the final evaluation`);
    for (const r of list) {
      out.push(
        `  ${r.rank}. ${[r.algo, r.settings].filter(Boolean).join(" ")}: IQM ${n2(r.final.iqm)} ${
          ci(r.final.iqmCi)
        } over ${r.final.n} seed${r.final.n === 1 ? "" : "s"}`,
      );
    }
  }
  return out.join("\n") + (out.length ? "\n" : "");
}

/** The overlaid learning curves of one environment's groups (IQM with 95 % bands). */
export function learningCurvesSvg(
  env: string,
  groups: readonly RunGroup[],
  rows: readonly GroupStats[],
  options: BootstrapOptions = {},
): string {
  const series: Series[] = [];
  const kinds = new Set<string>();
  for (const g of groups.filter((g) => g.env === env)) {
    const row = rows.find((r) => r.key === g.key);
    const finished = g.runs.filter((r) => r.finalEval !== null);
    const { kind, curves } = curveOf({ ...g, runs: finished.length ? finished : g.runs });
    kinds.add(kind);
    const band = aggregateCurves(curves, iqm, { ...options, points: 60 });
    series.push({
      label: [g.algo, g.settingsLabel].filter(Boolean).join(" ") + ` (n=${curves.length})`,
      points: band,
      marker: row && row.final.n > 0
        ? { x: row.steps, y: row.final.iqm, lo: row.final.iqmCi[0], hi: row.final.iqmCi[1] }
        : undefined,
    });
  }
  const threshold = rows.find((r) => r.env === env)?.threshold ?? null;
  const which = kinds.size === 1 && kinds.has("eval")
    ? "periodic evaluation"
    : kinds.has("eval")
    ? "evaluation or training return"
    : "training return (recent episodes)";
  return lineChart({
    title: `${env}: learning curves`,
    xFromZero: true,
    xLabel: "environment steps",
    yLabel: `episode return, ${which}`,
    series,
    hLine: threshold === null
      ? undefined
      : { y: threshold, label: `threshold ${formatTick(threshold)}` },
    note: "lines: IQM over seeds\nbands: 95 % bootstrap CI",
  });
}

/**
 * The scores of a performance profile: per method (algorithm + settings), per environment,
 * the final evaluations, normalised as {@link performanceProfileSvg} says when there are
 * several environments.
 */
export function profileScores(
  rows: readonly GroupStats[],
  groups: readonly RunGroup[],
): Map<string, Map<string, number[]>> {
  const envs = [...new Set(groups.map((g) => g.env))];
  const norm = new Map<string, (x: number) => number>();
  for (const env of envs) {
    const scores = groups.filter((g) => g.env === env).flatMap((g) =>
      g.runs.flatMap((r) => (r.finalEval === null ? [] : [r.finalEval]))
    );
    const lo = Math.min(...scores);
    const threshold = rows.find((r) => r.env === env)?.threshold ?? null;
    const hi = threshold !== null && threshold > lo ? threshold : Math.max(...scores);
    norm.set(env, envs.length === 1 ? (x) => x : (x) => (hi > lo ? (x - lo) / (hi - lo) : 1));
  }
  const methods = new Map<string, Map<string, number[]>>();
  for (const g of groups) {
    const name = [g.algo, g.settingsLabel].filter(Boolean).join(" ");
    const byEnv = methods.get(name) ?? new Map<string, number[]>();
    const scores = g.runs.flatMap((r) =>
      r.finalEval === null ? [] : [norm.get(g.env)!(r.finalEval)]
    );
    byEnv.set(g.env, [...(byEnv.get(g.env) ?? []), ...scores]);
    methods.set(name, byEnv);
  }
  return methods;
}

/**
 * The performance profile: for each algorithm (+ settings), the fraction of runs whose
 * final evaluation exceeds τ, pooled over environments with a stratified bootstrap band.
 * With one environment τ is the raw return; with several, scores are normalised per
 * environment, `(x − lo)/(hi − lo)`, `lo` the worst final evaluation seen there and `hi`
 * its threshold (the best seen when it has none).
 */
export function performanceProfileSvg(
  rows: readonly GroupStats[],
  groups: readonly RunGroup[],
  options: BootstrapOptions = {},
): string {
  const envs = [...new Set(groups.map((g) => g.env))];
  const methods = profileScores(rows, groups);
  const all = [...methods.values()].flatMap((m) => [...m.values()].flat());
  const lo = Math.min(...all), hi = Math.max(...all);
  const span = hi - lo || 1;
  const taus = Array.from({ length: 101 }, (_, i) => lo - span * 0.02 + (span * 1.04) * i / 100);
  const series: Series[] = [...methods].map(([name, byEnv]) => ({
    label: name,
    points: performanceProfile([...byEnv.values()].filter((s) => s.length > 0), taus, options),
    step: true,
  }));
  const threshold = envs.length === 1 ? rows.find((r) => r.env === envs[0])?.threshold : null;
  return lineChart({
    title: `Performance profile (${envs.join(", ")})`,
    xLabel: envs.length === 1
      ? "final evaluation return τ"
      : "normalised score τ (0: worst run seen, 1: threshold)",
    yLabel: "fraction of runs with score > τ",
    series,
    yRange: [0, 1],
    hLine: undefined,
    note: `bands: 95 % stratified bootstrap${
      threshold != null ? `\nthreshold: ${formatTick(threshold)}` : ""
    }`,
  });
}

/** Everything `compare` prints and writes, as text. */
export interface ComparisonReport {
  /** The statistics. */
  rows: GroupStats[];
  /** The terminal table. */
  text: string;
  /** `compare.md`. */
  markdown: string;
  /** `compare.csv`. */
  csv: string;
  /** Learning-curve SVGs by environment. */
  curves: Map<string, string>;
  /** The performance profile SVG. */
  profile: string;
}

/** Builds the whole report. */
export function buildReport(
  groups: readonly RunGroup[],
  options: BootstrapOptions = {},
): ComparisonReport {
  const rows = compareGroups(groups, options);
  const cells = tableCells(rows);
  const ranking = rankingText(rows);
  const reps = options.reps ?? 2000;
  const note = `Over seeds per group: final = mean return of each run's final deterministic ` +
    `evaluation; AUC = mean return over training (normalised area under the learning ` +
    `curve). Intervals: 95 % percentile bootstrap, ${reps} resamples, seed ${
      options.seed ?? 0
    }. IQM: mean of the middle 50 % of runs.`;
  const curves = new Map<string, string>();
  for (const env of new Set(groups.map((g) => g.env))) {
    curves.set(env, learningCurvesSvg(env, groups, rows, options));
  }
  return {
    rows,
    text: textTable(TABLE_COLUMNS, cells) + "\n" + ranking,
    markdown: `# Comparison\n\n${note}\n\n${markdownTable(TABLE_COLUMNS, cells)}\n## Ranking\n\n` +
      ranking.split("\n").filter(Boolean).map((l) =>
        l.startsWith("  ") ? `- ${l.trim()}` : `\n**${l}**\n`
      ).join("\n") + "\n",
    csv: comparisonCsv(rows),
    curves,
    profile: performanceProfileSvg(rows, groups, options),
  };
}
