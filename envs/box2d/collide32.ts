/**
 * Box2D 2.3.0's edge-versus-polygon contact manifold (`b2CollideEdgeAndPolygon`, the
 * `b2EPCollider` with `b2ClipSegmentToLine`) in float32, for edges without ghost vertices
 * (pybox2d's `edgeShape(vertices=[a, b])`), installed per contact on a planck world
 * ({@link installCollide32}).
 *
 * The polygon's normals and centroid are recomputed once per shape in float32 as
 * `b2PolygonShape::Set` does (planck computes them in float64 from the same vertices).
 * Every operation is rounded to float32 in Box2D's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { polygonNormals32 } from "./collide32.ts";
 * const n = polygonNormals32([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }]);
 * assert.deepEqual(n[0], { x: 0, y: -1 });
 * assert.equal(n[1].x, Math.fround(Math.SQRT1_2));
 * ```
 * @module
 */
import type { PlanckWorld } from "./planck.ts";

const f = Math.fround;
const PI_F = f(3.14159265359);
const LINEAR_SLOP = f(0.005);
const POLYGON_RADIUS = f(2 * LINEAR_SLOP);
const ANGULAR_SLOP = f(f(2 / 180) * PI_F);
const EPSILON = 2 ** -23;
const FLT_MAX = f(3.4028234663852886e38);
const K_RELATIVE_TOL = f(0.98);
const K_ABSOLUTE_TOL = f(0.001);
// planck's ManifoldType and ContactFeatureType values.
const MANIFOLD_FACE_A = 1, MANIFOLD_FACE_B = 2;
const VERTEX = 0, FACE = 1;

interface Vec {
  x: number;
  y: number;
}

interface Xf {
  p: Vec;
  q: { s: number; c: number };
}

interface IPolygon {
  m_vertices: Vec[];
  m_normals: Vec[];
  m_count: number;
}
interface IEdge {
  m_vertex1: Vec;
  m_vertex2: Vec;
  m_hasVertex0: boolean;
  m_hasVertex3: boolean;
}
interface IManifold {
  type: number;
  localNormal: Vec;
  localPoint: Vec;
  pointCount: number;
  points: {
    localPoint: Vec;
    id: { setFeatures(iA: number, tA: number, iB: number, tB: number): void };
  }[];
}
interface IFixture {
  m_shape: unknown;
}
type Evaluate = (
  manifold: IManifold,
  xfA: Xf,
  fixtureA: IFixture,
  indexA: number,
  xfB: Xf,
  fixtureB: IFixture,
  indexB: number,
) => void;

/** `b2PolygonShape::Set`'s normals of a convex polygon, in float32. */
export function polygonNormals32(vertices: readonly Vec[]): Vec[] {
  const n = vertices.length;
  const out: Vec[] = [];
  for (let i = 0; i < n; i++) {
    const a = vertices[i], b = vertices[i + 1 < n ? i + 1 : 0];
    const ex = f(f(b.x) - f(a.x)), ey = f(f(b.y) - f(a.y));
    // b2Cross(edge, 1) then Normalize.
    let x = ey, y = -ex;
    const len = f(Math.sqrt(f(f(x * x) + f(y * y))));
    if (len >= EPSILON) {
      const inv = f(1 / len);
      x = f(x * inv);
      y = f(y * inv);
    }
    out.push({ x, y });
  }
  return out;
}

/** `b2PolygonShape::ComputeCentroid` in float32. */
export function polygonCentroid32(vertices: readonly Vec[]): Vec {
  const n = vertices.length;
  let cx = 0, cy = 0, area = 0;
  const inv3 = f(1 / 3);
  for (let i = 0; i < n; i++) {
    const p2 = vertices[i], p3 = vertices[i + 1 < n ? i + 1 : 0];
    const e1x = f(p2.x), e1y = f(p2.y), e2x = f(p3.x), e2y = f(p3.y);
    const D = f(f(e1x * e2y) - f(e1y * e2x));
    const tri = f(0.5 * D);
    area = f(area + tri);
    const k = f(tri * inv3);
    cx = f(cx + f(k * f(e1x + e2x)));
    cy = f(cy + f(k * f(e1y + e2y)));
  }
  const inv = f(1 / area);
  return { x: f(cx * inv), y: f(cy * inv) };
}

interface Polygon32 {
  vertices: Vec[];
  normals: Vec[];
  centroid: Vec;
}
const polygons = new WeakMap<object, Polygon32>();

function polygon32(shape: IPolygon): Polygon32 {
  let p = polygons.get(shape);
  if (p === undefined) {
    const vertices = shape.m_vertices.map((v) => ({ x: f(v.x), y: f(v.y) }));
    p = { vertices, normals: polygonNormals32(vertices), centroid: polygonCentroid32(vertices) };
    polygons.set(shape, p);
  }
  return p;
}

// Scratch state of the collider (one collision at a time).
const pvx: number[] = new Array(8).fill(0), pvy: number[] = new Array(8).fill(0);
const pnx: number[] = new Array(8).fill(0), pny: number[] = new Array(8).fill(0);

interface Clip {
  x: number;
  y: number;
  indexA: number;
  indexB: number;
  typeA: number;
  typeB: number;
}
function clip(): Clip {
  return { x: 0, y: 0, indexA: 0, indexB: 0, typeA: 0, typeB: 0 };
}
const ie = [clip(), clip()], cp1 = [clip(), clip()], cp2 = [clip(), clip()];

function copyClip(d: Clip, s: Clip): void {
  d.x = s.x;
  d.y = s.y;
  d.indexA = s.indexA;
  d.indexB = s.indexB;
  d.typeA = s.typeA;
  d.typeB = s.typeB;
}

/** `b2ClipSegmentToLine`. */
function clipSegmentToLine(
  vOut: Clip[],
  vIn: Clip[],
  nx: number,
  ny: number,
  offset: number,
  vertexIndexA: number,
): number {
  let numOut = 0;
  const d0 = f(f(f(nx * vIn[0].x) + f(ny * vIn[0].y)) - offset);
  const d1 = f(f(f(nx * vIn[1].x) + f(ny * vIn[1].y)) - offset);
  if (d0 <= 0) copyClip(vOut[numOut++], vIn[0]);
  if (d1 <= 0) copyClip(vOut[numOut++], vIn[1]);
  if (f(d0 * d1) < 0) {
    const interp = f(d0 / f(d0 - d1));
    const o = vOut[numOut];
    o.x = f(vIn[0].x + f(interp * f(vIn[1].x - vIn[0].x)));
    o.y = f(vIn[0].y + f(interp * f(vIn[1].y - vIn[0].y)));
    o.indexA = vertexIndexA;
    o.indexB = vIn[0].indexB;
    o.typeA = VERTEX;
    o.typeB = FACE;
    ++numOut;
  }
  return numOut;
}

/**
 * `b2CollideEdgeAndPolygon` for an edge without ghost vertices: writes `manifold` (planck's
 * structure) in the edge's frame A.
 */
function collideEdgePolygon(
  manifold: IManifold,
  edge: IEdge,
  xfA: Xf,
  poly: Polygon32,
  xfB: Xf,
): void {
  // m_xf = b2MulT(xfA, xfB)
  const qAc = f(xfA.q.c), qAs = f(xfA.q.s), qBc = f(xfB.q.c), qBs = f(xfB.q.s);
  const qs = f(f(qAc * qBs) - f(qAs * qBc));
  const qc = f(f(qAc * qBc) + f(qAs * qBs));
  const dx = f(f(xfB.p.x) - f(xfA.p.x)), dy = f(f(xfB.p.y) - f(xfA.p.y));
  const px = f(f(qAc * dx) + f(qAs * dy));
  const py = f(f(-qAs * dx) + f(qAc * dy));
  const c = poly.centroid;
  const cBx = f(f(f(qc * c.x) - f(qs * c.y)) + px);
  const cBy = f(f(f(qs * c.x) + f(qc * c.y)) + py);
  const v1x = f(edge.m_vertex1.x), v1y = f(edge.m_vertex1.y);
  const v2x = f(edge.m_vertex2.x), v2y = f(edge.m_vertex2.y);
  let e1x = f(v2x - v1x), e1y = f(v2y - v1y);
  const len = f(Math.sqrt(f(f(e1x * e1x) + f(e1y * e1y))));
  if (len >= EPSILON) {
    const inv = f(1 / len);
    e1x = f(e1x * inv);
    e1y = f(e1y * inv);
  }
  const n1x = e1y, n1y = -e1x;
  const offset1 = f(f(n1x * f(cBx - v1x)) + f(n1y * f(cBy - v1y)));
  const front = offset1 >= 0;
  const nx = front ? n1x : -n1x, ny = front ? n1y : -n1y;
  // Lower and upper limits are both −normal.
  const limX = -nx, limY = -ny;
  const count = poly.vertices.length;
  for (let i = 0; i < count; i++) {
    const v = poly.vertices[i], n = poly.normals[i];
    pvx[i] = f(f(f(qc * v.x) - f(qs * v.y)) + px);
    pvy[i] = f(f(f(qs * v.x) + f(qc * v.y)) + py);
    pnx[i] = f(f(qc * n.x) - f(qs * n.y));
    pny[i] = f(f(qs * n.x) + f(qc * n.y));
  }
  const radius = f(2 * POLYGON_RADIUS);
  manifold.pointCount = 0;
  // ComputeEdgeSeparation.
  let edgeSep = FLT_MAX;
  for (let i = 0; i < count; i++) {
    const s = f(f(nx * f(pvx[i] - v1x)) + f(ny * f(pvy[i] - v1y)));
    if (s < edgeSep) edgeSep = s;
  }
  if (edgeSep > radius) return;
  // ComputePolygonSeparation.
  let polyType = 0, polyIndex = -1, polySep = -FLT_MAX; // 0 unknown, 2 edgeB
  const perpX = -ny, perpY = nx;
  for (let i = 0; i < count; i++) {
    const qx = -pnx[i], qy = -pny[i];
    const s1 = f(f(qx * f(pvx[i] - v1x)) + f(qy * f(pvy[i] - v1y)));
    const s2 = f(f(qx * f(pvx[i] - v2x)) + f(qy * f(pvy[i] - v2y)));
    const s = Math.min(s1, s2);
    if (s > radius) {
      polyType = 2;
      polyIndex = i;
      polySep = s;
      break;
    }
    const adj = f(f(qx * perpX) + f(qy * perpY)) >= 0;
    void adj; // both limits are −normal here
    if (f(f(f(qx - limX) * nx) + f(f(qy - limY) * ny)) < -ANGULAR_SLOP) continue;
    if (s > polySep) {
      polyType = 2;
      polyIndex = i;
      polySep = s;
    }
  }
  if (polyType !== 0 && polySep > radius) return;
  let primaryIsEdge: boolean;
  if (polyType === 0) primaryIsEdge = true;
  else if (polySep > f(f(K_RELATIVE_TOL * edgeSep) + K_ABSOLUTE_TOL)) primaryIsEdge = false;
  else primaryIsEdge = true;
  let rfi1: number, rfi2: number, rv1x: number, rv1y: number, rv2x: number, rv2y: number;
  let rnx: number, rny: number;
  if (primaryIsEdge) {
    manifold.type = MANIFOLD_FACE_A;
    let best = 0;
    let bestValue = f(f(nx * pnx[0]) + f(ny * pny[0]));
    for (let i = 1; i < count; i++) {
      const value = f(f(nx * pnx[i]) + f(ny * pny[i]));
      if (value < bestValue) {
        bestValue = value;
        best = i;
      }
    }
    const i1 = best, i2 = i1 + 1 < count ? i1 + 1 : 0;
    setClip(ie[0], pvx[i1], pvy[i1], 0, i1, FACE, VERTEX);
    setClip(ie[1], pvx[i2], pvy[i2], 0, i2, FACE, VERTEX);
    if (front) {
      rfi1 = 0;
      rfi2 = 1;
      rv1x = v1x;
      rv1y = v1y;
      rv2x = v2x;
      rv2y = v2y;
      rnx = n1x;
      rny = n1y;
    } else {
      rfi1 = 1;
      rfi2 = 0;
      rv1x = v2x;
      rv1y = v2y;
      rv2x = v1x;
      rv2y = v1y;
      rnx = -n1x;
      rny = -n1y;
    }
  } else {
    manifold.type = MANIFOLD_FACE_B;
    setClip(ie[0], v1x, v1y, 0, polyIndex, VERTEX, FACE);
    setClip(ie[1], v2x, v2y, 0, polyIndex, VERTEX, FACE);
    rfi1 = polyIndex;
    rfi2 = rfi1 + 1 < count ? rfi1 + 1 : 0;
    rv1x = pvx[rfi1];
    rv1y = pvy[rfi1];
    rv2x = pvx[rfi2];
    rv2y = pvy[rfi2];
    rnx = pnx[rfi1];
    rny = pny[rfi1];
  }
  const sn1x = rny, sn1y = -rnx;
  const sn2x = -sn1x, sn2y = -sn1y;
  const so1 = f(f(sn1x * rv1x) + f(sn1y * rv1y));
  const so2 = f(f(sn2x * rv2x) + f(sn2y * rv2y));
  if (clipSegmentToLine(cp1, ie, sn1x, sn1y, so1, rfi1) < 2) return;
  if (clipSegmentToLine(cp2, cp1, sn2x, sn2y, so2, rfi2) < 2) return;
  if (primaryIsEdge) {
    manifold.localNormal.x = rnx;
    manifold.localNormal.y = rny;
    manifold.localPoint.x = rv1x;
    manifold.localPoint.y = rv1y;
  } else {
    const n = poly.normals[rfi1], v = poly.vertices[rfi1];
    manifold.localNormal.x = n.x;
    manifold.localNormal.y = n.y;
    manifold.localPoint.x = v.x;
    manifold.localPoint.y = v.y;
  }
  let pointCount = 0;
  for (let i = 0; i < 2; i++) {
    const k = cp2[i];
    const sep = f(f(rnx * f(k.x - rv1x)) + f(rny * f(k.y - rv1y)));
    if (sep <= radius) {
      const mp = manifold.points[pointCount];
      if (primaryIsEdge) {
        // b2MulT(m_xf, v)
        const tx = f(k.x - px), ty = f(k.y - py);
        mp.localPoint.x = f(f(qc * tx) + f(qs * ty));
        mp.localPoint.y = f(f(-qs * tx) + f(qc * ty));
        mp.id.setFeatures(k.indexA, k.typeA, k.indexB, k.typeB);
      } else {
        mp.localPoint.x = k.x;
        mp.localPoint.y = k.y;
        mp.id.setFeatures(k.indexB, k.typeB, k.indexA, k.typeA);
      }
      ++pointCount;
    }
  }
  manifold.pointCount = pointCount;
}

function setClip(
  c: Clip,
  x: number,
  y: number,
  indexA: number,
  indexB: number,
  typeA: number,
  typeB: number,
): void {
  c.x = x;
  c.y = y;
  c.indexA = indexA;
  c.indexB = indexB;
  c.typeA = typeA;
  c.typeB = typeB;
}

interface IContact {
  m_evaluateFcn: Evaluate | null;
  m_fixtureA: { m_shape: { m_type: string } & Partial<IEdge> };
  m_fixtureB: { m_shape: { m_type: string } };
}

const evaluateEdgePolygon: Evaluate = (manifold, xfA, fixtureA, _iA, xfB, fixtureB) => {
  collideEdgePolygon(
    manifold,
    fixtureA.m_shape as IEdge,
    xfA,
    polygon32(fixtureB.m_shape as IPolygon),
    xfB,
  );
};

/**
 * Gives every new edge-versus-polygon contact of `world` the float32 manifold of this
 * module (wrapping the world's own `createContact`; planck's prototypes are left alone).
 * Edges with ghost vertices keep planck's manifold.
 */
export function installCollide32(world: PlanckWorld): void {
  const w = world as unknown as {
    m_contactList: IContact | null;
    createContact(a: unknown, b: unknown): void;
  };
  const create = w.createContact.bind(w);
  w.createContact = (proxyA, proxyB) => {
    const before = w.m_contactList;
    create(proxyA, proxyB);
    const c = w.m_contactList;
    if (c === null || c === before) return;
    const sA = c.m_fixtureA.m_shape, sB = c.m_fixtureB.m_shape;
    if (
      sA.m_type === "edge" && sB.m_type === "polygon" && !sA.m_hasVertex0 && !sA.m_hasVertex3
    ) {
      c.m_evaluateFcn = evaluateEdgePolygon;
    }
  };
}
