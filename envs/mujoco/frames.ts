/**
 * Pictures of the MuJoCo environments as {@link Frame}s: every geom of the model at its
 * current world pose (MjData's `geom_xpos`/`geom_xmat`), projected on the plane of motion —
 * x–z for the planar hopper, walker, cheetah and pendulums, x–y (seen from above) for
 * Reacher (with a circle of the arm's reach, 0.21 m), and an oblique projection
 * (x + 0.4·y, z + 0.25·y) for Ant, with a 1 m grid on its floor. The pendulums get their rail as a line.
 *
 * Capsules and cylinders are thick lines between their end points (round caps: exact for a
 * capsule's outline, close for a cylinder), spheres and ellipsoids circles, boxes the outline
 * of their projected corners, and planes the floor line (x–z) or their rectangle; the oblique
 * view paints from the back (large y) to the front. Units are
 * metres; for the walkers the viewport follows the torso.
 *
 * The model's geom types and sizes are copied once per model (they never change); the pose
 * arrays are read from MjData on every call, so a view detached by Wasm memory growth is
 * never used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { projectGeoms } from "./frames.ts";
 * // One capsule of radius 0.05 along world z, from z = 0.8 to 1.2, projected on x–z.
 * const shapes = projectGeoms(
 *   { type: [3], size: [0.05, 0.2, 0] },
 *   [0, 0, 1],
 *   [1, 0, 0, 0, 1, 0, 0, 0, 1],
 *   "xz",
 * );
 * assert.deepEqual(shapes[0], {
 *   type: "line", x1: 0, y1: 0.8, x2: 0, y2: 1.2, stroke: "#4f7cac", width: 0.1,
 * });
 * ```
 * @module
 */
import type { Frame, Shape } from "../render.ts";

/** How a frame projects world points: x–z side view, x–y top view, or oblique 3-D. */
export type Projection = "xz" | "xy" | "oblique";

/** What {@link projectGeoms} needs of the model: geom types and sizes (3 per geom). */
export interface GeomTable {
  /** mjtGeom per geom (0 plane, 2 sphere, 3 capsule, 4 ellipsoid, 5 cylinder, 6 box). */
  type: ArrayLike<number>;
  /** geom_size, 3 per geom. */
  size: ArrayLike<number>;
  /** Body id per geom (colours: the world's geoms are the floor). */
  body?: ArrayLike<number>;
}

const PALETTE = ["#4f7cac", "#e07a3f", "#3a9d5d", "#b45fb3", "#d1495b", "#c9a227"];
const FLOOR = "#9ca3af";

function project(p: Projection, x: number, y: number, z: number): [number, number] {
  if (p === "xz") return [x, z];
  if (p === "xy") return [x, y];
  return [x + 0.4 * y, z + 0.25 * y];
}

/** Convex hull (monotone chain) of a flat point list, as a flat list. */
function hull(points: number[]): number[] {
  const idx: number[] = [];
  for (let i = 0; i < points.length; i += 2) idx.push(i);
  idx.sort((a, b) => points[a] - points[b] || points[a + 1] - points[b + 1]);
  const cross = (o: number, a: number, b: number) =>
    (points[a] - points[o]) * (points[b + 1] - points[o + 1]) -
    (points[a + 1] - points[o + 1]) * (points[b] - points[o]);
  const lower: number[] = [], upper: number[] = [];
  for (const i of idx) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], i) <= 0) {
      lower.pop();
    }
    lower.push(i);
  }
  for (let k = idx.length - 1; k >= 0; k--) {
    const i = idx[k];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], i) <= 0) {
      upper.pop();
    }
    upper.push(i);
  }
  const out: number[] = [];
  for (const i of [...lower.slice(0, -1), ...upper.slice(0, -1)]) {
    out.push(points[i], points[i + 1]);
  }
  return out;
}

/**
 * Shapes of every geom: `xpos` (3 per geom) and `xmat` (9 per geom, row-major) are the world
 * poses; `floor` is the horizontal extent given to an infinite (size 0) plane.
 */
export function projectGeoms(
  geoms: GeomTable,
  xpos: ArrayLike<number>,
  xmat: ArrayLike<number>,
  projection: Projection,
  floor: [number, number] = [-10, 10],
): Shape[] {
  const shapes: Shape[] = [];
  const n = geoms.type.length;
  const order: number[] = [];
  for (let g = 0; g < n; g++) order.push(g);
  if (projection === "oblique") {
    // Painter's order: planes first, then from the back (large y) to the front.
    const depth = (g: number) => geoms.type[g] === 0 ? Infinity : xpos[3 * g + 1];
    order.sort((a, b) => depth(b) - depth(a));
  }
  for (const g of order) {
    const t = geoms.type[g];
    const px = xpos[3 * g], py = xpos[3 * g + 1], pz = xpos[3 * g + 2];
    const m = 9 * g;
    const s0 = geoms.size[3 * g], s1 = geoms.size[3 * g + 1], s2 = geoms.size[3 * g + 2];
    const colour = PALETTE[(geoms.body?.[g] ?? g) % PALETTE.length];
    if (t === 0) {
      // A plane: its local x and y axes are the columns 0 and 1 of xmat.
      const hx = s0 > 0 ? s0 : (floor[1] - floor[0]) / 2, hy = s1 > 0 ? s1 : hx;
      if (projection === "xz") {
        const [a] = project(projection, px - hx, py, pz);
        const [b] = project(projection, px + hx, py, pz);
        shapes.push({
          type: "line",
          x1: Math.max(a, floor[0]),
          y1: pz,
          x2: Math.min(b, floor[1]),
          y2: pz,
          stroke: FLOOR,
          width: 0.02,
        });
      } else {
        const points: number[] = [];
        for (const [u, v] of [[-1, -1], [1, -1], [1, 1], [-1, 1]]) {
          const wx = px + xmat[m] * u * hx + xmat[m + 1] * v * hy;
          const wy = py + xmat[m + 3] * u * hx + xmat[m + 4] * v * hy;
          const wz = pz + xmat[m + 6] * u * hx + xmat[m + 7] * v * hy;
          points.push(...project(projection, wx, wy, wz));
        }
        shapes.push({ type: "polygon", points, fill: "#eef2f7", stroke: FLOOR, width: 0.01 });
      }
    } else if (t === 3 || t === 5) {
      // Capsule or cylinder: radius s0, half-length s1 along local z (column 2 of xmat).
      const ax = xmat[m + 2] * s1, ay = xmat[m + 5] * s1, az = xmat[m + 8] * s1;
      const [x1, y1] = project(projection, px - ax, py - ay, pz - az);
      const [x2, y2] = project(projection, px + ax, py + ay, pz + az);
      shapes.push({ type: "line", x1, y1, x2, y2, stroke: colour, width: 2 * s0 });
    } else if (t === 2 || t === 4) {
      const [x, y] = project(projection, px, py, pz);
      const r = t === 2 ? s0 : Math.max(s0, s1, s2);
      shapes.push({ type: "circle", x, y, r, fill: colour });
    } else if (t === 6) {
      const corners: number[] = [];
      for (let c = 0; c < 8; c++) {
        const u = c & 1 ? s0 : -s0, v = c & 2 ? s1 : -s1, w = c & 4 ? s2 : -s2;
        corners.push(...project(
          projection,
          px + xmat[m] * u + xmat[m + 1] * v + xmat[m + 2] * w,
          py + xmat[m + 3] * u + xmat[m + 4] * v + xmat[m + 5] * w,
          pz + xmat[m + 6] * u + xmat[m + 7] * v + xmat[m + 8] * w,
        ));
      }
      shapes.push({ type: "polygon", points: hull(corners), fill: colour });
    }
  }
  return shapes;
}

/** How one environment is drawn. */
interface View {
  projection: Projection;
  /** Viewport width and height (m). */
  width: number;
  height: number;
  /** Bottom edge of the viewport (m). */
  yMin: number;
  /** Centre the viewport on the projected x of this body (else on 0). */
  follow?: number;
  /** Extra line (a rail or floor the model has no geom for): y, half-length. */
  rail?: [number, number];
  /** Radius of a circle around the origin (Reacher's reach; its model has no arena). */
  ring?: number;
}

const VIEWS: Record<string, View> = {
  "InvertedPendulum-v5": { projection: "xz", width: 2.4, height: 1.6, yMin: -0.5, rail: [0, 1] },
  "InvertedDoublePendulum-v5": {
    projection: "xz",
    width: 3.2,
    height: 1.8,
    yMin: -0.4,
    rail: [0, 1],
  },
  "Reacher-v5": { projection: "xy", width: 0.5, height: 0.5, yMin: -0.25, ring: 0.21 },
  "Hopper-v5": { projection: "xz", width: 4, height: 2.2, yMin: -0.2, follow: 1 },
  "Walker2d-v5": { projection: "xz", width: 4, height: 2.2, yMin: -0.2, follow: 1 },
  "HalfCheetah-v5": { projection: "xz", width: 4, height: 1.6, yMin: -0.3, follow: 1 },
  "Ant-v5": { projection: "oblique", width: 6, height: 4, yMin: -1.5, follow: 1 },
};

/** The parts of a MuJoCo model and data a frame reads (all Embind getters). */
export interface GeomSource {
  /** Geoms. */
  readonly ngeom: number;
  /** Geom types. */
  readonly geom_type: ArrayLike<number>;
  /** Geom sizes (3 per geom). */
  readonly geom_size: ArrayLike<number>;
  /** Body per geom. */
  readonly geom_bodyid: ArrayLike<number>;
}

/** The pose arrays of MjData a frame reads. */
export interface GeomPoses {
  /** Geom positions (3 per geom). */
  readonly geom_xpos: ArrayLike<number>;
  /** Geom orientations (9 per geom, row-major). */
  readonly geom_xmat: ArrayLike<number>;
  /** Body positions (3 per body). */
  readonly xpos: ArrayLike<number>;
}

const tables = new WeakMap<object, GeomTable>();

/** The geom types and sizes of `model`, copied on first use. */
function geomTable(model: GeomSource): GeomTable {
  let t = tables.get(model);
  if (t === undefined) {
    t = {
      type: Array.from(model.geom_type),
      size: Array.from(model.geom_size),
      body: Array.from(model.geom_bodyid),
    };
    tables.set(model, t);
  }
  return t;
}

/**
 * The frame of a MuJoCo environment `id` (a Gymnasium v5 id; others get an x–z view around
 * the origin) whose model is `model` and data `data`, `dt` seconds per step.
 */
export function mujocoFrame(id: string, model: object, data: object, dt: number): Frame {
  const view = VIEWS[id] ?? { projection: "xz", width: 4, height: 3, yMin: -1 };
  const table = geomTable(model as GeomSource);
  // Read the views now: an earlier step may have grown Wasm memory and detached older ones.
  const d = data as GeomPoses;
  const xpos = d.geom_xpos, xmat = d.geom_xmat;
  let cx = 0, cy = 0;
  if (view.follow !== undefined) {
    const b = d.xpos;
    const k = 3 * view.follow;
    [cx, cy] = project(view.projection, b[k], b[k + 1], b[k + 2]);
  }
  const xMin = cx - view.width / 2, xMax = cx + view.width / 2;
  const yMin = view.projection === "oblique" ? cy + view.yMin : view.yMin;
  const shapes: Shape[] = [];
  if (view.rail !== undefined) {
    const [y, h] = view.rail;
    shapes.push({ type: "line", x1: -h, y1: y, x2: h, y2: y, stroke: FLOOR, width: 0.02 });
  }
  if (view.ring !== undefined) {
    shapes.push({ type: "circle", x: 0, y: 0, r: view.ring, stroke: "#e5e7eb", width: 0.004 });
  }
  shapes.push(...projectGeoms(table, xpos, xmat, view.projection, [xMin - 1, xMax + 1]));
  if (view.follow !== undefined && view.projection === "xz") {
    // Tick marks on the floor every metre, so that motion shows when the view follows.
    for (let x = Math.ceil(xMin); x <= xMax; x++) {
      shapes.push({ type: "line", x1: x, y1: 0, x2: x, y2: -0.08, stroke: FLOOR, width: 0.015 });
    }
  }
  if (view.follow !== undefined && view.projection === "oblique") {
    // A 1 m grid on the floor (z = 0) around the body, drawn under the geoms.
    const b = d.xpos, k = 3 * view.follow;
    const x0 = Math.round(b[k]), y0 = Math.round(b[k + 1]);
    const grid: Shape[] = [];
    for (let i = -4; i <= 4; i++) {
      const [ax, ay] = project("oblique", x0 + i, y0 - 4, 0);
      const [bx, by] = project("oblique", x0 + i, y0 + 4, 0);
      const [cx2, cy2] = project("oblique", x0 - 4, y0 + i, 0);
      const [dx, dy] = project("oblique", x0 + 4, y0 + i, 0);
      grid.push(
        { type: "line", x1: ax, y1: ay, x2: bx, y2: by, stroke: "#d1d5db", width: 0.015 },
        { type: "line", x1: cx2, y1: cy2, x2: dx, y2: dy, stroke: "#d1d5db", width: 0.015 },
      );
    }
    // After the floor plane (the first shape of the world body), before the bodies.
    const floorAt = shapes.findIndex((s) => s.type === "polygon") + 1;
    shapes.splice(floorAt, 0, ...grid);
  }
  return {
    viewport: { xMin, xMax, yMin, yMax: yMin + view.height },
    shapes,
    background: "#ffffff",
    fps: Math.round(1 / dt),
  };
}
