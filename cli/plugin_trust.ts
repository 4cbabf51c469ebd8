/**
 * A plugin's trust level is part of the run. `train` records in `config.json`
 * (`sandboxedPlugins`) which of the run's plugins ran in the sandbox, and every later
 * command that reloads the run's plugins (`train --resume`, `eval`, `export`) loads those
 * sandboxed again. The exported policies carry the same record in their ONNX metadata
 * (`ascent.plugins`, `ascent.sandboxed_plugins`), so `infer` reapplies it wherever the file
 * is. Only an explicit `--no-sandbox` lowers it, with a warning naming each plugin it
 * affects; `--sandbox` raises it for every plugin.
 *
 * The shared plugin flags of the commands:
 *
 * | flag                        | option of `loadPlugins` |
 * | --------------------------- | ----------------------- |
 * | `--plugin SPEC` (repeated)  | the specs               |
 * | `--sandbox`                 | `sandbox: true`         |
 * | `--no-sandbox`              | `sandbox: false`        |
 * | `--plugin-memory MB`        | `memoryLimitMb`         |
 * | `--plugin-timeout MS`       | `timeoutMs`             |
 * | `--plugin-fetch-timeout MS` | `fetchTimeoutMs`        |
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sandboxChoice } from "./plugin_trust.ts";
 * // Recorded as sandboxed: sandboxed again, unless --no-sandbox says otherwise.
 * assert.equal(sandboxChoice("https://x.org/p.js", ["https://x.org/p.js"], {}), true);
 * assert.equal(sandboxChoice("./p.ts", [], {}), undefined); // the loader's default
 * assert.equal(sandboxChoice("./p.ts", ["./p.ts"], { "no-sandbox": true }), false);
 * ```
 * @module
 */
import { type LoadPluginOptions, loadPlugins, type PluginLoadReport } from "../plugins/mod.ts";
import { intFlag, UsageError } from "./args.ts";

import type { PluginFlagValues, RunPluginRecord } from "./plugin_flags.ts";

/**
 * What `report` loaded, to record: the resolved sources in load order and those that run
 * sandboxed — with `atLeast`'s sandboxed specs kept sandboxed in the record (a record is
 * never lowered by a command that only reads the run).
 */
export function loadedRecord(
  report: PluginLoadReport,
  atLeast: RunPluginRecord = { plugins: [] },
): { plugins: string[]; sandboxedPlugins: string[] } {
  const kept = atLeast.sandboxedPlugins ?? [];
  return {
    plugins: report.plugins.map((p) => p.source),
    sandboxedPlugins: report.plugins.filter((p) => p.sandboxed || kept.includes(p.source))
      .map((p) => p.source),
  };
}

/** Both records together: `a`'s plugins first, a spec sandboxed in either stays so. */
export function mergeRecords(a: RunPluginRecord, b: RunPluginRecord): RunPluginRecord {
  const plugins = [...a.plugins, ...b.plugins.filter((p) => !a.plugins.includes(p))];
  const sandboxed = new Set([...a.sandboxedPlugins ?? [], ...b.sandboxedPlugins ?? []]);
  return { plugins, sandboxedPlugins: plugins.filter((p) => sandboxed.has(p)) };
}

/**
 * The `sandbox` option for one spec: `false` with `--no-sandbox`, `true` with `--sandbox`
 * or when the run recorded the spec as sandboxed, else `undefined` (the loader's default:
 * sandboxed for `http(s)` URLs).
 * @throws UsageError when both flags are given.
 */
export function sandboxChoice(
  spec: string,
  recordedSandboxed: readonly string[],
  values: PluginFlagValues,
): boolean | undefined {
  if (values.sandbox && values["no-sandbox"]) {
    throw new UsageError("--no-sandbox", "--sandbox and --no-sandbox exclude each other");
  }
  if (values["no-sandbox"]) return false;
  if (values.sandbox || recordedSandboxed.includes(spec)) return true;
  return undefined;
}

/** The loader options given by the limit flags. */
export function pluginLimits(values: PluginFlagValues): LoadPluginOptions {
  return {
    memoryLimitMb: intFlag(values["plugin-memory"], "--plugin-memory", { min: 16 }),
    timeoutMs: intFlag(values["plugin-timeout"], "--plugin-timeout", { min: 1 }),
    fetchTimeoutMs: intFlag(values["plugin-fetch-timeout"], "--plugin-fetch-timeout", {
      min: 1,
    }),
  };
}

/**
 * Loads a run's plugins at their recorded trust level, then the extra `--plugin` specs;
 * failures are printed (`plugin: …`) and the others loaded regardless. Returns the report
 * and the specs that run sandboxed (to record in `config.json`).
 * @throws UsageError for conflicting or malformed flags (before anything is loaded).
 */
export async function loadRunPlugins(
  run: RunPluginRecord,
  values: PluginFlagValues,
  warn: (message: string) => void = (m) => console.error(`warning: ${m}`),
): Promise<{ report: PluginLoadReport; sandboxed: string[] }> {
  const recorded = run.sandboxedPlugins ?? [];
  const specs = [...run.plugins, ...(values.plugin ?? []).filter((p) => !run.plugins.includes(p))];
  const limits = pluginLimits(values);
  const choices = specs.map((spec) => sandboxChoice(spec, recorded, values));
  const report: PluginLoadReport = { plugins: [], ids: [], failures: [] };
  const sandboxed: string[] = [];
  for (let i = 0; i < specs.length; i++) {
    if (choices[i] === false && recorded.includes(specs[i])) {
      warn(
        `plugin ${specs[i]} ran in the sandbox when this run was trained; --no-sandbox runs ` +
          `it in this process, with this process's permissions`,
      );
    }
    const one = await loadPlugins([specs[i]], { ...limits, sandbox: choices[i] });
    report.plugins.push(...one.plugins);
    report.ids.push(...one.ids);
    report.failures.push(...one.failures);
    if (one.plugins.some((p) => p.sandboxed)) sandboxed.push(specs[i]);
  }
  for (const f of report.failures) console.error(`plugin: ${f.error.message}`);
  return { report, sandboxed };
}
