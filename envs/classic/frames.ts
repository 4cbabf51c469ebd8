/**
 * Pictures of the five classic-control environments as {@link Frame}s, in each task's own
 * world units, with the geometry of Gymnasium's renderers: the cart and its pole on the
 * track, the pendulum's rod with an arc for the applied torque, the two acrobot links and
 * the goal line at height 1, the mountain car on the hill y = 0.45·sin(3x) + 0.55 with its
 * flag.
 *
 * Each function is pure (state in, frame out) and is called by the environment's
 * `renderFrame()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cartPoleFrame } from "./frames.ts";
 * const frame = cartPoleFrame(0, 0.1);
 * assert.ok(frame.shapes.length > 3);
 * ```
 * @module
 */
import type { Frame, Shape } from "../render.ts";

const INK = "#1f2937";
const MUTED = "#9ca3af";
const ACCENT = "#e07a3f";
const LINK = "#4f7cac";
const JOINT = "#f2c14e";

/** A rectangle of half-sizes (hw, hh) centred on (cx, cy), rotated by `angle` (rad, counter-clockwise). */
function box(cx: number, cy: number, hw: number, hh: number, angle: number): number[] {
  const c = Math.cos(angle), s = Math.sin(angle);
  const out: number[] = [];
  for (const [dx, dy] of [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]]) {
    out.push(cx + dx * c - dy * s, cy + dx * s + dy * c);
  }
  return out;
}

/** A bar of half-thickness `hw` from (x0, y0) to (x1, y1). */
function bar(x0: number, y0: number, x1: number, y1: number, hw: number): number[] {
  const dx = x1 - x0, dy = y1 - y0;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len * hw, ny = dx / len * hw;
  return [x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny];
}

/**
 * CartPole-v1: the cart (0.5 × 0.3) at x on the track, the pole (length 1 drawn, as
 * Gymnasium draws twice the half-length) at angle θ from upright, clockwise positive, and
 * the ±2.4 track limits.
 */
export function cartPoleFrame(x: number, theta: number): Frame {
  const axleY = 0.1;
  const tipX = x + Math.sin(theta), tipY = axleY + Math.cos(theta);
  const shapes: Shape[] = [
    { type: "line", x1: -3, y1: -0.15, x2: 3, y2: -0.15, stroke: MUTED, width: 0.02 },
    { type: "line", x1: -2.4, y1: -0.3, x2: -2.4, y2: 0.05, stroke: "#d1495b", width: 0.02 },
    { type: "line", x1: 2.4, y1: -0.3, x2: 2.4, y2: 0.05, stroke: "#d1495b", width: 0.02 },
    { type: "polygon", points: box(x, 0, 0.25, 0.15, 0), fill: INK },
    { type: "polygon", points: bar(x, axleY, tipX, tipY, 0.05), fill: ACCENT },
    { type: "circle", x, y: axleY, r: 0.05, fill: JOINT },
  ];
  return { viewport: { xMin: -3, xMax: 3, yMin: -0.5, yMax: 1.5 }, shapes, fps: 50 };
}

/**
 * Pendulum-v1: the rod of length 1 from the pivot to (−sin θ, cos θ) (θ = 0 upright) and an
 * arc around the pivot whose length grows with the last torque u ∈ [−2, 2] (counter-clockwise
 * for u > 0); no arc before the first step.
 */
export function pendulumFrame(theta: number, lastU: number): Frame {
  const tipX = -Math.sin(theta), tipY = Math.cos(theta);
  const shapes: Shape[] = [
    { type: "circle", x: 0, y: 0, r: 1.1, stroke: "#e5e7eb", width: 0.02 },
    { type: "polygon", points: bar(0, 0, tipX, tipY, 0.1), fill: "#cc4d4d" },
    { type: "circle", x: tipX, y: tipY, r: 0.1, fill: "#cc4d4d" },
    { type: "circle", x: 0, y: 0, r: 0.06, fill: INK },
  ];
  if (Number.isFinite(lastU) && lastU !== 0) {
    const sweep = (lastU / 2) * (Math.PI * 0.75);
    const start = Math.PI / 2 + theta;
    const points: number[] = [];
    const n = 16;
    for (let i = 0; i <= n; i++) {
      const a = start + sweep * i / n;
      points.push(0.4 * Math.cos(a), 0.4 * Math.sin(a));
    }
    const a = start + sweep, dir = Math.sign(sweep);
    const ex = 0.4 * Math.cos(a), ey = 0.4 * Math.sin(a);
    const tx = -Math.sin(a) * dir, ty = Math.cos(a) * dir;
    shapes.push(
      { type: "polyline", points, stroke: INK, width: 0.04 },
      {
        type: "polygon",
        points: [
          ex + tx * 0.12,
          ey + ty * 0.12,
          ex - tx * 0.02 + Math.cos(a) * 0.07,
          ey - ty * 0.02 + Math.sin(a) * 0.07,
          ex - tx * 0.02 - Math.cos(a) * 0.07,
          ey - ty * 0.02 - Math.sin(a) * 0.07,
        ],
        fill: INK,
      },
    );
  }
  return { viewport: { xMin: -1.4, xMax: 1.4, yMin: -1.4, yMax: 1.4 }, shapes, fps: 30 };
}

/**
 * Acrobot-v1: links of length 1 hanging from the pivot, the first at angle θ₁ from straight
 * down, the second at θ₁ + θ₂; the goal line at height 1 above the pivot.
 */
export function acrobotFrame(theta1: number, theta2: number): Frame {
  const x1 = Math.sin(theta1), y1 = -Math.cos(theta1);
  const x2 = x1 + Math.sin(theta1 + theta2), y2 = y1 - Math.cos(theta1 + theta2);
  const shapes: Shape[] = [
    { type: "line", x1: -2.2, y1: 1, x2: 2.2, y2: 1, stroke: "#3a9d5d", width: 0.03 },
    { type: "polygon", points: bar(0, 0, x1, y1, 0.08), fill: LINK },
    { type: "polygon", points: bar(x1, y1, x2, y2, 0.08), fill: LINK },
    { type: "circle", x: 0, y: 0, r: 0.09, fill: JOINT },
    { type: "circle", x: x1, y: y1, r: 0.09, fill: JOINT },
    { type: "circle", x: x2, y: y2, r: 0.05, fill: INK },
  ];
  return { viewport: { xMin: -2.2, xMax: 2.2, yMin: -2.2, yMax: 2.2 }, shapes, fps: 15 };
}

/** The mountain-car hill height y = 0.45·sin(3x) + 0.55. */
export function hillHeight(x: number): number {
  return Math.sin(3 * x) * 0.45 + 0.55;
}

/** The hill polygon over [−1.2, 0.6], computed once and shared by every frame. */
const HILL: number[] = (() => {
  const pts: number[] = [];
  const n = 60;
  for (let i = 0; i <= n; i++) {
    const x = -1.2 + 1.8 * i / n;
    pts.push(x, hillHeight(x));
  }
  pts.push(0.6, 0, -1.2, 0);
  return pts;
})();

/**
 * MountainCar-v0 and MountainCarContinuous-v0: the hill, the flag at `goal`, and the car
 * (0.12 × 0.06 with two wheels) standing on the hill at `position`, tilted with the slope.
 */
export function mountainCarFrame(position: number, goal: number): Frame {
  const angle = Math.atan(1.35 * Math.cos(3 * position));
  const c = Math.cos(angle), s = Math.sin(angle);
  const ground = hillHeight(position);
  const lift = 0.02;
  const cx = position - s * (lift + 0.03), cy = ground + c * (lift + 0.03);
  const wheel = (dx: number): Shape => ({
    type: "circle",
    x: position + dx * c - s * lift,
    y: ground + dx * s + c * lift,
    r: 0.018,
    fill: "#4b5563",
  });
  const flagY = hillHeight(goal);
  const shapes: Shape[] = [
    { type: "polygon", points: HILL, fill: "#d9e8d0", stroke: "#7fa36b", width: 0.008 },
    { type: "line", x1: goal, y1: flagY, x2: goal, y2: flagY + 0.15, stroke: INK, width: 0.008 },
    {
      type: "polygon",
      points: [goal, flagY + 0.15, goal, flagY + 0.11, goal + 0.07, flagY + 0.13],
      fill: "#e4b43c",
    },
    { type: "polygon", points: box(cx, cy, 0.06, 0.03, angle), fill: ACCENT },
    wheel(-0.035),
    wheel(0.035),
  ];
  return { viewport: { xMin: -1.2, xMax: 0.6, yMin: 0, yMax: 1.2 }, shapes, fps: 30 };
}
