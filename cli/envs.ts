/**
 * `deno task envs [--plugin SPEC]... [plugin flags] [--json]`: lists every registered
 * environment — the built-in ones and those of the given plugins — with its observation
 * and action spaces, time limit, reward threshold, source and description.
 *
 * Each `--plugin` is a path or a `file:`/`http(s):` URL (`http(s)` plugins are sandboxed;
 * `--sandbox` sandboxes every plugin). The plugin flags are those every command shares
 * (`plugin_trust.ts`: `--sandbox`, `--no-sandbox`, `--plugin-memory`, `--plugin-timeout`,
 * `--plugin-fetch-timeout`). A plugin that fails to load is reported on stderr
 * with the error naming its source, env id and field, the others are listed regardless,
 * and the exit code is 1. Spaces are read by building each environment once (without the
 * checker); an environment that cannot be built is listed with its error.
 *
 * With `--json`, one JSON object `{"envs": [...], "failures": [...]}` is printed (infinite
 * bounds as the strings `"Infinity"`/`"-Infinity"`).
 * @module
 */
import { defaultRegistry, type Registry } from "../envs/registry.ts";
import "../envs/builtin.ts";
import type { Space } from "../envs/spaces.ts";
import { loadPlugins } from "../plugins/loader.ts";
import { EnvWorker } from "../plugins/sandbox/channel.ts";
import { parseCommandLine, runMain } from "./args.ts";
import { PLUGIN_FLAGS, PLUGIN_FLAGS_HELP } from "./plugin_flags.ts";
import { loadRunPlugins } from "./plugin_trust.ts";

const HELP = `usage: deno task envs [--plugin PATH|URL]... [flags] [--json]

Lists the registered environments (built-in, and those of the plugins) with their spaces.

${PLUGIN_FLAGS_HELP}
  --json                   one JSON object {"envs": [...], "failures": [...]}
  -h, --help               this text`;

/** One line of the listing. */
export interface EnvListing {
  /** Registered id. */
  id: string;
  /** Observation space (absent when the env could not be built). */
  observationSpace?: Space;
  /** Action space (absent when the env could not be built). */
  actionSpace?: Space;
  /** Time limit applied by `make`, or `null`. */
  maxEpisodeSteps: number | null;
  /** Reward threshold, or `null`. */
  rewardThreshold: number | null;
  /** `builtin`, or the plugin's path/URL. */
  source: string;
  /** One line of description. */
  description: string;
  /** Why the env could not be built, if it could not. */
  error?: string;
}

/** Options of {@link listEnvironments}. */
export interface ListOptions {
  /** Plugin specs to load first. */
  plugins?: string[];
  /** Sandbox every plugin (http(s) plugins are sandboxed anyway). */
  sandbox?: boolean;
  /** The registry (default: the default registry). */
  registry?: Registry;
}

/** Loads the plugins and describes every registered environment. */
export async function listEnvironments(
  options: ListOptions = {},
): Promise<{ envs: EnvListing[]; failures: { spec: string; error: string }[] }> {
  const registry = options.registry ?? defaultRegistry;
  const report = await loadPlugins(options.plugins ?? [], {
    registry,
    sandbox: options.sandbox ? true : undefined,
  });
  const envs: EnvListing[] = [];
  for (const spec of registry.listEnvs()) {
    const entry: EnvListing = {
      id: spec.id,
      maxEpisodeSteps: spec.maxEpisodeSteps ?? null,
      rewardThreshold: spec.rewardThreshold ?? null,
      source: spec.source ?? "unknown",
      description: spec.description ?? "",
    };
    try {
      const env = await registry.make(spec.id, { check: false, maxEpisodeSteps: null });
      entry.observationSpace = env.observationSpace;
      entry.actionSpace = env.actionSpace;
      await env.close?.();
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
    }
    envs.push(entry);
  }
  return {
    envs,
    failures: report.failures.map((f) => ({ spec: f.spec, error: f.error.message })),
  };
}

function bound(v: number | number[]): string {
  if (Array.isArray(v)) {
    const first = v[0];
    return v.every((x) => x === first) ? bound(first) : `[${v.map((x) => bound(x)).join(",")}]`;
  }
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : (v > 0 ? "inf" : "-inf");
}

/** A compact text form of a space: `discrete(2)`, `box[4] in [-1, 1]`, `multi-discrete[3,2]`. */
export function formatSpace(space: Space | undefined): string {
  if (!space) return "?";
  switch (space.type) {
    case "discrete":
      return space.start ? `discrete(${space.n}, start ${space.start})` : `discrete(${space.n})`;
    case "box":
      return `box[${space.shape.join("x")}] in [${bound(space.low)}, ${bound(space.high)}]`;
    case "multi-discrete":
      return `multi-discrete[${space.nvec.join(",")}]`;
    case "multi-binary":
      return `multi-binary(${space.n})`;
  }
}

function table(envs: EnvListing[]): string {
  const rows = envs.map((e) => [
    e.id,
    e.error ? "(error)" : formatSpace(e.observationSpace),
    e.error ? "(error)" : formatSpace(e.actionSpace),
    e.maxEpisodeSteps === null ? "-" : String(e.maxEpisodeSteps),
    e.rewardThreshold === null ? "-" : String(e.rewardThreshold),
    e.source,
  ]);
  const header = ["id", "observation", "action", "limit", "threshold", "source"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => x.padEnd(widths[c])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value;
}

/** The command: parses flags, lists, exits 1 when a plugin failed to load. */
export async function main(args: string[] = Deno.args): Promise<void> {
  const { values } = parseCommandLine(args, {
    ...PLUGIN_FLAGS,
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  }, "envs");
  if (values.help) {
    console.log(HELP);
    return;
  }
  try {
    // The plugins, with the flags every command shares (failures are printed there).
    const { report } = await loadRunPlugins({ plugins: [] }, values);
    const listed = await listEnvironments();
    const result = {
      envs: listed.envs,
      failures: report.failures.map((f) => ({ spec: f.spec, error: f.error.message })),
    };
    for (const e of result.envs) if (e.error) console.error(`env failed: ${e.error}`);
    if (values.json) console.log(JSON.stringify(result, jsonReplacer));
    else {
      console.log(table(result.envs));
      for (const e of result.envs) {
        if (e.description) console.log(`  ${e.id}: ${e.description}`);
      }
    }
    if (result.failures.length > 0) Deno.exitCode = 1;
  } finally {
    EnvWorker.terminateAll();
  }
}

if (import.meta.main) await runMain(() => main());
