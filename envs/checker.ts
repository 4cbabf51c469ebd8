/**
 * The environment checker: validates an environment against the interface contract with
 * Zod, and a per-step validating wrapper.
 *
 * {@link checkEnv} verifies, in order:
 *
 * 1. both spaces are well formed (`SpaceSchema`), e.g. `observationSpace.low.3`;
 * 2. `reset({seed})` returns `{observation, info}` and `step(a)` returns
 *    `{observation, reward, terminated, truncated, info}`, where the observation has
 *    `flatDim(observationSpace)` finite elements inside the space, the reward is a finite
 *    number, the flags are booleans and `info` is a plain object;
 * 3. seeding is reproducible: `reset({seed: s})` followed by the same `k` actions gives, bit
 *    for bit, the same observations, rewards and flags twice.
 *
 * Every failure throws an {@link EnvError} naming the env id, the method, the field path
 * and the offending value. Synchronous environments are checked synchronously
 * ({@link checkEnvSync}); environments whose `reset`/`step` return Promises are awaited.
 *
 * @example
 * ```ts
 * import { checkEnvSync } from "./checker.ts";
 * import type { Env } from "./types.ts";
 * const still: Env = {
 *   observationSpace: { type: "box", low: -1, high: 1, shape: [1] },
 *   actionSpace: { type: "discrete", n: 2 },
 *   reset: () => ({ observation: new Float32Array([0]), info: {} }),
 *   step: () => ({
 *     observation: new Float32Array([0]), reward: 1, terminated: false, truncated: false, info: {},
 *   }),
 * };
 * checkEnvSync(still, { id: "Still-v0" });
 * ```
 * @module
 */
import { z, type ZodType } from "../deps.ts";
import { Rng } from "../random.ts";
import { EnvError } from "./errors.ts";
import {
  boxHigh,
  boxLow,
  flatDim,
  flattenZodIssues,
  sample,
  type Schema,
  type Space,
  SpaceSchema,
  type ZodIssueLike,
} from "./spaces.ts";
import {
  type Action,
  type Env,
  isPromiseLike,
  type MaybePromise,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "./types.ts";
import { thenMaybe, Wrapper } from "./wrappers/wrapper.ts";

/** Options of {@link checkEnv}. */
export interface CheckOptions {
  /** The id used in error messages (default `"<unnamed env>"`). */
  id?: string;
  /** The seed of the reproducibility check (default 12345). */
  seed?: number;
  /** Steps taken in each of the two reproducibility passes (default 32). */
  steps?: number;
}

const UNNAMED = "<unnamed env>";

const infoSchema: ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown(), {
  error: "must be a plain object (Gymnasium's info dict)",
});

/** Zod schema of the object `reset` returns (the observation is checked separately). */
export const ResetResultSchema: Schema<{ observation: unknown; info: Record<string, unknown> }> = z
  .object({
    observation: z.unknown(),
    info: infoSchema,
  }, { error: "reset must return an object {observation, info}" });

/** Zod schema of the object `step` returns (the observation is checked separately). */
export const StepResultSchema: Schema<
  {
    observation: unknown;
    reward: number;
    terminated: boolean;
    truncated: boolean;
    info: Record<string, unknown>;
  }
> = z.object({
  observation: z.unknown(),
  reward: z.number({ error: "must be a finite number" }),
  terminated: z.boolean({ error: "must be a boolean" }),
  truncated: z.boolean({ error: "must be a boolean" }),
  info: infoSchema,
}, { error: "step must return an object {observation, reward, terminated, truncated, info}" });

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function zodToEnvError(
  error: { issues: ZodIssueLike[] },
  root: unknown,
  id: string,
  method: string,
  prefix: string,
): EnvError {
  const issue = flattenZodIssues(error.issues)[0];
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  return new EnvError(id, method, path || "(result)", issue.message, valueAt(root, issue.path));
}

/**
 * Validates both spaces of `env` (Zod), returning them parsed.
 * @throws EnvError with method `create` and a path such as `observationSpace.low.3`.
 */
export function checkSpaces(
  env: Env,
  id = UNNAMED,
): { observationSpace: Space; actionSpace: Space } {
  const out: Partial<Record<"observationSpace" | "actionSpace", Space>> = {};
  for (const key of ["observationSpace", "actionSpace"] as const) {
    const value = env[key];
    const r = SpaceSchema.safeParse(value);
    if (!r.success) throw zodToEnvError(r.error, value, id, "create", key);
    out[key] = r.data as Space;
  }
  return out as { observationSpace: Space; actionSpace: Space };
}

/**
 * Checks that `x` is a valid member of `space` as an observation or action: the right
 * length, finite numbers, inside the bounds.
 * @throws EnvError naming `path` (e.g. `observation.2`) and the element.
 */
export function checkSpaceMember(
  space: Space,
  x: unknown,
  id: string,
  method: string,
  path: string,
): void {
  const fail = (p: string, problem: string, v: unknown): never => {
    throw new EnvError(id, method, p, problem, v);
  };
  if (space.type === "discrete") {
    const v = typeof x === "number" ? x : (isArrayLike(x) && x.length === 1 ? x[0] : x);
    const start = space.start ?? 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < start || v >= start + space.n) {
      fail(path, `must be an integer in [${start}, ${start + space.n - 1}]`, x);
    }
    return;
  }
  if (!isArrayLike(x)) return fail(path, "must be an array or typed array of numbers", x);
  const n = flatDim(space);
  if (x.length !== n) {
    fail(`${path}.length`, `must be ${n} (flatDim of the space)`, x.length);
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      fail(`${path}.${i}`, "must be a finite number", v);
    }
    if (space.type === "box") {
      const round = space.dtype === "float64" ? (u: number) => u : Math.fround;
      const lo = boxLow(space, i);
      const hi = boxHigh(space, i);
      if (v < round(lo) || v > round(hi)) {
        fail(`${path}.${i}`, `is outside the space [${lo}, ${hi}]`, v);
      }
    } else if (space.type === "multi-binary") {
      if (v !== 0 && v !== 1) fail(`${path}.${i}`, "must be 0 or 1", v);
    } else if (!Number.isInteger(v) || v < 0 || v >= space.nvec[i]) {
      fail(`${path}.${i}`, `must be an integer in [0, ${space.nvec[i] - 1}]`, v);
    }
  }
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return x !== null && typeof x === "object" &&
    typeof (x as { length?: unknown }).length === "number";
}

/** Validates what `reset` returned. @throws EnvError (method `reset`). */
export function checkResetResult(space: Space, result: unknown, id = UNNAMED): ResetResult {
  const r = ResetResultSchema.safeParse(result);
  if (!r.success) throw zodToEnvError(r.error, result, id, "reset", "");
  const res = result as ResetResult;
  checkSpaceMember(space, res.observation, id, "reset", "observation");
  return res;
}

/** Validates what `step` returned. @throws EnvError (method `step`). */
export function checkStepResult(space: Space, result: unknown, id = UNNAMED): StepResult {
  const r = StepResultSchema.safeParse(result);
  if (!r.success) throw zodToEnvError(r.error, result, id, "step", "");
  const res = result as StepResult;
  checkSpaceMember(space, res.observation, id, "step", "observation");
  return res;
}

/** Runs a generator that yields values or Promises: synchronously while nothing is a Promise. */
function drive<T>(
  gen: Generator<unknown, T, unknown>,
  allowAsync: boolean,
  id: string,
): MaybePromise<T> {
  let r = gen.next();
  while (!r.done) {
    if (isPromiseLike(r.value)) {
      if (!allowAsync) {
        throw new EnvError(
          id,
          "checkEnvSync",
          "(result)",
          "returned a Promise: use checkEnv",
          "Promise",
        );
      }
      const pending = r.value;
      return (async () => {
        let it = await pending.then(
          (v) => gen.next(v),
          (e) => gen.throw(e),
        );
        while (!it.done) it = gen.next(await it.value);
        return it.value;
      })();
    }
    r = gen.next(r.value);
  }
  return r.value;
}

interface Trace {
  obs: number[][];
  rewards: number[];
  flags: string[];
}

function* checkGen(env: Env, opts: CheckOptions): Generator<unknown, void, unknown> {
  const id = opts.id ?? UNNAMED;
  const seed = opts.seed ?? 12345;
  const steps = opts.steps ?? 32;
  const { observationSpace, actionSpace } = checkSpaces(env, id);
  for (const m of ["reset", "step"] as const) {
    if (typeof env[m] !== "function") {
      throw new EnvError(id, "create", m, "must be a method", env[m]);
    }
  }
  const traces: Trace[] = [];
  for (let pass = 0; pass < 2; pass++) {
    const actionRng = new Rng(seed);
    const trace: Trace = { obs: [], rewards: [], flags: [] };
    const first = checkResetResult(observationSpace, yield env.reset({ seed }), id);
    trace.obs.push(Array.from(asArray(first.observation)));
    for (let t = 0; t < steps; t++) {
      const action = sample(actionSpace, actionRng);
      const s = checkStepResult(observationSpace, yield env.step(action), id);
      trace.obs.push(Array.from(asArray(s.observation)));
      trace.rewards.push(s.reward);
      trace.flags.push(`${s.terminated}/${s.truncated}`);
      if (s.terminated || s.truncated) {
        const again = checkResetResult(observationSpace, yield env.reset(), id);
        trace.obs.push(Array.from(asArray(again.observation)));
      }
    }
    traces.push(trace);
  }
  compareTraces(traces[0], traces[1], id, seed);
}

function asArray(x: unknown): ArrayLike<number> {
  return typeof x === "number" ? [x] : x as ArrayLike<number>;
}

function compareTraces(a: Trace, b: Trace, id: string, seed: number): void {
  const why = (what: string) =>
    `seeding is not reproducible: after reset({seed: ${seed}}) and the same actions, ${what}`;
  for (let k = 0; k < Math.min(a.obs.length, b.obs.length); k++) {
    for (let i = 0; i < a.obs[k].length; i++) {
      if (!Object.is(a.obs[k][i], b.obs[k][i])) {
        const method = k === 0 ? "reset" : "step";
        throw new EnvError(
          id,
          method,
          `observation.${i}`,
          why(`observation ${k} differs between two runs (first run: ${a.obs[k][i]})`),
          b.obs[k][i],
        );
      }
    }
  }
  for (let k = 0; k < a.rewards.length; k++) {
    if (!Object.is(a.rewards[k], b.rewards[k])) {
      throw new EnvError(
        id,
        "step",
        "reward",
        why(`reward ${k} differs (first run: ${a.rewards[k]})`),
        b.rewards[k],
      );
    }
    if (a.flags[k] !== b.flags[k]) {
      throw new EnvError(
        id,
        "step",
        "terminated/truncated",
        why(`flags of step ${k} differ (first run: ${a.flags[k]})`),
        b.flags[k],
      );
    }
  }
  if (a.obs.length !== b.obs.length) {
    throw new EnvError(id, "step", "terminated", why("episodes ended at different steps"), b.flags);
  }
}

/**
 * Checks `env` (see the module doc); awaits asynchronous environments.
 * @throws EnvError naming env id, method, field path and value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkEnv } from "./checker.ts";
 * import { CartPoleEnv } from "./classic/mod.ts";
 * import { EnvError } from "./errors.ts";
 *
 * await checkEnv(new CartPoleEnv(), { id: "CartPole-v1" });
 * const broken = new CartPoleEnv();
 * const nan = { observation: [0, 0, 0, 0], reward: NaN, terminated: false, truncated: false };
 * broken.step = () => ({ ...nan, info: {} });
 * await assert.rejects(checkEnv(broken, { id: "Broken-v0" }), EnvError);
 * ```
 */
export async function checkEnv(env: Env, opts: CheckOptions = {}): Promise<void> {
  await drive(checkGen(env, opts), true, opts.id ?? UNNAMED);
}

/**
 * Checks a synchronous `env` without any Promise (see the module doc).
 * @throws EnvError, also when `reset`/`step` return a Promise.
 */
export function checkEnvSync(env: Env, opts: CheckOptions = {}): void {
  drive(checkGen(env, opts), false, opts.id ?? UNNAMED);
}

/**
 * Validates every action, reset and step result of the wrapped environment (as
 * {@link checkEnv} does once), throwing an {@link EnvError} at the first violation.
 */
export class ValidatingEnv extends Wrapper {
  /** The id named in errors. */
  readonly id: string;

  /** Wraps `env`; its spaces are validated at once. */
  constructor(env: Env, id = UNNAMED) {
    super(env);
    this.id = id;
    checkSpaces(env, id);
  }

  /** Resets and validates the result. */
  override reset(options?: ResetOptions): MaybePromise<ResetResult> {
    return thenMaybe(
      this.env.reset(options),
      (r) => checkResetResult(this.env.observationSpace, r, this.id),
    );
  }

  /** Validates the action, steps, and validates the result. */
  override step(action: Action): MaybePromise<StepResult> {
    checkSpaceMember(this.env.actionSpace, action, this.id, "step", "action");
    return thenMaybe(
      this.env.step(action),
      (r) => checkStepResult(this.env.observationSpace, r, this.id),
    );
  }
}
