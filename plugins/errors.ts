/**
 * The error every plugin check throws. It extends {@link EnvError} (env id, method, field
 * path, value) with the plugin's name and its **source** (the path or URL it was loaded
 * from), so that one line tells the user which file to open and which field to fix:
 *
 * `plugin acme (file:///x/acme.ts): [acme/Corridor-v0] step: reward: must be a finite
 * number (got "NaN")`
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PluginError } from "./errors.ts";
 * const e = new PluginError({
 *   source: "file:///x/acme.ts", plugin: "acme", envId: "acme/Corridor-v0",
 *   method: "step", path: "reward", problem: "must be a finite number", value: NaN,
 * });
 * assert.ok(e.message.includes("file:///x/acme.ts"));
 * assert.ok(e.message.includes("[acme/Corridor-v0] step: reward"));
 * ```
 * @module
 */
import { EnvError } from "../envs/errors.ts";
import { preview } from "../envs/spaces.ts";

/** The parts of a {@link PluginError}. */
export interface PluginErrorParts {
  /** Where the plugin was loaded from (path or URL). */
  source: string;
  /** The plugin's name, when known. */
  plugin?: string;
  /** The env id (`name/Id-vN`), or a placeholder for manifest-level problems. */
  envId?: string;
  /** The phase or method: `load`, `manifest`, `register`, `create`, `reset`, `step`, … */
  method: string;
  /** The field path, e.g. `version`, `envs.0.create`, `observation.3`. */
  path: string;
  /** What is wrong. */
  problem: string;
  /** The offending value. */
  value?: unknown;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Placeholder env id for problems that concern the plugin as a whole. */
export const MANIFEST_ENV_ID = "(plugin manifest)";

/**
 * A plugin did something wrong: names source, plugin, env id, method, field and value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PluginError } from "./errors.ts";
 * import { EnvError } from "../envs/errors.ts";
 *
 * const e = new PluginError({
 *   source: "https://x.org/acme.js",
 *   method: "manifest",
 *   path: "version",
 *   problem: "must be semver",
 *   value: "one",
 * });
 * assert.ok(e instanceof EnvError);
 * assert.equal(e.source, "https://x.org/acme.js");
 * assert.match(e.message, /version: must be semver/);
 * ```
 */
export class PluginError extends EnvError {
  /** Where the plugin was loaded from. */
  readonly source: string;
  /** The plugin's name (or `"?"` when the manifest has none yet). */
  readonly plugin: string;

  /** Builds the error; the message names every part. */
  constructor(parts: PluginErrorParts) {
    const envId = parts.envId ?? MANIFEST_ENV_ID;
    super(
      envId,
      parts.method,
      parts.path,
      parts.problem,
      parts.value,
      parts.cause === undefined ? undefined : { cause: parts.cause },
    );
    this.name = "PluginError";
    this.source = parts.source;
    this.plugin = parts.plugin ?? "?";
    const value = parts.value === undefined ? "" : ` (got ${preview(parts.value)})`;
    this.message = `plugin ${this.plugin} (${parts.source}): [${envId}] ${parts.method}: ` +
      `${parts.path}: ${parts.problem}${value}`;
  }
}

/** A short description of a thrown value: `Name: message`. */
export function describeThrown(error: unknown): string {
  // Plugin code may throw anything: a Proxy, an object whose getters or toString throw.
  try {
    if (error instanceof Error) return `${String(error.name)}: ${String(error.message)}`;
  } catch { /* fall through */ }
  try {
    return String(error);
  } catch {
    try {
      return `a value that cannot be described (${Object.prototype.toString.call(error)})`;
    } catch {
      return "a value that cannot be described";
    }
  }
}
