/**
 * Plumbing shared by the five classic-control environments; none of it touches the dynamics.
 *
 * - seeding: an entropy seed for a fresh `Rng`, and reseeding on `reset({ seed })`;
 * - validation with the same error texts everywhere: constructor options and reset options
 *   (Zod), the reset interval `low ≤ high`, `setState` lengths, actions, "call reset() first";
 * - {@link stepViaInto}: the allocating `step()` result built on the allocation-free
 *   `stepInto`, so both paths run the same code;
 * - the one-line mountain-car track picture used by both mountain-car variants.
 *
 * These are plain functions called from each environment, never virtual methods, so every
 * `stepInto` stays monomorphic and allocation-free.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseResetBounds } from "./common.ts";
 * const { low, high } = parseResetBounds("Demo-v0", { low: -1 }, -0.05, 0.05);
 * assert.equal(low, -1);
 * assert.equal(high, 0.05);
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import { assertSeed, type Rng } from "../../random.ts";
import { formatZodIssues, preview } from "../spaces.ts";
import type { FastStepEnv, StepResult } from "../types.ts";

/** A fresh random seed for a generator nobody seeded (Gymnasium seeds from entropy too). */
export function entropySeed(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0] & 0x1fffff) * 2 ** 32 + words[1];
}

/** Re-seeds `rng` when `seed` is given; throws a RangeError naming `<id>.reset: seed`. */
export function reseed(rng: Rng, id: string, seed: number | undefined): void {
  if (seed !== undefined) {
    assertSeed(seed, `${id}.reset: seed`);
    rng.seed(seed);
  }
}

/**
 * Validates constructor options against `schema`.
 * @throws TypeError `<id>: invalid constructor options: <field: problem> (got …)`.
 */
export function parseOptions<T>(id: string, schema: z.ZodType<T>, options: unknown): T {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new TypeError(
      `${id}: invalid constructor options: ${formatZodIssues(parsed.error, "options")} ` +
        `(got ${preview(options)})`,
    );
  }
  return parsed.data;
}

/**
 * Validates `reset({ options })` against `schema`.
 * @throws TypeError `<id>.reset: invalid options: <field: problem> (got …)`.
 */
export function parseResetOptions<T>(id: string, schema: z.ZodType<T>, options: unknown): T {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new TypeError(
      `${id}.reset: invalid options: ${formatZodIssues(parsed.error, "options")} ` +
        `(got ${preview(options)})`,
    );
  }
  return parsed.data;
}

/** The reset options `{ low?, high? }` accepted by the environments drawing from U(low, high). */
const ResetBoundsSchema = z.object({
  low: z.number().optional(),
  high: z.number().optional(),
}).strict();

/**
 * Reads the start-state interval from reset options `{ low?, high? }`, falling back to the
 * given defaults.
 * @throws TypeError on unknown or non-numeric fields, RangeError when low > high.
 */
export function parseResetBounds(
  id: string,
  options: unknown,
  defaultLow: number,
  defaultHigh: number,
): { low: number; high: number } {
  const data = parseResetOptions(id, ResetBoundsSchema, options);
  const low = data.low ?? defaultLow;
  const high = data.high ?? defaultHigh;
  if (low > high) {
    throw new RangeError(`${id}.reset: options.low = ${low} is above options.high = ${high}`);
  }
  return { low, high };
}

/**
 * Checks a `setState` argument holds exactly `n` numbers.
 * @throws TypeError naming `<id>.<method>` and the bad length or element.
 */
export function checkState(
  id: string,
  state: ArrayLike<number>,
  n: number,
  method = "setState",
): void {
  if (state === null || typeof state !== "object" || state.length !== n) {
    throw new TypeError(`${id}.${method}: state must hold ${n} numbers, got ${preview(state)}`);
  }
  for (let i = 0; i < n; i++) {
    if (typeof state[i] !== "number") {
      throw new TypeError(
        `${id}.${method}: state[${i}] must be a number, got ${preview(state[i])}`,
      );
    }
  }
}

/** Throws `<id>.<method>: call reset() before stepping` unless `hasState`. */
export function requireState(hasState: boolean, id: string, method: string): void {
  if (!hasState) throw new Error(`${id}.${method}: call reset() before stepping`);
}

/**
 * The TypeError for an action outside Discrete(n), e.g. `CartPole-v1.step: action must be
 * 0 or 1 (Discrete(2)), got 5`; `shown` is the offending value as it should be printed.
 */
export function discreteActionError(
  id: string,
  method: string,
  n: number,
  shown: string,
): TypeError {
  const values = Array.from({ length: n }, (_, i) => String(i));
  const list = n === 1 ? "0" : `${values.slice(0, -1).join(", ")} or ${values[n - 1]}`;
  return new TypeError(`${id}.${method}: action must be ${list} (Discrete(${n})), got ${shown}`);
}

/**
 * The action of a Discrete(n) `stepInto` (a number, or element 0 of a Float32Array).
 * Small enough for the engine to inline into each environment's own `stepInto`.
 * @throws TypeError naming `<id>.stepInto` unless the action is an integer in [0, n).
 */
export function discreteAction(id: string, action: number | Float32Array, n: number): number {
  const a = typeof action === "number" ? action : action[0];
  if (!(a >= 0 && a < n && Math.floor(a) === a)) {
    throw discreteActionError(id, "stepInto", n, String(a));
  }
  return a;
}

/**
 * Reads the scalar of a Box(1) action given to `<id>.step` (a plain number is accepted).
 * @throws TypeError unless the action is a number or a length-1 array holding a number.
 */
export function scalarAction(id: string, action: unknown): number {
  let a: unknown;
  if (typeof action === "number") a = action;
  else if (
    action !== null && typeof action === "object" && (action as ArrayLike<unknown>).length === 1
  ) a = (action as ArrayLike<unknown>)[0];
  else {
    throw new TypeError(
      `${id}.step: action must be a Float32Array of length 1, got ${preview(action)}`,
    );
  }
  if (typeof a !== "number") {
    throw new TypeError(`${id}.step: action[0] must be a number, got ${preview(a)}`);
  }
  return a;
}

/**
 * The allocating `step()` result, computed by `env.stepInto` into a fresh Float32Array of
 * `size` values (the caller has already validated the action and the state).
 */
export function stepViaInto(
  env: FastStepEnv,
  action: number | Float32Array,
  size: number,
): StepResult {
  const observation = new Float32Array(size);
  const reward = env.stepInto(action, observation, 0, terminatedScratch, 0);
  return {
    observation,
    reward,
    terminated: terminatedScratch[0] === 1,
    truncated: false,
    info: {},
  };
}

/** The terminated flag written by {@link stepViaInto} (one shared byte: nothing re-enters). */
const terminatedScratch = new Uint8Array(1);

/**
 * A one-line picture of the mountain-car track over [min, max]: the car `C`, the flag `F`
 * at `goal`, then the position and velocity.
 */
export function renderTrack(
  id: string,
  position: number,
  velocity: number,
  goal: number,
  min: number,
  max: number,
): string {
  const width = 37;
  const cell = (p: number) => Math.round(((p - min) / (max - min)) * (width - 1));
  const cells = Array.from({ length: width }, () => "_");
  cells[cell(goal)] = "F";
  const c = cell(position);
  if (c >= 0 && c < width) cells[c] = "C";
  return `${id} [${cells.join("")}] p=${position.toFixed(4)} v=${velocity.toFixed(5)}`;
}
