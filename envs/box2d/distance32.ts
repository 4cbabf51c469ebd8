/**
 * Box2D 2.3.0's GJK distance (`b2Distance` with its simplex cache) in float32, as the
 * time-of-impact root finder (`toi32.ts`) calls it: without the shapes' radii.
 *
 * Every operation is rounded to float32 in Box2D's order (x86-64 SSE, no fused multiply-add),
 * so that the simplex, the witness points and the cache's metric are pybox2d's bit for bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distance32, DistanceProxy32, SimplexCache32, type Transform32 } from "./distance32.ts";
 * const a = new DistanceProxy32(), b = new DistanceProxy32();
 * a.setVertices([{ x: -1, y: -1 }, { x: 1, y: -1 }, { x: 1, y: 1 }, { x: -1, y: 1 }], 0);
 * b.setVertices([{ x: 0, y: 0 }], 0);
 * const id: Transform32 = { p: { x: 0, y: 0 }, q: { s: 0, c: 1 } };
 * const moved: Transform32 = { p: { x: 3, y: 0 }, q: { s: 0, c: 1 } };
 * const out = distance32(new SimplexCache32(), a, id, b, moved);
 * assert.equal(out.distance, 2);
 * ```
 * @module
 */

const f = Math.fround;
/** Box2D's `b2_epsilon` (FLT_EPSILON). */
export const F32_EPSILON: number = 2 ** -23;
const MAX_ITERS = 20;
const FLT_MAX = f(3.4028234663852886e38);

/** A 2-vector. */
export interface Vec32 {
  /** x component. */
  x: number;
  /** y component. */
  y: number;
}

/** A transform: translation and rotation (sine, cosine). */
export interface Transform32 {
  /** Translation. */
  p: Vec32;
  /** Rotation. */
  q: { s: number; c: number };
}

/** `b2DistanceProxy`: a convex vertex set with a radius (float32 values). */
export class DistanceProxy32 {
  /** Vertices. */
  vertices: Vec32[] = [];
  /** Radius (float32). */
  radius = 0;

  /** Points the proxy at `vertices` (kept, not copied) with radius `radius`. */
  setVertices(vertices: Vec32[], radius: number): void {
    this.vertices = vertices;
    this.radius = f(radius);
  }

  /** `GetSupport`: the index of the vertex farthest along (dx, dy). */
  support(dx: number, dy: number): number {
    const v = this.vertices;
    let best = 0;
    let bestValue = f(f(v[0].x * dx) + f(v[0].y * dy));
    for (let i = 1; i < v.length; i++) {
      const value = f(f(v[i].x * dx) + f(v[i].y * dy));
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    return best;
  }
}

/** `b2SimplexCache`: what the next call starts from. */
export class SimplexCache32 {
  /** Metric of the cached simplex (length or area). */
  metric = 0;
  /** Number of cached vertices (0 to 3). */
  count = 0;
  /** Vertex indices on proxy A. */
  readonly indexA: number[] = [0, 0, 0];
  /** Vertex indices on proxy B. */
  readonly indexB: number[] = [0, 0, 0];
}

/** The result of {@link distance32}. */
export interface DistanceOutput32 {
  /** Closest point on A. */
  pointA: Vec32;
  /** Closest point on B. */
  pointB: Vec32;
  /** Distance between them. */
  distance: number;
  /** GJK iterations. */
  iterations: number;
}

class SimplexVertex {
  wAx = 0;
  wAy = 0;
  wBx = 0;
  wBy = 0;
  wx = 0;
  wy = 0;
  a = 0;
  indexA = 0;
  indexB = 0;
  copy(o: SimplexVertex): void {
    this.wAx = o.wAx;
    this.wAy = o.wAy;
    this.wBx = o.wBx;
    this.wBy = o.wBy;
    this.wx = o.wx;
    this.wy = o.wy;
    this.a = o.a;
    this.indexA = o.indexA;
    this.indexB = o.indexB;
  }
}

/** `b2Mul(xf, (x, y))`, x component, in float32. */
export function mulX(xf: Transform32, x: number, y: number): number {
  return f(f(f(xf.q.c * x) - f(xf.q.s * y)) + xf.p.x);
}
/** `b2Mul(xf, (x, y))`, y component, in float32. */
export function mulY(xf: Transform32, x: number, y: number): number {
  return f(f(f(xf.q.s * x) + f(xf.q.c * y)) + xf.p.y);
}

function setVertex(
  sv: SimplexVertex,
  pA: DistanceProxy32,
  xfA: Transform32,
  iA: number,
  pB: DistanceProxy32,
  xfB: Transform32,
  iB: number,
): void {
  sv.indexA = iA;
  sv.indexB = iB;
  const a = pA.vertices[iA], b = pB.vertices[iB];
  sv.wAx = mulX(xfA, a.x, a.y);
  sv.wAy = mulY(xfA, a.x, a.y);
  sv.wBx = mulX(xfB, b.x, b.y);
  sv.wBy = mulY(xfB, b.x, b.y);
  sv.wx = f(sv.wBx - sv.wAx);
  sv.wy = f(sv.wBy - sv.wAy);
}

const v1 = new SimplexVertex(), v2 = new SimplexVertex(), v3 = new SimplexVertex();
const vs = [v1, v2, v3];
let count = 0;

function metric(): number {
  if (count === 2) {
    const dx = f(v1.wx - v2.wx), dy = f(v1.wy - v2.wy);
    return f(Math.sqrt(f(f(dx * dx) + f(dy * dy))));
  }
  if (count === 3) {
    const ax = f(v2.wx - v1.wx), ay = f(v2.wy - v1.wy);
    const bx = f(v3.wx - v1.wx), by = f(v3.wy - v1.wy);
    return f(f(ax * by) - f(ay * bx));
  }
  return 0;
}

function solve2(): void {
  const e12x = f(v2.wx - v1.wx), e12y = f(v2.wy - v1.wy);
  const d12_2 = -f(f(v1.wx * e12x) + f(v1.wy * e12y));
  if (d12_2 <= 0) {
    v1.a = 1;
    count = 1;
    return;
  }
  const d12_1 = f(f(v2.wx * e12x) + f(v2.wy * e12y));
  if (d12_1 <= 0) {
    v2.a = 1;
    count = 1;
    v1.copy(v2);
    return;
  }
  const inv = f(1 / f(d12_1 + d12_2));
  v1.a = f(d12_1 * inv);
  v2.a = f(d12_2 * inv);
  count = 2;
}

function solve3(): void {
  const w1x = v1.wx, w1y = v1.wy, w2x = v2.wx, w2y = v2.wy, w3x = v3.wx, w3y = v3.wy;
  const e12x = f(w2x - w1x), e12y = f(w2y - w1y);
  const d12_1 = f(f(w2x * e12x) + f(w2y * e12y));
  const d12_2 = -f(f(w1x * e12x) + f(w1y * e12y));
  const e13x = f(w3x - w1x), e13y = f(w3y - w1y);
  const d13_1 = f(f(w3x * e13x) + f(w3y * e13y));
  const d13_2 = -f(f(w1x * e13x) + f(w1y * e13y));
  const e23x = f(w3x - w2x), e23y = f(w3y - w2y);
  const d23_1 = f(f(w3x * e23x) + f(w3y * e23y));
  const d23_2 = -f(f(w2x * e23x) + f(w2y * e23y));
  const n123 = f(f(e12x * e13y) - f(e12y * e13x));
  const d123_1 = f(n123 * f(f(w2x * w3y) - f(w2y * w3x)));
  const d123_2 = f(n123 * f(f(w3x * w1y) - f(w3y * w1x)));
  const d123_3 = f(n123 * f(f(w1x * w2y) - f(w1y * w2x)));
  if (d12_2 <= 0 && d13_2 <= 0) {
    v1.a = 1;
    count = 1;
    return;
  }
  if (d12_1 > 0 && d12_2 > 0 && d123_3 <= 0) {
    const inv = f(1 / f(d12_1 + d12_2));
    v1.a = f(d12_1 * inv);
    v2.a = f(d12_2 * inv);
    count = 2;
    return;
  }
  if (d13_1 > 0 && d13_2 > 0 && d123_2 <= 0) {
    const inv = f(1 / f(d13_1 + d13_2));
    v1.a = f(d13_1 * inv);
    v3.a = f(d13_2 * inv);
    count = 2;
    v2.copy(v3);
    return;
  }
  if (d12_1 <= 0 && d23_2 <= 0) {
    v2.a = 1;
    count = 1;
    v1.copy(v2);
    return;
  }
  if (d13_1 <= 0 && d23_1 <= 0) {
    v3.a = 1;
    count = 1;
    v1.copy(v3);
    return;
  }
  if (d23_1 > 0 && d23_2 > 0 && d123_1 <= 0) {
    const inv = f(1 / f(d23_1 + d23_2));
    v2.a = f(d23_1 * inv);
    v3.a = f(d23_2 * inv);
    count = 2;
    v1.copy(v3);
    return;
  }
  const inv = f(1 / f(f(d123_1 + d123_2) + d123_3));
  v1.a = f(d123_1 * inv);
  v2.a = f(d123_2 * inv);
  v3.a = f(d123_3 * inv);
  count = 3;
}

const output: DistanceOutput32 = {
  pointA: { x: 0, y: 0 },
  pointB: { x: 0, y: 0 },
  distance: 0,
  iterations: 0,
};
const saveA = [0, 0, 0], saveB = [0, 0, 0];

/**
 * `b2Distance` with `useRadii = false`: the closest points of the two proxies under their
 * transforms, starting from and updating `cache`. The returned object is reused by the next
 * call.
 */
export function distance32(
  cache: SimplexCache32,
  proxyA: DistanceProxy32,
  xfA: Transform32,
  proxyB: DistanceProxy32,
  xfB: Transform32,
): DistanceOutput32 {
  // ReadCache.
  count = cache.count;
  for (let i = 0; i < count; i++) {
    const v = vs[i];
    setVertex(v, proxyA, xfA, cache.indexA[i], proxyB, xfB, cache.indexB[i]);
    v.a = 0;
  }
  if (count > 1) {
    const metric1 = cache.metric;
    const metric2 = metric();
    if (metric2 < f(0.5 * metric1) || f(2 * metric1) < metric2 || metric2 < F32_EPSILON) {
      count = 0;
    }
  }
  if (count === 0) {
    setVertex(v1, proxyA, xfA, 0, proxyB, xfB, 0);
    v1.a = 1;
    count = 1;
  }
  let distanceSqr1 = FLT_MAX;
  let iter = 0;
  while (iter < MAX_ITERS) {
    const saveCount = count;
    for (let i = 0; i < saveCount; i++) {
      saveA[i] = vs[i].indexA;
      saveB[i] = vs[i].indexB;
    }
    if (count === 2) solve2();
    else if (count === 3) solve3();
    if (count === 3) break;
    // Closest point (its squared length only guards progress, as Box2D 2.3.0's no-op check).
    let px: number, py: number;
    if (count === 1) {
      px = v1.wx;
      py = v1.wy;
    } else {
      px = f(f(v1.a * v1.wx) + f(v2.a * v2.wx));
      py = f(f(v1.a * v1.wy) + f(v2.a * v2.wy));
    }
    distanceSqr1 = f(f(px * px) + f(py * py));
    // Search direction.
    let dx: number, dy: number;
    if (count === 1) {
      dx = -v1.wx;
      dy = -v1.wy;
    } else {
      const e12x = f(v2.wx - v1.wx), e12y = f(v2.wy - v1.wy);
      const sgn = f(f(e12x * -v1.wy) - f(e12y * -v1.wx));
      if (sgn > 0) {
        dx = -e12y;
        dy = e12x;
      } else {
        dx = e12y;
        dy = -e12x;
      }
    }
    if (f(f(dx * dx) + f(dy * dy)) < f(F32_EPSILON * F32_EPSILON)) break;
    const vertex = vs[count];
    // Support of A along b2MulT(qA, −d), of B along b2MulT(qB, d).
    const qA = xfA.q, qB = xfB.q;
    const iA = proxyA.support(
      f(f(qA.c * -dx) + f(qA.s * -dy)),
      f(f(-qA.s * -dx) + f(qA.c * -dy)),
    );
    const iB = proxyB.support(f(f(qB.c * dx) + f(qB.s * dy)), f(f(-qB.s * dx) + f(qB.c * dy)));
    setVertex(vertex, proxyA, xfA, iA, proxyB, xfB, iB);
    ++iter;
    let duplicate = false;
    for (let i = 0; i < saveCount; i++) {
      if (vertex.indexA === saveA[i] && vertex.indexB === saveB[i]) {
        duplicate = true;
        break;
      }
    }
    if (duplicate) break;
    ++count;
  }
  void distanceSqr1;
  // Witness points.
  const pA = output.pointA, pB = output.pointB;
  if (count === 1) {
    pA.x = v1.wAx;
    pA.y = v1.wAy;
    pB.x = v1.wBx;
    pB.y = v1.wBy;
  } else if (count === 2) {
    pA.x = f(f(v1.a * v1.wAx) + f(v2.a * v2.wAx));
    pA.y = f(f(v1.a * v1.wAy) + f(v2.a * v2.wAy));
    pB.x = f(f(v1.a * v1.wBx) + f(v2.a * v2.wBx));
    pB.y = f(f(v1.a * v1.wBy) + f(v2.a * v2.wBy));
  } else {
    pA.x = f(f(f(v1.a * v1.wAx) + f(v2.a * v2.wAx)) + f(v3.a * v3.wAx));
    pA.y = f(f(f(v1.a * v1.wAy) + f(v2.a * v2.wAy)) + f(v3.a * v3.wAy));
    pB.x = pA.x;
    pB.y = pA.y;
  }
  const ddx = f(pA.x - pB.x), ddy = f(pA.y - pB.y);
  output.distance = f(Math.sqrt(f(f(ddx * ddx) + f(ddy * ddy))));
  output.iterations = iter;
  // WriteCache.
  cache.metric = metric();
  cache.count = count;
  for (let i = 0; i < count; i++) {
    cache.indexA[i] = vs[i].indexA;
    cache.indexB[i] = vs[i].indexB;
  }
  return output;
}
