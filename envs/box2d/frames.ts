/**
 * Pictures of the Box2D environments as {@link Frame}s, in metres (Gymnasium's pixels / 30),
 * with the geometry of Gymnasium's renderers:
 *
 * - LunarLander: the moon's surface (a polygon under the 11 terrain points), the two flags at
 *   the pad's ends, the lander's hexagonal body and its two legs (green when they touch the
 *   ground), and a flame under the main engine or beside a side engine when the last step
 *   fired it (its length grows with the engine's power). The viewport is the 20 m wide world
 *   and 3 m more than Gymnasium's 13.3 m height, as the lander starts at that top edge and
 *   often rises above it.
 * - BipedalWalker: the terrain under the visible points, the hardcore obstacles (stumps,
 *   stairs, pit walls), the ten lidar rays from the hull to where they hit, the four leg
 *   boxes and the hull. The viewport is 20 m wide and scrolls with the hull, as Gymnasium's.
 *
 * The functions take plain numbers (body poses as `[x, y, angle, …]`, the terrain) and are
 * called by each environment's `renderFrame()`. Shapes come from Gymnasium's constants,
 * repeated here so that drawing touches nothing of the physics.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lunarLanderFrame } from "./frames.ts";
 * const pose = [10, 10, 0];
 * const frame = lunarLanderFrame([pose, [9.3, 10, 0], [10.7, 10, 0]], [[0, 3], [20, 3]], 1, 0);
 * assert.ok(frame.shapes.some((s) => s.type === "polygon" && s.fill === "#f59e0b"));
 * ```
 * @module
 */
import type { Frame, Shape } from "../render.ts";

const SCALE = 30;
const W = 600 / SCALE;
const H = 400 / SCALE;

const SKY = "#0f172a";
const MOON = "#e5e7eb";
const LANDER = "#8064e6";
const LANDER_EDGE = "#4d4d80";
const LEG = "#6b5bd3";
const LEG_TOUCH = "#22c55e";
const FLAME = "#f59e0b";
const FLAG = "#facc15";
const POLE = "#f8fafc";

/** Lander body outline (pixels, body frame). */
const LANDER_POLY = [-14, 17, -17, 0, -17, -10, 17, -10, 17, 0, 14, 17].map((v) => v / SCALE);
const LANDER_LEG_HW = 2 / SCALE;
const LANDER_LEG_HH = 8 / SCALE;

/** Points (x, y) of `local` (flat list, body frame) in the world, for a body at `pose`. */
function place(local: readonly number[], pose: readonly number[]): number[] {
  const c = Math.cos(pose[2]), s = Math.sin(pose[2]);
  const out = new Array<number>(local.length);
  for (let i = 0; i + 1 < local.length; i += 2) {
    const x = local[i], y = local[i + 1];
    out[i] = pose[0] + x * c - y * s;
    out[i + 1] = pose[1] + x * s + y * c;
  }
  return out;
}

/** The corners of a box of half-sizes (hw, hh) centred on the body's origin. */
function boxLocal(hw: number, hh: number): number[] {
  return [-hw, -hh, hw, -hh, hw, hh, -hw, hh];
}

const LANDER_LEG = boxLocal(LANDER_LEG_HW, LANDER_LEG_HH);

/**
 * LunarLander-v3 / LunarLanderContinuous-v3. `bodies`: the lander then its two legs, each
 * `[x, y, angle, …]`; `terrain`: the 11 surface points `[x, y]`; `main` ∈ [0, 1] the main
 * engine's power on the last step, `side` ∈ [−1, 1] the side engine's (sign: the direction
 * Gymnasium gives it, −1 for action 1, +1 for action 3; 0 when neither fired);
 * `legContact` the legs' ground contacts.
 */
export function lunarLanderFrame(
  bodies: readonly (readonly number[])[],
  terrain: readonly (readonly number[])[],
  main: number,
  side: number,
  legContact: readonly boolean[] = [false, false],
): Frame {
  const moon: number[] = [];
  for (const p of terrain) moon.push(p[0], p[1]);
  moon.push(W, 0, 0, 0);
  const shapes: Shape[] = [{ type: "polygon", points: moon, fill: MOON }];
  const padY = H / 4;
  for (const x of [W / 2 - 2, W / 2 + 2]) {
    const top = padY + 50 / SCALE;
    shapes.push(
      { type: "line", x1: x, y1: padY, x2: x, y2: top, stroke: POLE, width: 0.05 },
      {
        type: "polygon",
        points: [x, top, x, top - 10 / SCALE, x + 25 / SCALE, top - 5 / SCALE],
        fill: FLAG,
      },
    );
  }
  const lander = bodies[0];
  if (lander !== undefined) {
    if (main > 0) {
      const len = 0.35 + 0.65 * main;
      shapes.push({
        type: "polygon",
        points: place([-0.15, -10 / SCALE, 0.15, -10 / SCALE, 0, -10 / SCALE - len], lander),
        fill: FLAME,
        opacity: 0.9,
      });
    }
    if (side !== 0) {
      // Gymnasium's side impulse points along −side · (body x); its exhaust the other way.
      const d = -Math.sign(side), y = 14 / SCALE, x0 = d * 17 / SCALE;
      const len = 0.3 * Math.abs(side);
      shapes.push({
        type: "polygon",
        points: place([x0, y + 0.08, x0, y - 0.08, x0 + d * len, y], lander),
        fill: FLAME,
        opacity: 0.9,
      });
    }
    for (let k = 1; k < bodies.length; k++) {
      shapes.push({
        type: "polygon",
        points: place(LANDER_LEG, bodies[k]),
        fill: legContact[k - 1] ? LEG_TOUCH : LEG,
        stroke: LANDER_EDGE,
        width: 0.03,
      });
    }
    shapes.push({
      type: "polygon",
      points: place(LANDER_POLY, lander),
      fill: LANDER,
      stroke: LANDER_EDGE,
      width: 0.04,
    });
  }
  return { viewport: { xMin: 0, xMax: W, yMin: 0, yMax: H + 3 }, shapes, background: SKY, fps: 50 };
}

const HULL_POLY = [-30, 9, 6, 9, 34, 1, 34, -8, -30, -8].map((v) => v / SCALE);
const UPPER_LEG = boxLocal(4 / SCALE, 17 / SCALE);
const LOWER_LEG = boxLocal(3.2 / SCALE, 17 / SCALE);
const LIDAR_RANGE = 160 / SCALE;

/**
 * BipedalWalker-v3 / BipedalWalkerHardcore-v3. `bodies`: the hull, then upper leg 0, lower
 * leg 0, upper leg 1, lower leg 1, each `[x, y, angle, …]`; `terrainX`/`terrainY` the terrain
 * points; `obstacles` the hardcore polygons; `lidar` the ten ray fractions (observation
 * 14–23, measured from the hull's current position).
 */
export function bipedalWalkerFrame(
  bodies: readonly (readonly number[])[],
  terrainX: readonly number[],
  terrainY: readonly number[],
  obstacles: readonly { vertices: readonly (readonly number[])[] }[],
  lidar: ArrayLike<number>,
): Frame {
  const hull = bodies[0];
  const scroll = hull === undefined ? 0 : hull[0] - W / 5;
  const xMin = scroll, xMax = scroll + W;
  const shapes: Shape[] = [];
  const ground: number[] = [];
  const step = 14 / SCALE;
  let first = -1, last = -1;
  for (let i = 0; i < terrainX.length; i++) {
    const x = terrainX[i];
    if (x < xMin - step) continue;
    if (x > xMax + step) break;
    if (first < 0) first = i;
    last = i;
    ground.push(x, terrainY[i]);
  }
  if (first >= 0 && last > first) {
    ground.push(terrainX[last], -1, terrainX[first], -1);
    shapes.push({
      type: "polygon",
      points: ground,
      fill: "#66b366",
      stroke: "#3f7f3f",
      width: 0.05,
    });
  }
  for (const o of obstacles) {
    let inside = false;
    for (const v of o.vertices) if (v[0] > xMin - 1 && v[0] < xMax + 1) inside = true;
    if (!inside) continue;
    const points: number[] = [];
    for (const v of o.vertices) points.push(v[0], v[1]);
    shapes.push({ type: "polygon", points, fill: "#ffffff", stroke: "#99994d", width: 0.04 });
  }
  if (hull !== undefined) {
    for (let i = 0; i < 10 && i < lidar.length; i++) {
      const a = 1.5 * i / 10, r = lidar[i] * LIDAR_RANGE;
      shapes.push({
        type: "line",
        x1: hull[0],
        y1: hull[1],
        x2: hull[0] + Math.sin(a) * r,
        y2: hull[1] - Math.cos(a) * r,
        stroke: "#ef4444",
        width: 0.03,
        opacity: 0.7,
      });
    }
    // The far leg (1) first, then the near one (0), as Gymnasium's colours suggest.
    for (const k of [3, 4, 1, 2]) {
      const b = bodies[k];
      if (b === undefined) continue;
      const near = k <= 2;
      shapes.push({
        type: "polygon",
        points: place(k % 2 === 1 ? UPPER_LEG : LOWER_LEG, b),
        fill: near ? "#b266cc" : "#8c4da6",
        stroke: near ? "#7f4d99" : "#5e3373",
        width: 0.04,
      });
    }
    shapes.push({
      type: "polygon",
      points: place(HULL_POLY, hull),
      fill: "#7f3fe5",
      stroke: "#4c268a",
      width: 0.05,
    });
  }
  return {
    viewport: { xMin, xMax, yMin: 0, yMax: H },
    shapes,
    background: "#e6e6ff",
    fps: 50,
  };
}
