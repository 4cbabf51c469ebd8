/**
 * The plugin flags every command shares (`--plugin`, `--sandbox`, …) and what a run
 * records about its plugins: constants and types only, so that a command reads its flags
 * without loading the plugin machinery (`plugin_trust.ts` loads it, when a plugin is given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PLUGIN_FLAGS, PLUGIN_FLAGS_HELP } from "./plugin_flags.ts";
 * assert.equal(PLUGIN_FLAGS.plugin.multiple, true);
 * assert.ok(PLUGIN_FLAGS_HELP.includes("--plugin SPEC"));
 * ```
 * @module
 */

/** The plugin flags' `parseArgs` option table (spread into a command's table). */
export const PLUGIN_FLAGS = {
  plugin: { type: "string", multiple: true },
  sandbox: { type: "boolean" },
  "no-sandbox": { type: "boolean" },
  "plugin-memory": { type: "string" },
  "plugin-timeout": { type: "string" },
  "plugin-fetch-timeout": { type: "string" },
} as const;

/** The plugin flags' lines of `--help`. */
export const PLUGIN_FLAGS_HELP: string =
  `  --plugin SPEC            load an environment plugin (path or URL; repeatable)
  --sandbox                run every plugin in a permission-less sandbox process
  --no-sandbox             run plugins in this process, even those the run sandboxed
  --plugin-memory MB       memory limit of each sandbox process (default 512)
  --plugin-timeout MS      a sandboxed call unanswered this long fails (default 60000)
  --plugin-fetch-timeout MS  give up fetching a plugin URL after this (default 30000)`;

/** Parsed values of {@link PLUGIN_FLAGS}. */
export interface PluginFlagValues {
  /** `--plugin` specs. */
  plugin?: string[];
  /** `--sandbox`. */
  sandbox?: boolean;
  /** `--no-sandbox`. */
  "no-sandbox"?: boolean;
  /** `--plugin-memory`. */
  "plugin-memory"?: string;
  /** `--plugin-timeout`. */
  "plugin-timeout"?: string;
  /** `--plugin-fetch-timeout`. */
  "plugin-fetch-timeout"?: string;
}

/** What a run records about its plugins (the `config.json` fields). */
export interface RunPluginRecord {
  /** Plugin specs, in load order. */
  plugins: string[];
  /** The specs that ran sandboxed. */
  sandboxedPlugins?: string[];
}
