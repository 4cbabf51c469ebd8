/**
 * Experiments: periodic evaluation in the run folder, sweeps (spec, local pool, Slurm),
 * and the comparison of runs (collection, statistics, tables, SVG plots).
 *
 * The pure pieces — `statistics.ts`, `svg_plot.ts`, `compare_report.ts`, `sweep_spec.ts`,
 * `progress_csv.ts`'s text functions — use no Deno APIs, so the benchmarks and the
 * dashboard import them as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iqm, summarize } from "./mod.ts";
 * assert.equal(iqm([1, 2, 3, 4]), 2.5);
 * assert.equal(summarize([5, 5, 5], { reps: 10 }).std, 0);
 * ```
 * @module
 */
export * from "./statistics.ts";
export * from "./svg_plot.ts";
export * from "./compare_report.ts";
export * from "./collect.ts";
export * from "./sweep_spec.ts";
export * from "./sweep_folder.ts";
export * from "./trial.ts";
export * from "./local_pool.ts";
export * from "./slurm.ts";
export * from "./run_eval.ts";
export * from "./progress_csv.ts";
