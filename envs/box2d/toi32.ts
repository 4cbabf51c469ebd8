/**
 * Box2D 2.3.0's continuous collision in float32: `b2TimeOfImpact` (conservative advancement
 * with `b2SeparationFunction` and a secant/bisection root finder on `b2Distance`,
 * `distance32.ts`) and `b2World::SolveTOI`, the loop that finds the earliest time of impact,
 * advances the two bodies to it and solves the sub-step island. Installed on a planck world's
 * solver object in place of planck's float64 `solveWorldTOI` ({@link installTOI32}).
 *
 * Every operation is rounded to float32 in Box2D's order; the sweep transforms use glibc's
 * `sinf`/`cosf` (`trig32.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DistanceProxy32 } from "./distance32.ts";
 * import { type Sweep32, timeOfImpact32, TOI_TOUCHING } from "./toi32.ts";
 * const a = new DistanceProxy32(), b = new DistanceProxy32();
 * a.setVertices([{ x: -5, y: 0 }, { x: 5, y: 0 }], 0.01);
 * b.setVertices([{ x: -0.5, y: -0.5 }, { x: 0.5, y: -0.5 }, { x: 0.5, y: 0.5 }, { x: -0.5, y: 0.5 }], 0.01);
 * const ground: Sweep32 = { localCenter: { x: 0, y: 0 }, c0: { x: 0, y: 0 }, c: { x: 0, y: 0 }, a0: 0, a: 0 };
 * const box: Sweep32 = { localCenter: { x: 0, y: 0 }, c0: { x: 0, y: 2 }, c: { x: 0, y: -2 }, a0: 0, a: 0 };
 * const out = timeOfImpact32(a, ground, b, box, 1);
 * assert.equal(out.state, TOI_TOUCHING);
 * assert.ok(out.t > 0.35 && out.t < 0.38);
 * ```
 * @module
 */
import {
  distance32,
  DistanceProxy32,
  mulX,
  mulY,
  SimplexCache32,
  type Transform32,
  type Vec32,
} from "./distance32.ts";
import type { PlanckWorld } from "./planck.ts";
import { SINCOS, sincosf } from "./trig32.ts";

const f = Math.fround;
const PI_F = f(3.14159265359);
const TWO_PI_F = f(2 * PI_F);
const LINEAR_SLOP = f(0.005);
const EPSILON = 2 ** -23;
const MAX_ITERATIONS = 20;
const MAX_POLYGON_VERTICES = 8;
const MAX_SUB_STEPS = 8;

/** `b2TOIOutput::e_unknown` … `e_separated`. */
export const TOI_UNKNOWN = 0,
  TOI_FAILED = 1,
  TOI_OVERLAPPED = 2,
  TOI_TOUCHING = 3,
  TOI_SEPARATED = 4;

/** A sweep (`b2Sweep`) as the time of impact reads it. */
export interface Sweep32 {
  /** Centre of mass in body coordinates. */
  localCenter: Vec32;
  /** Centre of mass at the start of the interval. */
  c0: Vec32;
  /** Centre of mass at its end. */
  c: Vec32;
  /** Angle at the start. */
  a0: number;
  /** Angle at the end. */
  a: number;
}

/** A copy of a sweep (`b2Sweep backup = body->m_sweep`; values are float32 already). */
class SweepCopy {
  lcx = 0;
  lcy = 0;
  c0x = 0;
  c0y = 0;
  cx = 0;
  cy = 0;
  a0 = 0;
  a = 0;
  alpha0 = 0;
  save(s: Sweep32 & { alpha0?: number }): void {
    this.lcx = f(s.localCenter.x);
    this.lcy = f(s.localCenter.y);
    this.c0x = f(s.c0.x);
    this.c0y = f(s.c0.y);
    this.cx = f(s.c.x);
    this.cy = f(s.c.y);
    this.a0 = f(s.a0);
    this.a = f(s.a);
    this.alpha0 = f(s.alpha0 ?? 0);
  }
  restore(b: IBody): void {
    const s = b.m_sweep;
    s.localCenter.x = this.lcx;
    s.localCenter.y = this.lcy;
    s.c0.x = this.c0x;
    s.c0.y = this.c0y;
    s.c.x = this.cx;
    s.c.y = this.cy;
    s.a0 = this.a0;
    s.a = this.a;
    s.alpha0 = this.alpha0;
  }
}

/** A copy of a sweep, normalised (`b2Sweep::Normalize`), with its transform. */
class LocalSweep extends SweepCopy {
  set(s: Sweep32): void {
    this.save(s);
    const d = f(TWO_PI_F * Math.floor(f(this.a0 / TWO_PI_F)));
    this.a0 = f(this.a0 - d);
    this.a = f(this.a - d);
  }
  /** `b2Sweep::GetTransform`. */
  transform(xf: Transform32, beta: number): void {
    const b1 = f(1 - beta);
    const px = f(f(b1 * this.c0x) + f(beta * this.cx));
    const py = f(f(b1 * this.c0y) + f(beta * this.cy));
    const angle = f(f(b1 * this.a0) + f(beta * this.a));
    sincosf(angle);
    const s = SINCOS[0], c = SINCOS[1];
    xf.q.s = s;
    xf.q.c = c;
    xf.p.x = f(px - f(f(c * this.lcx) - f(s * this.lcy)));
    xf.p.y = f(py - f(f(s * this.lcx) + f(c * this.lcy)));
  }
}

const POINTS = 0, FACE_A = 1, FACE_B = 2;

function newTransform(): Transform32 {
  return { p: { x: 0, y: 0 }, q: { s: 0, c: 1 } };
}

/** `b2SeparationFunction`. */
class SeparationFunction {
  proxyA!: DistanceProxy32;
  proxyB!: DistanceProxy32;
  readonly sweepA = new LocalSweep();
  readonly sweepB = new LocalSweep();
  type = POINTS;
  lpx = 0;
  lpy = 0;
  axisX = 0;
  axisY = 0;
  indexA = -1;
  indexB = -1;
  readonly xfA = newTransform();
  readonly xfB = newTransform();

  initialize(cache: SimplexCache32, t1: number): void {
    const xfA = this.xfA, xfB = this.xfB;
    this.sweepA.transform(xfA, t1);
    this.sweepB.transform(xfB, t1);
    const pA = this.proxyA, pB = this.proxyB;
    if (cache.count === 1) {
      this.type = POINTS;
      const a = pA.vertices[cache.indexA[0]], b = pB.vertices[cache.indexB[0]];
      const ax = mulX(xfA, a.x, a.y), ay = mulY(xfA, a.x, a.y);
      const bx = mulX(xfB, b.x, b.y), by = mulY(xfB, b.x, b.y);
      this.axisX = f(bx - ax);
      this.axisY = f(by - ay);
      this.normalizeAxis();
      return;
    }
    const faceB = cache.indexA[0] === cache.indexA[1];
    const own = faceB ? pB : pA, other = faceB ? pA : pB;
    const xfOwn = faceB ? xfB : xfA, xfOther = faceB ? xfA : xfB;
    const ownIdx = faceB ? cache.indexB : cache.indexA;
    const otherIdx = faceB ? cache.indexA : cache.indexB;
    this.type = faceB ? FACE_B : FACE_A;
    const p1 = own.vertices[ownIdx[0]], p2 = own.vertices[ownIdx[1]];
    // b2Cross(p2 − p1, 1)
    this.axisX = f(p2.y - p1.y);
    this.axisY = -f(p2.x - p1.x);
    this.normalizeAxis();
    const q = xfOwn.q;
    const nx = f(f(q.c * this.axisX) - f(q.s * this.axisY));
    const ny = f(f(q.s * this.axisX) + f(q.c * this.axisY));
    this.lpx = f(0.5 * f(p1.x + p2.x));
    this.lpy = f(0.5 * f(p1.y + p2.y));
    const ox = mulX(xfOwn, this.lpx, this.lpy), oy = mulY(xfOwn, this.lpx, this.lpy);
    const v = other.vertices[otherIdx[0]];
    const vx = mulX(xfOther, v.x, v.y), vy = mulY(xfOther, v.x, v.y);
    const s = f(f(f(vx - ox) * nx) + f(f(vy - oy) * ny));
    if (s < 0) {
      this.axisX = -this.axisX;
      this.axisY = -this.axisY;
    }
  }

  normalizeAxis(): void {
    const len = f(Math.sqrt(f(f(this.axisX * this.axisX) + f(this.axisY * this.axisY))));
    if (len < EPSILON) return;
    const inv = f(1 / len);
    this.axisX = f(this.axisX * inv);
    this.axisY = f(this.axisY * inv);
  }

  /** `FindMinSeparation` (find = true: sets indexA/indexB) or `Evaluate` (find = false). */
  separation(t: number, find: boolean): number {
    const xfA = this.xfA, xfB = this.xfB;
    this.sweepA.transform(xfA, t);
    this.sweepB.transform(xfB, t);
    const ax0 = this.axisX, ay0 = this.axisY;
    if (this.type === POINTS) {
      if (find) {
        const qa = xfA.q, qb = xfB.q;
        this.indexA = this.proxyA.support(
          f(f(qa.c * ax0) + f(qa.s * ay0)),
          f(f(-qa.s * ax0) + f(qa.c * ay0)),
        );
        this.indexB = this.proxyB.support(
          f(f(qb.c * -ax0) + f(qb.s * -ay0)),
          f(f(-qb.s * -ax0) + f(qb.c * -ay0)),
        );
      }
      const a = this.proxyA.vertices[this.indexA], b = this.proxyB.vertices[this.indexB];
      const px = f(mulX(xfB, b.x, b.y) - mulX(xfA, a.x, a.y));
      const py = f(mulY(xfB, b.x, b.y) - mulY(xfA, a.x, a.y));
      return f(f(px * ax0) + f(py * ay0));
    }
    const faceA = this.type === FACE_A;
    const xfOwn = faceA ? xfA : xfB, xfOther = faceA ? xfB : xfA;
    const other = faceA ? this.proxyB : this.proxyA;
    const q = xfOwn.q;
    const nx = f(f(q.c * ax0) - f(q.s * ay0));
    const ny = f(f(q.s * ax0) + f(q.c * ay0));
    const ox = mulX(xfOwn, this.lpx, this.lpy), oy = mulY(xfOwn, this.lpx, this.lpy);
    if (find) {
      const qo = xfOther.q;
      const idx = other.support(
        f(f(qo.c * -nx) + f(qo.s * -ny)),
        f(f(-qo.s * -nx) + f(qo.c * -ny)),
      );
      if (faceA) {
        this.indexA = -1;
        this.indexB = idx;
      } else {
        this.indexB = -1;
        this.indexA = idx;
      }
    }
    const v = other.vertices[faceA ? this.indexB : this.indexA];
    const px = f(mulX(xfOther, v.x, v.y) - ox);
    const py = f(mulY(xfOther, v.x, v.y) - oy);
    return f(f(px * nx) + f(py * ny));
  }
}

/** The result of {@link timeOfImpact32}. */
export interface TOIOutput32 {
  /** One of `TOI_*`. */
  state: number;
  /** Time of impact in [0, tMax]. */
  t: number;
}

const fcn = new SeparationFunction();
const cache = new SimplexCache32();
const xfA1 = newTransform(), xfB1 = newTransform();
const toiOut: TOIOutput32 = { state: TOI_UNKNOWN, t: 0 };

/**
 * `b2TimeOfImpact`: the first time in [0, tMax] at which the proxies, moving along their
 * sweeps, come within `linearSlop` of touching. The returned object is reused.
 */
export function timeOfImpact32(
  proxyA: DistanceProxy32,
  sweepA: Sweep32,
  proxyB: DistanceProxy32,
  sweepB: Sweep32,
  tMaxIn: number,
): TOIOutput32 {
  const out = toiOut;
  const tMax = f(tMaxIn);
  out.state = TOI_UNKNOWN;
  out.t = tMax;
  const sA = fcn.sweepA, sB = fcn.sweepB;
  sA.set(sweepA);
  sB.set(sweepB);
  fcn.proxyA = proxyA;
  fcn.proxyB = proxyB;
  const totalRadius = f(proxyA.radius + proxyB.radius);
  const target = Math.max(LINEAR_SLOP, f(totalRadius - f(3 * LINEAR_SLOP)));
  const tolerance = f(0.25 * LINEAR_SLOP);
  const hi = f(target + tolerance), lo = f(target - tolerance);
  let t1 = 0;
  let iter = 0;
  cache.count = 0;
  for (;;) {
    sA.transform(xfA1, t1);
    sB.transform(xfB1, t1);
    const d = distance32(cache, proxyA, xfA1, proxyB, xfB1).distance;
    if (d <= 0) {
      out.state = TOI_OVERLAPPED;
      out.t = 0;
      break;
    }
    if (d < hi) {
      out.state = TOI_TOUCHING;
      out.t = t1;
      break;
    }
    fcn.initialize(cache, t1);
    let done = false;
    let t2 = tMax;
    let pushBackIter = 0;
    for (;;) {
      let s2 = fcn.separation(t2, true);
      const indexA = fcn.indexA, indexB = fcn.indexB;
      if (s2 > hi) {
        out.state = TOI_SEPARATED;
        out.t = tMax;
        done = true;
        break;
      }
      if (s2 > lo) {
        t1 = t2;
        break;
      }
      let s1 = fcn.separation(t1, false);
      if (s1 < lo) {
        out.state = TOI_FAILED;
        out.t = t1;
        done = true;
        break;
      }
      if (s1 <= hi) {
        out.state = TOI_TOUCHING;
        out.t = t1;
        done = true;
        break;
      }
      let rootIterCount = 0;
      let a1 = t1, a2 = t2;
      for (;;) {
        let t: number;
        if (rootIterCount & 1) {
          t = f(a1 + f(f(f(target - s1) * f(a2 - a1)) / f(s2 - s1)));
        } else {
          t = f(0.5 * f(a1 + a2));
        }
        ++rootIterCount;
        fcn.indexA = indexA;
        fcn.indexB = indexB;
        const s = fcn.separation(t, false);
        if (Math.abs(f(s - target)) < tolerance) {
          t2 = t;
          break;
        }
        if (s > target) {
          a1 = t;
          s1 = s;
        } else {
          a2 = t;
          s2 = s;
        }
        if (rootIterCount === 50) break;
      }
      ++pushBackIter;
      if (pushBackIter === MAX_POLYGON_VERTICES) break;
    }
    ++iter;
    if (done) break;
    if (iter === MAX_ITERATIONS) {
      out.state = TOI_FAILED;
      out.t = t1;
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// b2World::SolveTOI on planck's structures.

interface IBody {
  m_sweep: Sweep32 & { alpha0: number; advance(alpha: number): void; set(s: unknown): void };
  m_islandFlag: boolean;
  m_contactList: IEdge | null;
  m_next: IBody | null;
  isAwake(): boolean;
  isStatic(): boolean;
  isDynamic(): boolean;
  isBullet(): boolean;
  setAwake(flag: boolean): void;
  advance(alpha: number): void;
  synchronizeTransform(): void;
  synchronizeFixtures(): void;
}
interface IEdge {
  contact: IContact;
  other: IBody;
  next: IEdge | null;
}
interface IShape {
  m_type: string;
  m_radius: number;
  m_vertices?: Vec32[];
  m_vertex1?: Vec32;
  m_vertex2?: Vec32;
  m_p?: Vec32;
}
interface IFixture {
  m_isSensor: boolean;
  m_body: IBody;
  m_shape: IShape;
}
interface IContact {
  m_next: IContact | null;
  m_toiFlag: boolean;
  m_islandFlag: boolean;
  m_toiCount: number;
  m_toi: number;
  m_fixtureA: IFixture;
  m_fixtureB: IFixture;
  m_indexA: number;
  m_indexB: number;
  isEnabled(): boolean;
  setEnabled(flag: boolean): void;
  isTouching(): boolean;
  update(listener: unknown): void;
}
interface IStep {
  dt: number;
  inv_dt: number;
  dtRatio: number;
  positionIterations: number;
  velocityIterations: number;
  warmStarting: boolean;
  reset(dt: number): void;
}
interface ISolver {
  m_bodies: IBody[];
  clear(): void;
  addBody(b: IBody): void;
  addContact(c: IContact): void;
  solveIslandTOI(sub: IStep, a: IBody, b: IBody): void;
  solveWorldTOI(step: IStep): void;
}
interface IWorld {
  m_stepComplete: boolean;
  m_subStepping: boolean;
  m_bodyList: IBody | null;
  m_contactList: IContact | null;
  m_solver: ISolver;
  findNewContacts(): void;
}

const proxyA = new DistanceProxy32(), proxyB = new DistanceProxy32();
const edgeVertices = new WeakMap<IShape, Vec32[]>();

/** `b2DistanceProxy::Set` for a planck shape (child index 0: no chains here). */
function setProxy(proxy: DistanceProxy32, shape: IShape): void {
  if (shape.m_vertices !== undefined && shape.m_type === "polygon") {
    proxy.setVertices(shape.m_vertices, shape.m_radius);
  } else if (shape.m_type === "edge" && shape.m_vertex1 && shape.m_vertex2) {
    let v = edgeVertices.get(shape);
    if (v === undefined) {
      v = [shape.m_vertex1, shape.m_vertex2];
      edgeVertices.set(shape, v);
    }
    proxy.setVertices(v, shape.m_radius);
  } else if (shape.m_type === "circle" && shape.m_p) {
    let v = edgeVertices.get(shape);
    if (v === undefined) {
      v = [shape.m_p];
      edgeVertices.set(shape, v);
    }
    proxy.setVertices(v, shape.m_radius);
  } else {
    throw new Error(`Box2D: float32 time of impact of a ${shape.m_type} shape is not implemented`);
  }
}

function solveWorldTOI(world: IWorld, solver: ISolver, step: IStep, sub: IStep): void {
  if (world.m_stepComplete) {
    for (let b = world.m_bodyList; b; b = b.m_next) {
      b.m_islandFlag = false;
      b.m_sweep.alpha0 = 0;
    }
    for (let c = world.m_contactList; c; c = c.m_next) {
      c.m_toiFlag = false;
      c.m_islandFlag = false;
      c.m_toiCount = 0;
      c.m_toi = 1;
    }
  }
  for (;;) {
    let minContact: IContact | null = null;
    let minAlpha = 1;
    for (let c = world.m_contactList; c; c = c.m_next) {
      if (!c.isEnabled()) continue;
      if (c.m_toiCount > MAX_SUB_STEPS) continue;
      let alpha = 1;
      if (c.m_toiFlag) {
        alpha = c.m_toi;
      } else {
        const fA = c.m_fixtureA, fB = c.m_fixtureB;
        if (fA.m_isSensor || fB.m_isSensor) continue;
        const bA = fA.m_body, bB = fB.m_body;
        const activeA = bA.isAwake() && !bA.isStatic();
        const activeB = bB.isAwake() && !bB.isStatic();
        if (!activeA && !activeB) continue;
        const collideA = bA.isBullet() || !bA.isDynamic();
        const collideB = bB.isBullet() || !bB.isDynamic();
        if (!collideA && !collideB) continue;
        let alpha0 = bA.m_sweep.alpha0;
        if (bA.m_sweep.alpha0 < bB.m_sweep.alpha0) {
          alpha0 = bB.m_sweep.alpha0;
          bA.m_sweep.advance(alpha0);
        } else if (bB.m_sweep.alpha0 < bA.m_sweep.alpha0) {
          alpha0 = bA.m_sweep.alpha0;
          bB.m_sweep.advance(alpha0);
        }
        setProxy(proxyA, fA.m_shape);
        setProxy(proxyB, fB.m_shape);
        const out = timeOfImpact32(proxyA, bA.m_sweep, proxyB, bB.m_sweep, 1);
        const beta = out.t;
        if (out.state === TOI_TOUCHING) {
          alpha = Math.min(f(alpha0 + f(f(1 - alpha0) * beta)), 1);
        } else {
          alpha = 1;
        }
        c.m_toi = alpha;
        c.m_toiFlag = true;
      }
      if (alpha < minAlpha) {
        minContact = c;
        minAlpha = alpha;
      }
    }
    if (minContact === null || f(1 - f(10 * EPSILON)) < minAlpha) {
      world.m_stepComplete = true;
      break;
    }
    const bA = minContact.m_fixtureA.m_body, bB = minContact.m_fixtureB.m_body;
    backup1.save(bA.m_sweep);
    backup2.save(bB.m_sweep);
    bA.advance(minAlpha);
    bB.advance(minAlpha);
    minContact.update(world);
    minContact.m_toiFlag = false;
    ++minContact.m_toiCount;
    if (!minContact.isEnabled() || !minContact.isTouching()) {
      minContact.setEnabled(false);
      backup1.restore(bA);
      backup2.restore(bB);
      bA.synchronizeTransform();
      bB.synchronizeTransform();
      continue;
    }
    bA.setAwake(true);
    bB.setAwake(true);
    solver.clear();
    solver.addBody(bA);
    solver.addBody(bB);
    solver.addContact(minContact);
    bA.m_islandFlag = true;
    bB.m_islandFlag = true;
    minContact.m_islandFlag = true;
    for (let k = 0; k < 2; k++) {
      const body = k === 0 ? bA : bB;
      if (!body.isDynamic()) continue;
      for (let ce = body.m_contactList; ce; ce = ce.next) {
        const contact = ce.contact;
        if (contact.m_islandFlag) continue;
        const other = ce.other;
        if (other.isDynamic() && !body.isBullet() && !other.isBullet()) continue;
        if (contact.m_fixtureA.m_isSensor || contact.m_fixtureB.m_isSensor) continue;
        backup.save(other.m_sweep);
        if (!other.m_islandFlag) other.advance(minAlpha);
        contact.update(world);
        if (!contact.isEnabled() || !contact.isTouching()) {
          backup.restore(other);
          other.synchronizeTransform();
          continue;
        }
        contact.m_islandFlag = true;
        solver.addContact(contact);
        if (other.m_islandFlag) continue;
        other.m_islandFlag = true;
        if (!other.isStatic()) other.setAwake(true);
        solver.addBody(other);
      }
    }
    sub.reset(f(f(1 - minAlpha) * f(step.dt)));
    sub.dtRatio = 1;
    sub.positionIterations = 20;
    sub.velocityIterations = step.velocityIterations;
    sub.warmStarting = false;
    solver.solveIslandTOI(sub, bA, bB);
    const bodies = solver.m_bodies;
    for (let i = 0; i < bodies.length; i++) {
      const body = bodies[i];
      body.m_islandFlag = false;
      if (!body.isDynamic()) continue;
      body.synchronizeFixtures();
      for (let ce = body.m_contactList; ce; ce = ce.next) {
        ce.contact.m_toiFlag = false;
        ce.contact.m_islandFlag = false;
      }
    }
    world.findNewContacts();
    if (world.m_subStepping) {
      world.m_stepComplete = false;
      break;
    }
  }
}

const backup1 = new SweepCopy(), backup2 = new SweepCopy(), backup = new SweepCopy();

/**
 * Replaces `world`'s time-of-impact loop (`solveWorldTOI` on its solver object; planck's
 * prototypes are left alone) with Box2D 2.3.0's float32 one of this module.
 */
export function installTOI32(world: PlanckWorld): void {
  const w = world as unknown as IWorld;
  const solver = w.m_solver;
  let sub: IStep | null = null;
  solver.solveWorldTOI = (step: IStep) => {
    // planck's sub-step object is private; a fresh step of the same class serves.
    sub ??= Object.assign(Object.create(Object.getPrototypeOf(step)), step) as IStep;
    solveWorldTOI(w, solver, step, sub);
  };
}
