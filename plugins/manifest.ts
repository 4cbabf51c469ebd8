/**
 * The plugin manifest: what a plugin module's default export must look like, validated by
 * Zod when the plugin is loaded.
 *
 * ```text
 * { name: "acme",            lowercase identifier: /^[a-z][a-z0-9_-]*$/
 *   version: "1.2.0",        semantic version (https://semver.org)
 *   description?: string,
 *   envs: [{ id: "Corridor-v0",                 /^[A-Za-z][A-Za-z0-9_.]*-v(0|[1-9][0-9]*)$/
 *            create(options) → Env | Promise<Env>,
 *            maxEpisodeSteps?, rewardThreshold?, description?, defaults? }] }
 * ```
 *
 * Environments register under `name/id`. The author needs no import from the toolkit;
 * {@link definePlugin} is an optional identity helper that only adds type checking.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateManifest } from "./manifest.ts";
 * const m = validateManifest({ name: "acme", version: "1.0.0", envs: [] }, "inline");
 * assert.equal(m.name, "acme");
 * ```
 * @module
 */
import { z, type ZodType } from "../deps.ts";
import { flattenZodIssues, preview, type Schema } from "../envs/spaces.ts";
import type { Env } from "../envs/types.ts";
import { PluginError } from "./errors.ts";

/** A plugin name: lowercase letter, then lowercase letters, digits, `_` or `-`. */
export const PLUGIN_NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;
/** A semantic version `MAJOR.MINOR.PATCH[-pre][+build]`. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
/** An environment id inside a plugin: `Name-vN`. */
export const PLUGIN_ENV_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.]*-v(0|[1-9]\d*)$/;

/** One environment a plugin provides. */
export interface PluginEnvDefinition {
  /** `Name-vN`; registered as `<plugin name>/<id>`. */
  id: string;
  /** Builds one environment instance from the (defaults-merged) options. */
  create: (options: Record<string, unknown>) => Env | Promise<Env>;
  /** Time limit applied by `make` (TimeLimit wrapper). */
  maxEpisodeSteps?: number;
  /** Average return at which the environment counts as solved. */
  rewardThreshold?: number;
  /** One line shown by `deno task envs`. */
  description?: string;
  /** Options merged under the caller's `envOptions`. */
  defaults?: Record<string, unknown>;
}

/** A plugin module's default export. */
export interface PluginManifest {
  /** Lowercase identifier; the namespace of the plugin's env ids. */
  name: string;
  /** Semantic version. */
  version: string;
  /** One line about the plugin. */
  description?: string;
  /** The environments. */
  envs: PluginEnvDefinition[];
}

type CreateFn = PluginEnvDefinition["create"];

const createSchema: ZodType<CreateFn> = z.custom<CreateFn>(
  (v) => typeof v === "function",
  { error: "create must be a function (options) => Env | Promise<Env>" },
);

const pluginEnvSchema = z.object({
  id: z.string({ error: "id must be a string like Corridor-v0" }).regex(
    PLUGIN_ENV_ID_PATTERN,
    "id must look like Name-vN (letters, digits, _ or ., then -v and a version number)",
  ),
  create: createSchema,
  maxEpisodeSteps: z.number().int("maxEpisodeSteps must be an integer").positive(
    "maxEpisodeSteps must be positive",
  ).optional(),
  rewardThreshold: z.number().refine(Number.isFinite, "rewardThreshold must be finite")
    .optional(),
  description: z.string().optional(),
  defaults: z.record(z.string(), z.unknown(), { error: "defaults must be a plain object" })
    .optional(),
});

const pluginManifestSchema = z.object({
  name: z.string({ error: "name must be a string" }).regex(
    PLUGIN_NAME_PATTERN,
    "name must be a lowercase identifier (a-z first, then a-z, 0-9, _ or -)",
  ),
  version: z.string({ error: "version must be a string" }).regex(
    SEMVER_PATTERN,
    "version must be a semantic version like 1.2.0",
  ),
  description: z.string().optional(),
  envs: z.array(pluginEnvSchema, { error: "envs must be an array of environment definitions" }),
}, { error: "the default export must be a plain object {name, version, envs}" }).superRefine(
  (m, ctx) => {
    const seen = new Map<string, number>();
    m.envs.forEach((e, i) => {
      const first = seen.get(e.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["envs", i, "id"],
          message: `duplicate env id ${e.id} (also envs.${first}.id)`,
        });
      } else seen.set(e.id, i);
    });
  },
);

/** Zod schema of one {@link PluginEnvDefinition}. */
export const PluginEnvSchema: Schema<PluginEnvDefinition> = pluginEnvSchema;

/** Zod schema of a {@link PluginManifest} (env ids must be unique within the plugin). */
export const PluginManifestSchema: Schema<PluginManifest> = pluginManifestSchema;

/**
 * Identity helper for plugin authors who want type checking; the plugin works the same
 * without it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { definePlugin, validateManifest } from "./manifest.ts";
 * import { CartPoleEnv } from "../envs/classic/mod.ts";
 *
 * const plugin = definePlugin({
 *   name: "poles",
 *   version: "0.1.0",
 *   envs: [{ id: "Pole-v0", create: () => new CartPoleEnv(), maxEpisodeSteps: 100 }],
 * });
 * assert.equal(validateManifest(plugin, "inline").envs[0].id, "Pole-v0");
 * ```
 */
export function definePlugin<T extends PluginManifest>(plugin: T): T {
  return plugin;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Validates a plugin module's default export.
 * @throws PluginError naming the source, the env id (when the problem is inside
 *   `envs[i]`), the field path and the value.
 */
export function validateManifest(value: unknown, source: string): PluginManifest {
  const result = PluginManifestSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = flattenZodIssues(result.error.issues)[0];
  const path = issue.path;
  const raw = value as { name?: unknown; envs?: { id?: unknown }[] } | null;
  const plugin = typeof raw?.name === "string" ? raw.name : undefined;
  let envId: string | undefined;
  if (path[0] === "envs" && typeof path[1] === "number") {
    const id = raw?.envs?.[path[1]]?.id;
    envId = `${plugin ?? "?"}/${typeof id === "string" ? id : `envs[${path[1]}]`}`;
  }
  const field = path.length ? path.map(String).join(".") : "(default export)";
  const offending = valueAt(value, path);
  throw new PluginError({
    source,
    plugin,
    envId,
    method: "manifest",
    path: field,
    problem: issue.message,
    value: typeof offending === "function" ? "[function]" : offending,
  });
}

/** A JSON preview of a manifest value for messages (functions shown as `[function]`). */
export function previewManifestValue(value: unknown): string {
  return preview(typeof value === "function" ? "[function]" : value);
}
