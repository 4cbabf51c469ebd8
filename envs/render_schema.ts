/**
 * Validation of {@link Frame}s (for example those a plugin environment returns), apart from
 * `render.ts` so that browser bundles of the drawing code carry no Zod.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFrame } from "./render_schema.ts";
 * const f = parseFrame({ viewport: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, shapes: [] }, "demo");
 * assert.equal(f.shapes.length, 0);
 * ```
 * @module
 */
import { z } from "../deps.ts";
import type { Frame } from "./render.ts";
import { formatZodIssues, type Schema } from "./spaces.ts";

const finite = z.number().finite();
const StyleFields = {
  fill: z.string().max(64).optional(),
  stroke: z.string().max(64).optional(),
  width: finite.nonnegative().optional(),
  opacity: z.number().min(0).max(1).optional(),
};
const Points = z.array(finite).refine((p) => p.length % 2 === 0 && p.length >= 4, {
  message: "expected an even number (at least 4) of coordinates",
});

/** The Zod schema of a {@link Frame}. */
export const FrameSchema: Schema<Frame> = z.object({
  viewport: z.object({ xMin: finite, xMax: finite, yMin: finite, yMax: finite }).refine(
    (v) => v.xMax > v.xMin && v.yMax > v.yMin,
    { message: "expected xMax > xMin and yMax > yMin" },
  ),
  shapes: z.array(z.discriminatedUnion("type", [
    z.object({ type: z.literal("line"), x1: finite, y1: finite, x2: finite, y2: finite })
      .extend(StyleFields),
    z.object({ type: z.literal("polyline"), points: Points }).extend(StyleFields),
    z.object({ type: z.literal("polygon"), points: Points }).extend(StyleFields),
    z.object({ type: z.literal("circle"), x: finite, y: finite, r: finite.nonnegative() })
      .extend(StyleFields),
    z.object({
      type: z.literal("text"),
      x: finite,
      y: finite,
      text: z.string().max(200),
      size: finite.positive(),
      anchor: z.enum(["start", "middle", "end"]).optional(),
    }).extend(StyleFields),
  ])),
  background: z.string().max(64).optional(),
  fps: finite.positive().optional(),
});

/**
 * Validates a frame (for example one a plugin returned).
 * @throws TypeError `<where>: invalid frame: <field path: problem>`.
 */
export function parseFrame(value: unknown, where: string): Frame {
  const parsed = FrameSchema.safeParse(value);
  if (!parsed.success) {
    throw new TypeError(`${where}: invalid frame: ${formatZodIssues(parsed.error, "frame")}`);
  }
  return parsed.data;
}
