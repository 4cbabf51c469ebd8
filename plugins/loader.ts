/**
 * Loading plugins: spec → module → validated manifest → registered environments.
 *
 * `loadPlugin(spec)` resolves the spec (relative or absolute path, `file://`, `http(s)://`),
 * imports the module, validates its default export ({@link validateManifest}) and
 * registers each environment as `<name>/<id>` with the plugin's time limit, threshold,
 * defaults, description and source. Registration is all or nothing: an id clash with an
 * environment already registered leaves the registry untouched.
 *
 * Every environment a plugin creates is guarded: in process by {@link GuardedEnv}; in a
 * sandbox by {@link SandboxedEnv}, which runs it in a Worker with no permissions. The first
 * environment made of each id is run through the toolkit's `checkEnv`; any failure is a
 * {@link PluginError} naming the source, the env id, the method and the field, and a
 * failed environment is closed.
 *
 * Sandboxing is the default for `http(s)` plugins. A sandboxed module is read by the host
 * (file read or HTTP GET, with the host's permissions, once) and imported by the Worker
 * from a `data:` URL, so the Worker needs no permission at all; such a plugin must be a
 * single self-contained module (relative imports cannot be resolved from a `data:` URL).
 *
 * @example
 * ```ts ignore
 * import { loadPlugin } from "./loader.ts";
 * const ids = await loadPlugin("./plugins/examples/acme.ts");
 * // ids: ["acme/Corridor-v0", "acme/Slope-v0"]
 * ```
 * @module
 */
import { checkEnv, checkEnvSync } from "../envs/checker.ts";
import { EnvError } from "../envs/errors.ts";
import { defaultRegistry, type EnvSpec, type Registry } from "../envs/registry.ts";
import { type Env, isPromiseLike, type MaybePromise } from "../envs/types.ts";
import { describeThrown, MANIFEST_ENV_ID, PluginError } from "./errors.ts";
import { GuardedEnv, type PluginEnvContext, thrownError } from "./guarded_env.ts";
import { type PluginEnvDefinition, type PluginManifest, validateManifest } from "./manifest.ts";
import { EnvWorker } from "./sandbox/channel.ts";
import { FUNCTION_MARKER } from "./sandbox/protocol.ts";
import { SandboxedEnv, workerImportUrl } from "./sandbox/proxy_env.ts";
import {
  assertSelfContained,
  isRemote,
  type PluginSource,
  type PluginSpec,
  readPluginSource,
  resolvePluginUrl,
} from "./source.ts";

/** Options of {@link loadPlugin}. */
export interface LoadPluginOptions {
  /** Where to register (default: the toolkit's default registry). */
  registry?: Registry;
  /** Run the environments in permission-less Workers (default: true for http(s) URLs). */
  sandbox?: boolean;
  /** Run `checkEnv` on the first environment made of each id (default true). */
  check?: boolean;
  /**
   * Sandboxed envs: a call to the Worker unanswered after this many milliseconds
   * terminates it and fails naming the method (default {@link SANDBOX_TIMEOUT_MS}).
   */
  timeoutMs?: number;
  /**
   * Sandboxed plugins: memory limit of each sandbox process in MiB (V8 heap and resident
   * set; default {@link SANDBOX_MEMORY_MB}). A plugin exceeding it fails with a
   * `PluginError` naming it; the host keeps running.
   */
  memoryLimitMb?: number;
  /** `http(s)` plugins: give up fetching the module after this many ms (default 30 000). */
  fetchTimeoutMs?: number;
  /** Sandboxed plugins: refuse modules larger than this many bytes (default 4 MiB). */
  maxBytes?: number;
}

/** Default limit on one sandboxed call (a plugin stuck in a loop is stopped). */
export const SANDBOX_TIMEOUT_MS = 60_000;

/** A loaded plugin. */
export interface LoadedPlugin {
  /** The manifest's name (the id namespace). */
  name: string;
  /** The manifest's version. */
  version: string;
  /** The manifest's description. */
  description?: string;
  /** The resolved URL the plugin was loaded from. */
  source: string;
  /** Whether its environments run in sandboxed Workers. */
  sandboxed: boolean;
  /** The registered ids, `name/Id-vN`. */
  ids: string[];
  /** Removes the plugin's ids from the registry. */
  unregister(): void;
}

/** What the loader remembers about each registered plugin env (for Worker vector envs). */
export interface PluginEnvRecord {
  /** Source, plugin, registered id. */
  ctx: PluginEnvContext;
  /** The id inside the plugin. */
  localId: string;
  /** Whether the env runs sandboxed. */
  sandboxed: boolean;
  /** The resolved URL. */
  url: string;
  /** The module text (kept for sandboxed plugins, imported from a `data:` URL). */
  code?: PluginSource;
  /** The definition's time limit. */
  maxEpisodeSteps?: number;
  /** The definition's defaults. */
  defaults?: Record<string, unknown>;
  /** Limit on one sandboxed call, in milliseconds. */
  timeoutMs?: number;
  /** Memory limit of a sandbox process, in MiB. */
  memoryLimitMb?: number;
}

const records = new WeakMap<Registry, Map<string, PluginEnvRecord>>();

/** The loader's record of a registered plugin env id, if it came from a plugin. */
export function pluginEnvRecord(
  id: string,
  registry: Registry = defaultRegistry,
): PluginEnvRecord | undefined {
  return records.get(registry)?.get(id);
}

function restoreFunctions(summary: unknown): unknown {
  const s = summary as { envs?: unknown } | null;
  if (s && typeof s === "object" && Array.isArray(s.envs)) {
    s.envs = s.envs.map((e) => {
      if (e && typeof e === "object" && (e as { create?: unknown }).create === FUNCTION_MARKER) {
        return { ...e, create: () => undefined };
      }
      return e;
    });
  }
  return summary;
}

async function importManifest(
  url: URL,
  sandbox: boolean,
  timeoutMs: number,
  options: LoadPluginOptions,
): Promise<{ manifest: PluginManifest; code?: PluginSource }> {
  const source = url.href;
  if (sandbox) {
    const code = await readPluginSource(url, options);
    assertSelfContained(code);
    const ctx = { source, plugin: "?", envId: MANIFEST_ENV_ID };
    const worker = EnvWorker.start(ctx, true, timeoutMs, { memoryLimitMb: options.memoryLimitMb });
    try {
      const summary = await worker.call({ type: "load", url: workerImportUrl(code, true) });
      return { manifest: validateManifest(restoreFunctions(summary), source), code };
    } finally {
      worker.terminate();
    }
  }
  let mod: { default?: unknown };
  try {
    mod = await import(source);
  } catch (error) {
    throw new PluginError({
      source,
      method: "load",
      path: "(import)",
      problem: `cannot import the module: ${describeThrown(error)}`,
      cause: error,
    });
  }
  return { manifest: validateManifest(mod.default, source) };
}

function checkFailure(ctx: PluginEnvContext, error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  if (error instanceof EnvError) {
    return new PluginError({
      ...ctx,
      method: error.method,
      path: error.path,
      problem: error.problem,
      value: error.value,
      cause: error,
    });
  }
  return thrownError(ctx, "check", error);
}

async function closeQuietly(env: Env): Promise<void> {
  try {
    await env.close?.();
  } catch { /* already failing */ }
}

function makeCreate(
  record: PluginEnvRecord,
  def: PluginEnvDefinition,
  check: boolean,
): (options: Record<string, unknown>) => MaybePromise<Env> {
  let checked = !check;
  const { ctx } = record;
  const afterCreate = (env: Env): MaybePromise<Env> => {
    if (checked) return env;
    // Probe: a synchronous env is checked synchronously (so makeSync keeps working).
    let probe: unknown;
    try {
      probe = env.reset({});
    } catch (error) {
      throw checkFailure(ctx, error);
    }
    if (!isPromiseLike(probe)) {
      try {
        checkEnvSync(env, { id: ctx.envId });
      } catch (error) {
        void closeQuietly(env);
        throw checkFailure(ctx, error);
      }
      checked = true;
      return env;
    }
    return probe.then(() => checkEnv(env, { id: ctx.envId })).then(
      () => {
        checked = true;
        return env;
      },
      async (error) => {
        await closeQuietly(env);
        throw checkFailure(ctx, error);
      },
    );
  };
  if (record.sandboxed) {
    return async (options) =>
      afterCreate(
        await SandboxedEnv.create({
          ctx,
          source: record.code!,
          localId: record.localId,
          options,
          sandbox: true,
          timeoutMs: record.timeoutMs,
          memoryLimitMb: record.memoryLimitMb,
        }),
      );
  }
  return (options) => {
    let out: MaybePromise<Env>;
    try {
      out = def.create(options);
    } catch (error) {
      throw thrownError(ctx, "create", error);
    }
    if (isPromiseLike(out)) {
      return out.then(
        (env) => afterCreate(new GuardedEnv(ctx, env)),
        (error) => {
          throw thrownError(ctx, "create", error);
        },
      );
    }
    return afterCreate(new GuardedEnv(ctx, out));
  };
}

/**
 * Loads a plugin and registers its environments; returns the full description.
 * @throws PluginError naming the source, env id and field on any problem.
 */
export async function loadPluginInfo(
  spec: PluginSpec,
  options: LoadPluginOptions = {},
): Promise<LoadedPlugin> {
  const registry = options.registry ?? defaultRegistry;
  const url = resolvePluginUrl(spec);
  const source = url.href;
  const sandboxed = options.sandbox ?? isRemote(url);
  const timeoutMs = options.timeoutMs ?? SANDBOX_TIMEOUT_MS;
  const { manifest, code } = await importManifest(url, sandboxed, timeoutMs, options);
  const plugin = manifest.name;
  const ids = manifest.envs.map((e) => `${plugin}/${e.id}`);
  ids.forEach((id, i) => {
    if (registry.has(id)) {
      const other = registry.spec(id).source ?? "an unnamed source";
      throw new PluginError({
        source,
        plugin,
        envId: id,
        method: "register",
        path: `envs.${i}.id`,
        problem: `${id} is already registered (from ${other})`,
        value: manifest.envs[i].id,
      });
    }
  });
  let table = records.get(registry);
  if (!table) records.set(registry, table = new Map());
  manifest.envs.forEach((def, i) => {
    const ctx = { source, plugin, envId: ids[i] };
    const record: PluginEnvRecord = {
      ctx,
      localId: def.id,
      sandboxed,
      url: source,
      code,
      maxEpisodeSteps: def.maxEpisodeSteps,
      defaults: def.defaults,
      timeoutMs: sandboxed ? timeoutMs : undefined,
      memoryLimitMb: sandboxed ? options.memoryLimitMb : undefined,
    };
    const envSpec: EnvSpec = {
      id: ids[i],
      create: makeCreate(record, def, options.check ?? true),
      maxEpisodeSteps: def.maxEpisodeSteps,
      rewardThreshold: def.rewardThreshold,
      defaults: def.defaults,
      description: def.description,
      source,
    };
    registry.register(envSpec);
    table.set(ids[i], record);
  });
  return {
    name: plugin,
    version: manifest.version,
    description: manifest.description,
    source,
    sandboxed,
    ids,
    unregister() {
      for (const id of ids) {
        if (table.get(id)?.ctx.source === source) {
          registry.unregister(id);
          table.delete(id);
        }
      }
    },
  };
}

/**
 * Loads a plugin and registers its environments; returns the registered ids.
 * @throws PluginError naming the source, env id and field on any problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPlugin } from "./loader.ts";
 * import { Registry } from "../envs/registry.ts";
 *
 * const registry = new Registry();
 * const ids = await loadPlugin(new URL("./examples/acme.ts", import.meta.url), { registry });
 * assert.deepEqual(ids, ["acme/Corridor-v0", "acme/Slope-v0"]);
 * assert.equal((await registry.make("acme/Corridor-v0")).actionSpace.type, "discrete");
 * ```
 */
export async function loadPlugin(
  spec: PluginSpec,
  options: LoadPluginOptions = {},
): Promise<string[]> {
  return (await loadPluginInfo(spec, options)).ids;
}

/** One plugin that failed to load. */
export interface PluginFailure {
  /** The spec as given. */
  spec: string;
  /** What went wrong (message names the source, env id and field). */
  error: PluginError;
}

/** What {@link loadPlugins} did. */
export interface PluginLoadReport {
  /** Plugins loaded, in order. */
  plugins: LoadedPlugin[];
  /** Every id registered, in order. */
  ids: string[];
  /** Plugins that failed; the others were loaded regardless. */
  failures: PluginFailure[];
}

/**
 * Loads several plugins, one after the other; a failing plugin is reported in `failures`
 * and does not stop the others.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPlugins } from "./loader.ts";
 * import { Registry } from "../envs/registry.ts";
 *
 * const acme = new URL("./examples/acme.ts", import.meta.url);
 * const report = await loadPlugins([acme, "./no/such/plugin.ts"], { registry: new Registry() });
 * assert.equal(report.plugins.length, 1);
 * assert.equal(report.failures[0].spec, "./no/such/plugin.ts");
 * assert.match(report.failures[0].error.message, /no\/such\/plugin\.ts/);
 * ```
 */
export async function loadPlugins(
  specs: readonly PluginSpec[],
  options: LoadPluginOptions = {},
): Promise<PluginLoadReport> {
  const report: PluginLoadReport = { plugins: [], ids: [], failures: [] };
  for (const spec of specs) {
    try {
      const p = await loadPluginInfo(spec, options);
      report.plugins.push(p);
      report.ids.push(...p.ids);
    } catch (error) {
      const e = error instanceof PluginError ? error : new PluginError({
        source: String(spec),
        method: "load",
        path: "(plugin)",
        problem: describeThrown(error),
        cause: error,
      });
      report.failures.push({ spec: String(spec), error: e });
    }
  }
  return report;
}
