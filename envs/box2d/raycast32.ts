/**
 * Box2D 2.3.0's world ray cast against edges in float32 (`b2World::RayCast` with
 * `b2EdgeShape::RayCast`), installed per world in place of planck's float64 `rayCast`
 * ({@link installRayCast32}). BipedalWalker's lidar reads the fractions it returns: in float64
 * they differ from pybox2d's by a float32 ulp now and then. Other shapes keep planck's test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { edgeRayCast32 } from "./raycast32.ts";
 * const identity = { p: { x: 0, y: 0 }, q: { s: 0, c: 1 } };
 * const t = edgeRayCast32({ x: -1, y: 0 }, { x: 1, y: 0 }, identity, { x: 0, y: 2 }, { x: 0, y: -2 }, 1);
 * assert.equal(t, 0.5);
 * ```
 * @module
 */
import type { PlanckWorld, Vec2Value } from "./planck.ts";

const f = Math.fround;
const EPSILON = 2 ** -23;

interface Xf {
  p: Vec2Value;
  q: { s: number; c: number };
}

/**
 * `b2EdgeShape::RayCast`: the fraction of the ray p1→p2 (float32 points) at which it crosses
 * the edge v1–v2 of a body at `xf`, or −1 for no hit within `maxFraction`.
 */
export function edgeRayCast32(
  v1: Vec2Value,
  v2: Vec2Value,
  xf: Xf,
  p1: Vec2Value,
  p2: Vec2Value,
  maxFraction: number,
): number {
  const c = f(xf.q.c), s = f(xf.q.s);
  // b2MulT(xf.q, p − xf.p)
  const a1x = f(f(p1.x) - f(xf.p.x)), a1y = f(f(p1.y) - f(xf.p.y));
  const a2x = f(f(p2.x) - f(xf.p.x)), a2y = f(f(p2.y) - f(xf.p.y));
  const q1x = f(f(c * a1x) + f(s * a1y)), q1y = f(f(-s * a1x) + f(c * a1y));
  const q2x = f(f(c * a2x) + f(s * a2y)), q2y = f(f(-s * a2x) + f(c * a2y));
  const dx = f(q2x - q1x), dy = f(q2y - q1y);
  const v1x = f(v1.x), v1y = f(v1.y), v2x = f(v2.x), v2y = f(v2.y);
  const ex = f(v2x - v1x), ey = f(v2y - v1y);
  let nx = ey, ny = -ex;
  const len = f(Math.sqrt(f(f(nx * nx) + f(ny * ny))));
  if (len >= EPSILON) {
    const inv = f(1 / len);
    nx = f(nx * inv);
    ny = f(ny * inv);
  }
  const numerator = f(f(nx * f(v1x - q1x)) + f(ny * f(v1y - q1y)));
  const denominator = f(f(nx * dx) + f(ny * dy));
  if (denominator === 0) return -1;
  const t = f(numerator / denominator);
  if (t < 0 || f(maxFraction) < t) return -1;
  const qx = f(q1x + f(t * dx)), qy = f(q1y + f(t * dy));
  const rr = f(f(ex * ex) + f(ey * ey));
  if (rr === 0) return -1;
  const sr = f(f(f(f(qx - v1x) * ex) + f(f(qy - v1y) * ey)) / rr);
  if (sr < 0 || 1 < sr) return -1;
  return t;
}

interface IFixture {
  m_shape: { m_type: string; m_vertex1?: Vec2Value; m_vertex2?: Vec2Value };
  m_body: { m_xf: Xf };
  rayCast(
    output: { fraction?: number; normal?: Vec2Value },
    input: unknown,
    index: number,
  ): boolean;
}
interface IInput {
  p1: Vec2Value;
  p2: Vec2Value;
  maxFraction: number;
}
interface ITreeNode {
  aabb: { lowerBound: Vec2Value; upperBound: Vec2Value };
  child1: ITreeNode | null;
  child2: ITreeNode | null;
  userData: { fixture: IFixture; childIndex: number };
}
interface ITree {
  m_root: ITreeNode | null;
}
/** planck's `EPSILON` (the zero length below which `Vec2.normalize` leaves a vector alone). */
const PLANCK_EPSILON = 1e-9;
type Callback = (fixture: never, point: Vec2Value, normal: Vec2Value, fraction: number) => number;

/**
 * Replaces `world.rayCast` (on the world object; planck's prototypes are left alone) with
 * Box2D 2.3.0's float32 one for edges: the points are rounded to float32 as pybox2d hands
 * them over, and the reported point is (1 − t)·p1 + t·p2 in float32. The reported normal of
 * an edge hit is not computed (`{x: NaN, y: NaN}`): the environments do not read it.
 */
export function installRayCast32(world: PlanckWorld): void {
  const w = world as unknown as {
    m_broadPhase: { m_tree: ITree };
  };
  const tree = w.m_broadPhase.m_tree;
  const point = { x: 0, y: 0 };
  const noNormal = { x: NaN, y: NaN };
  const input: IInput = { maxFraction: 1, p1: { x: 0, y: 0 }, p2: { x: 0, y: 0 } };
  const output: { fraction?: number; normal?: Vec2Value } = {};
  const stack: (ITreeNode | null)[] = [];
  let user: Callback | null = null;
  // b2World::RayCast's callback: the fixture's ray cast, then the user's report.
  const report = (sub: IInput, node: ITreeNode): number => {
    const proxy = node.userData;
    const fixture = proxy.fixture;
    const shape = fixture.m_shape;
    if (shape.m_type === "edge" && shape.m_vertex1 && shape.m_vertex2) {
      const t = edgeRayCast32(
        shape.m_vertex1,
        shape.m_vertex2,
        fixture.m_body.m_xf,
        sub.p1,
        sub.p2,
        sub.maxFraction,
      );
      if (t < 0) return sub.maxFraction;
      const b = f(1 - t);
      point.x = f(f(b * sub.p1.x) + f(t * sub.p2.x));
      point.y = f(f(b * sub.p1.y) + f(t * sub.p2.y));
      return user!(fixture as never, point, noNormal, t);
    }
    output.fraction = undefined;
    output.normal = undefined;
    if (!fixture.rayCast(output, sub, proxy.childIndex)) return sub.maxFraction;
    const t = output.fraction!;
    point.x = (1 - t) * sub.p1.x + t * sub.p2.x;
    point.y = (1 - t) * sub.p1.y + t * sub.p2.y;
    return user!(fixture as never, point, output.normal!, t);
  };
  // planck's b2DynamicTree::RayCast (float64 pruning, the same visiting order) without its
  // per-call vectors, bounding box, stack and sub-input.
  const treeRayCast = (): void => {
    const p1 = input.p1, p2 = input.p2;
    let rx = p2.x - p1.x, ry = p2.y - p1.y;
    const length = Math.sqrt(rx * rx + ry * ry);
    if (length >= PLANCK_EPSILON) {
      const inv = 1 / length;
      rx *= inv;
      ry *= inv;
    }
    // v = cross(1, r), |v|.
    const vx = -1 * ry, vy = 1 * rx;
    const ax = Math.abs(vx), ay = Math.abs(vy);
    let maxFraction = input.maxFraction;
    let tx = (1 - maxFraction) * p1.x + maxFraction * p2.x;
    let ty = (1 - maxFraction) * p1.y + maxFraction * p2.y;
    let lx = Math.min(p1.x, tx), ly = Math.min(p1.y, ty);
    let ux = Math.max(p1.x, tx), uy = Math.max(p1.y, ty);
    stack.length = 0;
    stack.push(tree.m_root);
    while (stack.length > 0) {
      const node = stack.pop();
      if (node == null) continue;
      const lo = node.aabb.lowerBound, hi = node.aabb.upperBound;
      if (lx - hi.x > 0 || ly - hi.y > 0 || lo.x - ux > 0 || lo.y - uy > 0) continue;
      const cx = (lo.x + hi.x) * 0.5, cy = (lo.y + hi.y) * 0.5;
      const hx = (hi.x - lo.x) * 0.5, hy = (hi.y - lo.y) * 0.5;
      const separation = Math.abs(vx * (p1.x - cx) + vy * (p1.y - cy)) - (ax * hx + ay * hy);
      if (separation > 0) continue;
      if (node.child1 == null) {
        input.maxFraction = maxFraction;
        const value = report(input, node);
        if (value === 0) break;
        if (value > 0) {
          maxFraction = value;
          tx = (1 - maxFraction) * p1.x + maxFraction * p2.x;
          ty = (1 - maxFraction) * p1.y + maxFraction * p2.y;
          lx = Math.min(p1.x, tx);
          ly = Math.min(p1.y, ty);
          ux = Math.max(p1.x, tx);
          uy = Math.max(p1.y, ty);
        }
      } else {
        stack.push(node.child1);
        stack.push(node.child2);
      }
    }
    stack.length = 0;
  };
  world.rayCast = (point1, point2, callback) => {
    input.maxFraction = 1;
    input.p1.x = f(point1.x);
    input.p1.y = f(point1.y);
    input.p2.x = f(point2.x);
    input.p2.y = f(point2.y);
    user = callback as unknown as Callback;
    treeRayCast();
    user = null;
  };
}
