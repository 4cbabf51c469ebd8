/**
 * The two helpers on spaces that need no validator: the flattened size of a space and a
 * short preview of any value for error messages. They live apart from `spaces.ts` (whose
 * schemas load Zod) so that light modules, such as the vector environment a sandboxed
 * Worker runs, load nothing else; `spaces.ts` re-exports them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatDim, preview } from "./space_utils.ts";
 * assert.equal(flatDim({ type: "box", low: 0, high: 1, shape: [2, 3] }), 6);
 * assert.equal(preview(new Float32Array([1, NaN])), "[1,\"NaN\"]");
 * ```
 * @module
 */
import type { Space } from "./spaces.ts";

/** A short JSON preview of a value for error messages. */
export function preview(value: unknown, max = 120): string {
  let text: string;
  try {
    text = JSON.stringify(
      value,
      (_k, v) =>
        ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : (
          typeof v === "number" && !Number.isFinite(v) ? String(v) : v
        ),
    );
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/** Number of scalars in a flattened sample (1 for discrete). */
export function flatDim(space: Space): number {
  switch (space.type) {
    case "discrete":
      return 1;
    case "box":
      return space.shape.reduce((a, b) => a * b, 1);
    case "multi-discrete":
      return space.nvec.length;
  }
}
