/**
 * The environment registry: ids → specs → environments.
 *
 * Ids follow Gymnasium's `Name-vN` or `namespace/Name-vN`
 * (`/^([A-Za-z0-9_.-]+\/)?[A-Za-z][A-Za-z0-9_.-]*-v\d+$/`). Registering an id twice is an
 * error naming where the existing one came from; an unknown id suggests the closest
 * registered ids by edit distance.
 *
 * `make(id, options)` builds the environment in this order:
 *
 * 1. `spec.create({...spec.defaults, ...options.envOptions})`;
 * 2. `checkEnv` on the first `make` of each id in this process (`check: false` skips it);
 * 3. `seed`: one `reset({seed})`, which seeds the environment's generator (later resets
 *    without a seed continue that stream, so the whole run is reproducible);
 * 4. wrappers, inside out: `ValidatingEnv` (`validateSteps`), `TimeLimit`
 *    (`maxEpisodeSteps`, default the spec's; `null` disables it), `RecordEpisodeStatistics`
 *    (`recordStatistics`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Registry } from "./registry.ts";
 * const registry = new Registry();
 * registry.register({
 *   id: "Still-v0",
 *   maxEpisodeSteps: 3,
 *   create: () => ({
 *     observationSpace: { type: "box", low: -1, high: 1, shape: [1] },
 *     actionSpace: { type: "discrete", n: 2 },
 *     reset: () => ({ observation: [0], info: {} }),
 *     step: () => ({ observation: [0], reward: 1, terminated: false, truncated: false, info: {} }),
 *   }),
 * });
 * const env = registry.makeSync("Still-v0");
 * assert.ok(registry.has("Still-v0"));
 * assert.equal(env.actionSpace.type, "discrete");
 * ```
 * @module
 */
import { checkEnv, checkEnvSync, ValidatingEnv } from "./checker.ts";
import { EnvError } from "./errors.ts";
import { type Env, isPromiseLike } from "./types.ts";
import { RecordEpisodeStatistics } from "./wrappers/record_episode_statistics.ts";
import { TimeLimit } from "./wrappers/time_limit.ts";

/**
 * The simulator an environment runs on, when its behaviour depends on the release (MuJoCo:
 * simulations differ between releases, so the release is part of the environment's
 * definition and belongs in exported metadata).
 */
export interface SimulatorSpec {
  /** The simulator, e.g. `"MuJoCo"`. */
  name: string;
  /** Its release, e.g. `"3.12.0"`. */
  version: string;
  /** The pinned package it is loaded from, e.g. `"npm:@mujoco/mujoco@3.12.0"`. */
  package?: string;
}

/** What the registry knows about an environment id. */
export interface EnvSpec {
  /** `Name-vN` or `namespace/Name-vN`. */
  id: string;
  /** Builds one instance from the merged options (`defaults` overridden by `envOptions`). */
  create: (options: Record<string, unknown>) => Env | Promise<Env>;
  /** Episode length after which `make` truncates (applies `TimeLimit`). */
  maxEpisodeSteps?: number;
  /** Average return at which the task counts as solved. */
  rewardThreshold?: number;
  /** Default options passed to `create`. */
  defaults?: Record<string, unknown>;
  /** One line on what the environment is. */
  description?: string;
  /** Where it came from: `"builtin"`, or a plugin's path or URL. */
  source?: string;
  /** The simulator and release the environment is defined on, if any. */
  simulator?: SimulatorSpec;
}

/** Options of {@link Registry.make}. */
export interface MakeOptions {
  /** Seed the environment's generator by one `reset({seed})` at creation. */
  seed?: number;
  /** Run `checkEnv` on the first make of this id in this process (default true). */
  check?: boolean;
  /** Validate every reset/step (wraps in `ValidatingEnv`; default false). */
  validateSteps?: boolean;
  /** Override the spec's time limit; `null` disables `TimeLimit`. */
  maxEpisodeSteps?: number | null;
  /** Options merged over `spec.defaults` and passed to `create`. */
  envOptions?: Record<string, unknown>;
  /** Wrap in `RecordEpisodeStatistics` (default false). */
  recordStatistics?: boolean;
}

/** Gymnasium-style id: `Name-vN` or `namespace/Name-vN`. */
export const ENV_ID_PATTERN = /^([A-Za-z0-9_.-]+\/)?[A-Za-z][A-Za-z0-9_.-]*-v\d+$/;

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The `limit` candidates closest to `word` by {@link editDistance} (case-insensitive),
 * nearest first, keeping only those within `maxDistance` edits.
 */
export function closestMatches(
  word: string,
  candidates: readonly string[],
  limit = 3,
  maxDistance = Infinity,
): string[] {
  const lower = word.toLowerCase();
  return candidates
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter((x) => x.d <= maxDistance)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, limit)
    .map((x) => x.k);
}

/** A set of environment specs and the factory that builds them. */
export class Registry {
  readonly #specs = new Map<string, EnvSpec>();
  readonly #checked = new Set<string>();

  /**
   * Adds a spec.
   * @throws EnvError (method `register`) for a malformed id or spec, or a duplicate id.
   */
  register(spec: EnvSpec): void {
    const id = spec?.id;
    const fail = (path: string, problem: string, value: unknown): never => {
      throw new EnvError(String(id), "register", path, problem, value);
    };
    if (typeof id !== "string" || !ENV_ID_PATTERN.test(id)) {
      fail("id", "must look like Name-vN or namespace/Name-vN (e.g. CartPole-v1)", id);
    }
    if (typeof spec.create !== "function") fail("create", "must be a function", spec.create);
    const m = spec.maxEpisodeSteps;
    if (m !== undefined && (!Number.isInteger(m) || m < 1)) {
      fail("maxEpisodeSteps", "must be a positive integer", m);
    }
    if (spec.rewardThreshold !== undefined && !Number.isFinite(spec.rewardThreshold)) {
      fail("rewardThreshold", "must be a finite number", spec.rewardThreshold);
    }
    if (
      spec.defaults !== undefined && (spec.defaults === null || typeof spec.defaults !== "object")
    ) {
      fail("defaults", "must be an object", spec.defaults);
    }
    const existing = this.#specs.get(id);
    if (existing) {
      fail(
        "id",
        `is already registered (from ${existing.source ?? "an unnamed source"}); ` +
          `the new one comes from ${spec.source ?? "an unnamed source"}`,
        id,
      );
    }
    this.#specs.set(id, { ...spec });
  }

  /** Removes an id; returns whether it was registered. */
  unregister(id: string): boolean {
    this.#checked.delete(id);
    return this.#specs.delete(id);
  }

  /** True when `id` is registered. */
  has(id: string): boolean {
    return this.#specs.has(id);
  }

  /**
   * The spec of `id`.
   * @throws EnvError for an unknown id, suggesting the closest registered ids.
   */
  spec(id: string): EnvSpec {
    const s = this.#specs.get(id);
    if (s) return s;
    const ids = [...this.#specs.keys()];
    const namespace = /^([^/]+)\//.exec(String(id))?.[1];
    if (namespace !== undefined && !ids.some((k) => k.startsWith(`${namespace}/`))) {
      const problem = `is not registered: namespace ${namespace} is not loaded; load the plugin ` +
        `that provides it first (command line: --plugin SPEC; code: loadPlugin(SPEC))`;
      throw new EnvError(String(id), "make", "id", problem, id);
    }
    const near = closestMatches(String(id), ids);
    const hint = near.length
      ? `did you mean ${near.join(", ")}?`
      : "no environments are registered";
    throw new EnvError(String(id), "make", "id", `is not registered; ${hint}`, id);
  }

  /** Every registered spec, sorted by id. */
  listEnvs(): EnvSpec[] {
    return [...this.#specs.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Builds, checks, seeds and wraps an environment (see the module doc). */
  async make(id: string, opts: MakeOptions = {}): Promise<Env> {
    const spec = this.spec(id);
    const env = await spec.create(this.#createOptions(spec, opts));
    try {
      if ((opts.check ?? true) && !this.#checked.has(id)) {
        await checkEnv(env, { id });
        this.#checked.add(id);
      }
      if (opts.seed !== undefined) await env.reset({ seed: opts.seed });
      return this.#wrap(env, spec, opts);
    } catch (e) {
      await closeQuietly(env);
      throw e;
    }
  }

  /**
   * As {@link Registry.make}, for environments that are synchronous to build and run.
   * @throws EnvError when `create` (or, for the check and the seeding, `reset`/`step`)
   * returns a Promise: use `make`.
   */
  makeSync(id: string, opts: MakeOptions = {}): Env {
    const spec = this.spec(id);
    const env = spec.create(this.#createOptions(spec, opts));
    if (isPromiseLike(env)) {
      env.then((e) => e.close?.(), () => {});
      throw new EnvError(id, "makeSync", "create", "returned a Promise: use make()", "Promise");
    }
    try {
      if ((opts.check ?? true) && !this.#checked.has(id)) {
        checkEnvSync(env, { id });
        this.#checked.add(id);
      }
      if (opts.seed !== undefined) {
        const r = env.reset({ seed: opts.seed });
        if (isPromiseLike(r)) {
          r.catch(() => {});
          throw new EnvError(id, "makeSync", "reset", "returned a Promise: use make()", "Promise");
        }
      }
      return this.#wrap(env, spec, opts);
    } catch (e) {
      closeQuietly(env);
      throw e;
    }
  }

  #createOptions(spec: EnvSpec, opts: MakeOptions): Record<string, unknown> {
    if (
      opts.envOptions !== undefined &&
      (opts.envOptions === null || typeof opts.envOptions !== "object")
    ) {
      throw new EnvError(spec.id, "make", "envOptions", "must be an object", opts.envOptions);
    }
    return { ...spec.defaults, ...opts.envOptions };
  }

  #wrap(env: Env, spec: EnvSpec, opts: MakeOptions): Env {
    let out = env;
    if (opts.validateSteps) out = new ValidatingEnv(out, spec.id);
    const limit = opts.maxEpisodeSteps === undefined ? spec.maxEpisodeSteps : opts.maxEpisodeSteps;
    if (limit !== null && limit !== undefined) {
      if (!Number.isInteger(limit) || limit < 1) {
        throw new EnvError(
          spec.id,
          "make",
          "maxEpisodeSteps",
          "must be a positive integer or null",
          limit,
        );
      }
      out = new TimeLimit(out, limit);
    }
    if (opts.recordStatistics) out = new RecordEpisodeStatistics(out);
    return out;
  }
}

/** Closes an environment that failed its check, ignoring errors from `close` itself. */
async function closeQuietly(env: Env): Promise<void> {
  try {
    await env.close?.();
  } catch { /* the check's error is the one to report */ }
}

/** The process-wide registry that `envs/mod.ts` fills with the built-in environments. */
export const defaultRegistry: Registry = new Registry();

/**
 * Registers `spec` in the default registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { make, register, spec, unregister } from "./mod.ts";
 * import { CartPoleEnv } from "./classic/mod.ts";
 *
 * register({ id: "ShortPole-v0", create: () => new CartPoleEnv(), maxEpisodeSteps: 3 });
 * assert.equal(spec("ShortPole-v0").maxEpisodeSteps, 3);
 * const env = await make("ShortPole-v0");
 * await env.reset({ seed: 0 });
 * await env.step(0);
 * await env.step(1);
 * assert.equal((await env.step(0)).truncated, true); // the registry's TimeLimit
 * unregister("ShortPole-v0");
 * ```
 */
export function register(spec: EnvSpec): void {
  defaultRegistry.register(spec);
}

/**
 * Makes `id` from the default registry (see {@link Registry.make}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { make } from "./mod.ts";
 *
 * const env = await make("MountainCar-v0", { seed: 3 });
 * assert.equal(env.actionSpace.type, "discrete");
 * await assert.rejects(make("MountainCar-v9"), /MountainCar-v0/); // suggests the known id
 * ```
 */
export function make(id: string, opts?: MakeOptions): Promise<Env> {
  return defaultRegistry.make(id, opts);
}

/** Makes `id` synchronously from the default registry (see {@link Registry.makeSync}). */
export function makeSync(id: string, opts?: MakeOptions): Env {
  return defaultRegistry.makeSync(id, opts);
}

/**
 * The spec of `id` in the default registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spec } from "./mod.ts";
 *
 * assert.equal(spec("CartPole-v1").rewardThreshold, 475);
 * ```
 */
export function spec(id: string): EnvSpec {
  return defaultRegistry.spec(id);
}

/**
 * Every spec in the default registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listEnvs } from "./registry.ts";
 * import "./builtin.ts";
 *
 * assert.ok(listEnvs().some((s) => s.id === "Pendulum-v1"));
 * ```
 */
export function listEnvs(): EnvSpec[] {
  return defaultRegistry.listEnvs();
}

/**
 * Removes `id` from the default registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { make, register, unregister } from "./registry.ts";
 * import { CartPoleEnv } from "./classic/mod.ts";
 *
 * register({ id: "MyPole-v0", create: () => new CartPoleEnv(), maxEpisodeSteps: 50 });
 * assert.equal((await make("MyPole-v0")).observationSpace.type, "box");
 * assert.equal(unregister("MyPole-v0"), true);
 * await assert.rejects(make("MyPole-v0"));
 * ```
 */
export function unregister(id: string): boolean {
  return defaultRegistry.unregister(id);
}
