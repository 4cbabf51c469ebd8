/**
 * Spaces as plain, JSON-serialisable data, validated by Zod.
 *
 * - `{ type: "discrete", n, start? }`: the integers start, …, start + n − 1.
 * - `{ type: "box", low, high, shape, dtype? }`: a real box; bounds are a number (the same
 *   for every element) or a flat array of `prod(shape)` numbers; `Infinity`/`-Infinity`
 *   (or the strings `"Infinity"`/`"-Infinity"`, for JSON) are allowed.
 * - `{ type: "multi-discrete", nvec }`: a vector of independent discrete choices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contains, flatDim, parseSpace } from "./spaces.ts";
 * const box = parseSpace({ type: "box", low: -1, high: 1, shape: [2] });
 * assert.equal(flatDim(box), 2);
 * assert.ok(contains(box, new Float32Array([0.5, -0.5])));
 * ```
 * @module
 */
import { z, type ZodType } from "../deps.ts";
import type { Rng } from "../random.ts";
import { flatDim, preview } from "./space_utils.ts";

const bound: ZodType<number> = z.union([
  z.number(),
  // Zod 4's z.number() rejects ±Infinity, which unbounded boxes need.
  z.literal([Infinity, -Infinity]),
  z.literal("Infinity").transform(() => Infinity),
  z.literal("-Infinity").transform(() => -Infinity),
], { error: 'a bound must be a number, "Infinity" or "-Infinity"' }).refine(
  (v) => !Number.isNaN(v),
  { message: "a bound must not be NaN" },
);

const dimension: ZodType<number> = z.number().int("a dimension must be an integer").positive(
  "a dimension must be positive",
);

/** Zod schema of a discrete space. */
const discreteSchema = z.object({
  type: z.literal("discrete"),
  n: z.number().int("n must be an integer").positive("n must be at least 1"),
  start: z.number().int("start must be an integer").optional(),
}).strict();

/** Zod schema of a box space (bounds checked against the shape). */
const boxSchema = z.object({
  type: z.literal("box"),
  low: z.union([bound, z.array(bound)]),
  high: z.union([bound, z.array(bound)]),
  shape: z.array(dimension).min(1, "shape needs at least one dimension"),
  dtype: z.enum(["float32", "float64"]).optional(),
}).strict().superRefine((box, ctx) => {
  const size = box.shape.reduce((a, b) => a * b, 1);
  for (const key of ["low", "high"] as const) {
    const v = box[key];
    if (Array.isArray(v) && v.length !== size) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `${key} has ${v.length} elements but shape [${box.shape}] needs ${size}`,
      });
    }
  }
  for (let i = 0; i < size; i++) {
    const lo = Array.isArray(box.low) ? box.low[i] : box.low;
    const hi = Array.isArray(box.high) ? box.high[i] : box.high;
    if (lo !== undefined && hi !== undefined && lo > hi) {
      ctx.addIssue({
        code: "custom",
        path: ["low", i],
        message: `low[${i}] = ${lo} is above high[${i}] = ${hi}`,
      });
      break;
    }
  }
});

/** Zod schema of a multi-discrete space. */
const multiDiscreteSchema = z.object({
  type: z.literal("multi-discrete"),
  nvec: z.array(z.number().int().positive("every nvec entry must be at least 1")).min(1),
}).strict();

/** The outcome of {@link Schema.safeParse}: the parsed value, or the issues found. */
export type SchemaResult<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: ZodIssueLike[] } };

/**
 * A runtime validator for values of type `T`: the part of a Zod schema this toolkit
 * exposes (the exported schemas are Zod schemas, typed by this interface).
 */
export interface Schema<T> {
  /** Validates `value` and returns it (normalised); throws a `ZodError` when it is invalid. */
  parse(value: unknown): T;
  /** Validates `value` without throwing; failures carry the issues with their field paths. */
  safeParse(value: unknown): SchemaResult<T>;
}

/** Zod schema of a discrete space. */
export const DiscreteSpaceSchema: Schema<DiscreteSpace> = discreteSchema;

/** Zod schema of a box space (bounds checked against the shape). */
export const BoxSpaceSchema: Schema<BoxSpace> = boxSchema;

/** Zod schema of a multi-discrete space. */
export const MultiDiscreteSpaceSchema: Schema<MultiDiscreteSpace> = multiDiscreteSchema;

/** Zod schema of any space. */
export const SpaceSchema: Schema<Space> = z.discriminatedUnion("type", [
  discreteSchema,
  boxSchema,
  multiDiscreteSchema,
], { error: 'a space needs type "discrete", "box" or "multi-discrete"' });

/** A discrete space {start, …, start + n − 1}. */
export interface DiscreteSpace {
  /** Discriminant. */
  type: "discrete";
  /** Number of actions. */
  n: number;
  /** The first value (default 0). */
  start?: number;
}

/** A (possibly unbounded) real box. */
export interface BoxSpace {
  /** Discriminant. */
  type: "box";
  /** Lower bound: one number, or one per element. */
  low: number | number[];
  /** Upper bound: one number, or one per element. */
  high: number | number[];
  /** The shape; observations are flattened row-major. */
  shape: number[];
  /** Element type (default float32). */
  dtype?: "float32" | "float64";
}

/** A vector of independent discrete choices, entry i in {0, …, nvec[i] − 1}. */
export interface MultiDiscreteSpace {
  /** Discriminant. */
  type: "multi-discrete";
  /** The number of choices of each entry. */
  nvec: number[];
}

/** Any space. */
export type Space = DiscreteSpace | BoxSpace | MultiDiscreteSpace;

/** A Zod issue, as far as error formatting needs it. */
export interface ZodIssueLike {
  /** Where in the value the problem is. */
  path: PropertyKey[];
  /** What the problem is. */
  message: string;
  /** Zod's issue code, e.g. `invalid_union`. */
  code?: string;
  /** For `invalid_union` issues: the issues of each failed alternative. */
  errors?: ZodIssueLike[][];
}

/**
 * Replaces Zod's generic "Invalid input" union issues by the issues of the alternative that
 * got furthest into the value (deepest path; on a tie, not a plain type mismatch), so
 * `low: [0, 0, 0, "x"]` reports `low.3` instead of `low`.
 */
export function flattenZodIssues(issues: ZodIssueLike[]): ZodIssueLike[] {
  const out: ZodIssueLike[] = [];
  for (const issue of issues) {
    const branches = issue.errors;
    if (issue.code !== "invalid_union" || !branches?.length || issue.message !== "Invalid input") {
      out.push(issue);
      continue;
    }
    let best: ZodIssueLike[] = branches[0];
    let bestScore = -1;
    for (const branch of branches) {
      let score = 0;
      for (const b of branch) {
        score = Math.max(score, b.path.length * 10 + (b.code === "invalid_type" ? 0 : 1));
      }
      if (score > bestScore) {
        bestScore = score;
        best = branch;
      }
    }
    for (const b of flattenZodIssues(best)) {
      out.push({ ...b, path: [...issue.path, ...b.path] });
    }
  }
  return out;
}

/** Formats a Zod error as `path: message` lines. */
export function formatZodIssues(
  error: { issues: ZodIssueLike[] },
  prefix = "",
): string {
  return flattenZodIssues(error.issues).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
    return `${path || "(root)"}: ${issue.message}`;
  }).join("; ");
}

/**
 * Validates and normalises a space (string infinities become numbers).
 * @throws TypeError naming `where` and the field path, e.g. `observationSpace.low.3`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSpace } from "./spaces.ts";
 *
 * const box = parseSpace({ type: "box", low: "-Infinity", high: 1, shape: [2] });
 * assert.equal(box.type === "box" && box.low, -Infinity);
 * assert.throws(() => parseSpace({ type: "discrete", n: 0 }, "actionSpace"), /actionSpace\.n/);
 * ```
 */
export function parseSpace(value: unknown, where = "space"): Space {
  const result = SpaceSchema.safeParse(value);
  if (!result.success) {
    throw new TypeError(
      `invalid ${where}: ${formatZodIssues(result.error, where)} (got ${preview(value)})`,
    );
  }
  return result.data as Space;
}

export { flatDim, preview };

/** Lower bound of element `i` of a box. */
export function boxLow(space: BoxSpace, i: number): number {
  return typeof space.low === "number" ? space.low : space.low[i];
}

/** Upper bound of element `i` of a box. */
export function boxHigh(space: BoxSpace, i: number): number {
  return typeof space.high === "number" ? space.high : space.high[i];
}

/** Float32 rounding of a bound, as Gymnasium stores float32 boxes. */
const f32 = Math.fround;

/**
 * True when `x` is a member of `space` (box bounds compared in float32 for float32 boxes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contains, type DiscreteSpace } from "./spaces.ts";
 *
 * const space: DiscreteSpace = { type: "discrete", n: 3, start: 0 };
 * assert.equal(contains(space, 2), true);
 * assert.equal(contains(space, 3), false);
 * ```
 */
export function contains(space: Space, x: unknown): boolean {
  switch (space.type) {
    case "discrete": {
      const start = space.start ?? 0;
      return typeof x === "number" && Number.isInteger(x) && x >= start && x < start + space.n;
    }
    case "box": {
      if (x === null || typeof x !== "object" || !("length" in x)) return false;
      const a = x as ArrayLike<number>;
      const n = flatDim(space);
      if (a.length !== n) return false;
      const round = space.dtype === "float64" ? (v: number) => v : f32;
      for (let i = 0; i < n; i++) {
        const v = a[i];
        if (typeof v !== "number" || Number.isNaN(v)) return false;
        if (v < round(boxLow(space, i)) || v > round(boxHigh(space, i))) return false;
      }
      return true;
    }
    case "multi-discrete": {
      if (x === null || typeof x !== "object" || !("length" in x)) return false;
      const a = x as ArrayLike<number>;
      if (a.length !== space.nvec.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (!Number.isInteger(a[i]) || a[i] < 0 || a[i] >= space.nvec[i]) return false;
      }
      return true;
    }
  }
}

/**
 * A random member of `space`. Box elements with two finite bounds are uniform; with one
 * infinite bound, the finite bound plus/minus an exponential deviate; unbounded, normal
 * (Gymnasium's rule).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type BoxSpace, contains, sample } from "./spaces.ts";
 * import { Rng } from "../random.ts";
 *
 * const space: BoxSpace = { type: "box", low: -1, high: 1, shape: [4] };
 * const x = sample(space, new Rng(0));
 * assert.ok(contains(space, x));
 * assert.deepEqual(sample(space, new Rng(0)), x); // same seed, same sample
 * ```
 */
export function sample(space: Space, rng: Rng): number | Float32Array | Int32Array {
  switch (space.type) {
    case "discrete":
      return (space.start ?? 0) + rng.integer(space.n);
    case "box": {
      const n = flatDim(space);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = boxLow(space, i);
        const hi = boxHigh(space, i);
        let v: number;
        if (Number.isFinite(lo) && Number.isFinite(hi)) v = rng.uniformRange(lo, hi);
        else if (Number.isFinite(lo)) v = lo - Math.log(1 - rng.uniform());
        else if (Number.isFinite(hi)) v = hi + Math.log(1 - rng.uniform());
        else v = rng.normal();
        // Keep float32 rounding inside the bounds.
        out[i] = v;
        if (out[i] > f32(hi)) out[i] = f32(hi);
        if (out[i] < f32(lo)) out[i] = f32(lo);
      }
      return out;
    }
    case "multi-discrete": {
      const out = new Int32Array(space.nvec.length);
      for (let i = 0; i < out.length; i++) out[i] = rng.integer(space.nvec[i]);
      return out;
    }
  }
}

/** Number of action logits a policy head needs (n, Σnvec) or the Gaussian dimension. */
export function actionParamDim(space: Space): number {
  switch (space.type) {
    case "discrete":
      return space.n;
    case "box":
      return flatDim(space);
    case "multi-discrete":
      return space.nvec.reduce((a, b) => a + b, 0);
  }
}
