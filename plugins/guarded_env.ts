/**
 * The in-process guard around a plugin's environment: every failure of third-party code
 * becomes one {@link PluginError} naming the plugin's source, the env id, the method and
 * the field.
 *
 * - At construction: the object has `reset`/`step` functions and both spaces are valid
 *   (`SpaceSchema`), e.g. `observationSpace.low`.
 * - On every `reset`/`step`: a throw (or a rejected Promise) is reported as
 *   `[id] step: (thrown): Error: …`; results must pass {@link resultProblem} (observation
 *   of the right length with finite values, finite reward, boolean flags), and during the
 *   first {@link YOUNG_CALLS} calls every observation must lie inside the space.
 * - Each result is first read once into plain data ({@link plainResult}): getters and
 *   Proxies cannot show the check one value and the trainer another.
 * - Observations are handed on as fresh `Float32Array`s; a missing `info` becomes `{}`.
 * - Anything plugin code throws — while running, or while its result, spaces or thrown
 *   value are read — becomes a `PluginError` naming the plugin.
 *
 * Synchronous environments stay synchronous: no Promise is created for them. A pending
 * asynchronous call fails at once on `interruptEnvironments` (`interrupt.ts`).
 * @module
 */
import { type Space, SpaceSchema } from "../envs/spaces.ts";
import { flattenZodIssues } from "../envs/spaces.ts";
import {
  type Action,
  type Env,
  type Info,
  isPromiseLike,
  type MaybePromise,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "../envs/types.ts";
import type { Frame } from "../envs/render.ts";
import { parseFrame } from "../envs/render_schema.ts";
import { describeThrown, PluginError } from "./errors.ts";
import { interruptible } from "./interrupt.ts";
import {
  boundsProblem,
  looseFlatDim,
  plainResult,
  type Problem,
  resultProblem,
  toFloat32,
} from "./validate.ts";

/** Calls during which observations are also checked against the space bounds. */
export const YOUNG_CALLS = 64;

/** Who an environment belongs to, for error messages. */
export interface PluginEnvContext {
  /** The plugin's source (path or URL). */
  source: string;
  /** The plugin's name. */
  plugin: string;
  /** The registered id, `name/Id-vN`. */
  envId: string;
}

/** Converts a {@link Problem} to a {@link PluginError} for `ctx`. */
export function problemError(ctx: PluginEnvContext, p: Problem): PluginError {
  return new PluginError({
    ...ctx,
    method: p.method,
    path: p.path,
    problem: p.problem,
    value: p.value,
  });
}

/** Wraps anything thrown by plugin code in `method` as a {@link PluginError}. */
export function thrownError(ctx: PluginEnvContext, method: string, error: unknown): PluginError {
  try {
    if (error instanceof PluginError) return error;
  } catch { /* a Proxy whose prototype trap throws: described below */ }
  return new PluginError({
    ...ctx,
    method,
    path: "(thrown)",
    problem: `threw ${describeThrown(error)}`,
    cause: error,
  });
}

/**
 * Validates a plugin env's spaces.
 * @throws PluginError with path `observationSpace.…` or `actionSpace.…`.
 */
export function checkedSpaces(
  ctx: PluginEnvContext,
  raw: { observationSpace?: unknown; actionSpace?: unknown },
): { observationSpace: Space; actionSpace: Space } {
  const out: Partial<Record<"observationSpace" | "actionSpace", Space>> = {};
  for (const key of ["observationSpace", "actionSpace"] as const) {
    const result = SpaceSchema.safeParse(raw[key]);
    if (!result.success) {
      const issue = flattenZodIssues(result.error.issues)[0];
      const path = [key, ...issue.path.map(String)].join(".");
      throw new PluginError({
        ...ctx,
        method: "create",
        path,
        problem: issue.message,
        value: raw[key],
      });
    }
    out[key] = result.data as Space;
  }
  return out as { observationSpace: Space; actionSpace: Space };
}

/**
 * Checks that `create` returned an environment-shaped object.
 * @throws PluginError with method `create`.
 */
export function checkEnvShape(ctx: PluginEnvContext, env: unknown): asserts env is Env {
  if (env === null || typeof env !== "object") {
    throw new PluginError({
      ...ctx,
      method: "create",
      path: "(result)",
      problem: "create must return an environment object",
      value: env,
    });
  }
  for (const m of ["reset", "step"] as const) {
    if (typeof (env as Record<string, unknown>)[m] !== "function") {
      throw new PluginError({
        ...ctx,
        method: "create",
        path: m,
        problem: `the environment must have a ${m}() method`,
        value: (env as Record<string, unknown>)[m],
      });
    }
  }
}

/** Validates results for one environment (shared by the guard and the sandbox proxy). */
export class ResultChecker {
  #young = YOUNG_CALLS;
  readonly #obsDim: number;

  /** Creates a checker for an environment with the given (validated) observation space. */
  constructor(readonly ctx: PluginEnvContext, readonly observationSpace: Space) {
    this.#obsDim = looseFlatDim(observationSpace);
  }

  /** Validates a reset result; returns it with a `Float32Array` observation. */
  reset(result: unknown): ResetResult {
    const r = this.#check("reset", result);
    return { observation: r.observation, info: r.info };
  }

  /** Validates a step result; returns it with a `Float32Array` observation. */
  step(result: unknown): StepResult {
    const r = this.#check("step", result);
    return {
      observation: r.observation,
      reward: r.reward as number,
      terminated: r.terminated as boolean,
      truncated: r.truncated as boolean,
      info: r.info,
    };
  }

  #check(
    method: "reset" | "step",
    result: unknown,
  ): {
    observation: Float32Array;
    info: Info;
    reward?: unknown;
    terminated?: unknown;
    truncated?: unknown;
  } {
    let plain: unknown;
    try {
      plain = plainResult(result);
    } catch (error) {
      throw thrownError(this.ctx, method, error);
    }
    const p = resultProblem(method, plain, this.#obsDim);
    if (p) throw problemError(this.ctx, p);
    const r = plain as Record<string, unknown>;
    const observation = toFloat32(r.observation as ArrayLike<number>);
    if (this.#young > 0) {
      this.#young--;
      const b = boundsProblem(method, observation, this.observationSpace);
      if (b) throw problemError(this.ctx, b);
    }
    return { ...r, observation, info: (r.info ?? {}) as Info };
  }
}

/** A plugin environment behind the guard (see the module documentation). */
export class GuardedEnv implements Env {
  /** The validated observation space. */
  readonly observationSpace: Space;
  /** The validated action space. */
  readonly actionSpace: Space;
  /** The plugin's own environment object. */
  readonly inner: Env;
  readonly #checker: ResultChecker;

  /** Guards `env`; throws a {@link PluginError} when it is not a valid environment. */
  constructor(readonly ctx: PluginEnvContext, env: unknown) {
    let spaces: { observationSpace: Space; actionSpace: Space };
    try {
      checkEnvShape(ctx, env);
      spaces = checkedSpaces(ctx, env);
    } catch (error) {
      throw thrownError(ctx, "create", error);
    }
    this.inner = env;
    this.observationSpace = spaces.observationSpace;
    this.actionSpace = spaces.actionSpace;
    this.#checker = new ResultChecker(ctx, spaces.observationSpace);
    const draw = (env as { renderFrame?: unknown }).renderFrame;
    if (typeof draw === "function") {
      this.renderFrame = () => {
        let frame: unknown;
        try {
          frame = draw.call(env);
        } catch (error) {
          throw thrownError(ctx, "renderFrame", error);
        }
        try {
          return parseFrame(frame, `[${ctx.envId}] renderFrame`);
        } catch (error) {
          throw thrownError(ctx, "renderFrame", error);
        }
      };
    }
  }

  /**
   * The plugin env's picture of its state (`envs/render.ts`), validated; present only when
   * the plugin env has a `renderFrame()`.
   */
  readonly renderFrame?: () => Frame;

  /** Resets the plugin env, validating the result. */
  reset(options?: ResetOptions): MaybePromise<ResetResult> {
    return this.#call("reset", () => this.inner.reset(options), (r) => this.#checker.reset(r));
  }

  /** Steps the plugin env, validating the result. */
  step(action: Action): MaybePromise<StepResult> {
    return this.#call("step", () => this.inner.step(action), (r) => this.#checker.step(r));
  }

  /** Closes the plugin env (errors named like the others). */
  close(): MaybePromise<void> {
    if (typeof this.inner.close !== "function") return;
    return this.#call("close", () => this.inner.close!(), () => undefined);
  }

  /** The plugin env's text rendering, when it has one. */
  render(): MaybePromise<string> {
    if (typeof this.inner.render !== "function") return "";
    return this.#call("render", () => this.inner.render!(), (s) => String(s));
  }

  #call<T>(method: string, run: () => unknown, check: (r: unknown) => T): MaybePromise<T> {
    let out: unknown;
    let async: boolean;
    try {
      out = run();
      async = isPromiseLike(out); // reads `then`, which may be a throwing getter
    } catch (error) {
      throw thrownError(this.ctx, method, error);
    }
    const checked = (r: unknown): T => {
      try {
        return check(r);
      } catch (error) {
        throw thrownError(this.ctx, method, error);
      }
    };
    if (async) {
      const settled = Promise.resolve(out).then(checked, (error) => {
        throw thrownError(this.ctx, method, error);
      });
      return interruptible(this.ctx, method, settled);
    }
    return checked(out);
  }
}
