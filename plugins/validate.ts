/**
 * Per-call checks of what a plugin environment returns, shared by the in-process guard
 * and the sandbox Worker (this file imports no third-party code, so Workers start fast).
 *
 * For `reset` the result must be `{observation, info?}`; for `step`
 * `{observation, reward, terminated, truncated, info?}`, where
 *
 * - `observation` is array-like with exactly `flatDim(observationSpace)` finite numbers,
 * - `reward` is a finite number, `terminated`/`truncated` are booleans,
 * - `info`, when present, is an object,
 *
 * and, while the env is young (its first calls), every observation element lies inside the
 * box bounds. A failed check is described as a {@link Problem}: method, field path, what
 * is wrong and the value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultProblem } from "./validate.ts";
 * const p = resultProblem("step", { observation: [0, 0], reward: NaN, terminated: false,
 *   truncated: false, info: {} }, 2);
 * assert.equal(p?.path, "reward");
 * ```
 * @module
 */
import type { Space } from "../envs/spaces.ts";

/** One failed check. */
export interface Problem {
  /** `create`, `reset`, `step`, … */
  method: string;
  /** Field path, e.g. `observation.3`. */
  path: string;
  /** What is wrong. */
  problem: string;
  /** The offending value (kept small: elements, not whole arrays, where possible). */
  value: unknown;
}

/** `flatDim` for a space that may not have been validated yet (`-1` when unknown). */
export function looseFlatDim(space: unknown): number {
  const s = space as { type?: unknown; shape?: unknown; nvec?: unknown } | null;
  if (s?.type === "discrete") return 1;
  if (s?.type === "box" && Array.isArray(s.shape)) {
    return s.shape.reduce((a: number, b: unknown) => a * Number(b), 1);
  }
  if (s?.type === "multi-discrete" && Array.isArray(s.nvec)) return s.nvec.length;
  return -1;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return ArrayBuffer.isView(v) ||
    Array.isArray(v) ||
    (v !== null && typeof v === "object" && typeof (v as { length?: unknown }).length === "number");
}

/** Problems of one observation: array-like, `obsDim` elements, all finite numbers. */
export function observationProblem(
  method: string,
  observation: unknown,
  obsDim: number,
): Problem | null {
  if (!isArrayLike(observation)) {
    return {
      method,
      path: "observation",
      problem: "must be an array or typed array of numbers",
      value: observation,
    };
  }
  if (obsDim >= 0 && observation.length !== obsDim) {
    return {
      method,
      path: "observation",
      problem: `has ${observation.length} elements but the observation space needs ${obsDim}`,
      value: observation,
    };
  }
  for (let i = 0; i < observation.length; i++) {
    const v = observation[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      return { method, path: `observation.${i}`, problem: "must be a finite number", value: v };
    }
    if (!Number.isFinite(Math.fround(v))) {
      return {
        method,
        path: `observation.${i}`,
        problem: "must be a finite number within float32 range (|x| ≤ 3.4028234663852886e38)",
        value: v,
      };
    }
  }
  return null;
}

/**
 * Reads a `reset`/`step` result once into plain data: each field is read exactly once and
 * the observation is copied element by element into a plain array, so that getters,
 * Proxies or later mutation cannot show the validator one value and the consumer another
 * (a reward getter answering 1, then NaN). Anything else is returned as it is (and then
 * refused by {@link resultProblem}).
 * @throws whatever plugin code throws while being read (callers name the plugin).
 */
export function plainResult(result: unknown): unknown {
  if (result === null || typeof result !== "object") return result;
  const r = result as Record<string, unknown>;
  const out: Record<string, unknown> = {
    observation: r.observation,
    reward: r.reward,
    terminated: r.terminated,
    truncated: r.truncated,
    info: r.info,
  };
  out.observation = plainArray(out.observation);
  return out;
}

function plainArray(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Array.from(v);
    // The constructor reads the internal length and elements, never a getter.
    return Array.from(new Float64Array(v as unknown as ArrayLike<number>));
  }
  if (v === null || typeof v !== "object") return v;
  const length = (v as { length?: unknown }).length;
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0) return v;
  if (length > 1 << 26) return { length }; // refused by the length check
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) out[i] = (v as Record<number, unknown>)[i];
  return out;
}

/** Problems of a whole `reset` or `step` result. */
export function resultProblem(
  method: "reset" | "step",
  result: unknown,
  obsDim: number,
): Problem | null {
  if (result === null || typeof result !== "object") {
    const shape = method === "reset"
      ? "{observation, info}"
      : "{observation, reward, terminated, truncated, info}";
    return { method, path: "(result)", problem: `must return an object ${shape}`, value: result };
  }
  const r = result as Record<string, unknown>;
  const obs = observationProblem(method, r.observation, obsDim);
  if (obs) return obs;
  if (method === "step") {
    if (typeof r.reward !== "number" || !Number.isFinite(r.reward)) {
      return { method, path: "reward", problem: "must be a finite number", value: r.reward };
    }
    for (const flag of ["terminated", "truncated"] as const) {
      if (typeof r[flag] !== "boolean") {
        return { method, path: flag, problem: "must be a boolean", value: r[flag] };
      }
    }
  }
  if (r.info !== undefined && (r.info === null || typeof r.info !== "object")) {
    return { method, path: "info", problem: "must be a plain object", value: r.info };
  }
  return null;
}

/** Problems of an observation against box bounds (other spaces: integer membership). */
export function boundsProblem(
  method: string,
  observation: ArrayLike<number>,
  space: Space,
): Problem | null {
  if (space.type === "box") {
    const f = space.dtype === "float64" ? (x: number) => x : Math.fround;
    for (let i = 0; i < observation.length; i++) {
      const lo = typeof space.low === "number" ? space.low : space.low[i];
      const hi = typeof space.high === "number" ? space.high : space.high[i];
      const v = observation[i];
      if (v < f(lo) || v > f(hi)) {
        return {
          method,
          path: `observation.${i}`,
          problem: `is outside the observation space [${lo}, ${hi}]`,
          value: v,
        };
      }
    }
    return null;
  }
  if (space.type === "discrete") {
    const start = space.start ?? 0;
    const v = observation[0];
    if (!Number.isInteger(v) || v < start || v >= start + space.n) {
      return {
        method,
        path: "observation.0",
        problem: `is not in the discrete space {${start}, …, ${start + space.n - 1}}`,
        value: v,
      };
    }
    return null;
  }
  for (let i = 0; i < observation.length; i++) {
    const v = observation[i];
    const n = space.type === "multi-binary" ? 2 : space.nvec[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      return {
        method,
        path: `observation.${i}`,
        problem: `is not in {0, …, ${n - 1}}`,
        value: v,
      };
    }
  }
  return null;
}

/** Copies an observation into a fresh `Float32Array` (reuses it when already one). */
export function toFloat32(observation: ArrayLike<number>): Float32Array {
  return observation instanceof Float32Array ? observation : Float32Array.from(observation);
}
