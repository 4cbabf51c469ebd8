/**
 * Box2D 2.3.0's island solver, contact solver and sweep arithmetic in float32, installed on
 * a planck world in place of planck's float64 ones.
 *
 * pybox2d runs Box2D 2.3.0 in float32. planck implements the same algorithms in float64, and
 * over hundreds of steps with 180 velocity iterations the two drift apart, most of all in
 * resting and landing contact. This module runs the parts of `b2World::Step` that move bodies
 * with every operation rounded to float32, in Box2D 2.3.0's order of operations:
 *
 * - `b2Island::Solve`: velocity integration (gravity and forces), the contact solver's set-up,
 *   warm start and velocity iterations (joints first, as Box2D), position integration with the
 *   translation and rotation clamps, the position iterations, the copy back to the bodies and
 *   the sleep timers;
 * - `b2ContactSolver`: `b2WorldManifold::Initialize`, the normal and tangent masses, the
 *   restitution bias, the two-point block solver, `b2PositionSolverManifold` and the
 *   TOI position solver;
 * - `b2Island::SolveTOI`, the sub-step solve after a time-of-impact event;
 * - `b2Sweep::GetTransform` and `b2Sweep::Advance` on each body (used by planck for the
 *   body transform, the broad-phase and the time-of-impact advance); 2.3.0's `Advance` is
 *   c0 = (1 − β)·c0 + β·c, which rounds differently from c0 + β·(c − c0).
 *
 * Island building and the broad phase stay planck's; the time of impact is `toi32.ts`, the
 * edge-versus-polygon manifolds `collide32.ts`. Joints are solved by their own solver objects (`revolute32.ts`), called by
 * this island solver at Box2D's points. Box2D's C++ is compiled for x86-64 SSE without fused
 * multiply-add, so each float32 operation rounds once: `Math.fround` after every operation is
 * the same arithmetic; `sinf`/`cosf` are glibc's (`trig32.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { F32_MAX_ROTATION } from "./solver32.ts";
 * assert.equal(F32_MAX_ROTATION, Math.fround(0.5 * Math.fround(3.14159265359)));
 * ```
 * @module
 */
import type { PlanckBody, PlanckWorld } from "./planck.ts";
import { SINCOS, sincosf } from "./trig32.ts";

const f = Math.fround;
const PI_F = f(3.14159265359);
const LINEAR_SLOP = f(0.005);
const BAUMGARTE = f(0.2);
const TOI_BAUMGARTE = f(0.75);
const MAX_LINEAR_CORRECTION = f(0.2);
const VELOCITY_THRESHOLD = f(1);
const MAX_TRANSLATION = f(2);
const MAX_TRANSLATION_SQUARED = f(MAX_TRANSLATION * MAX_TRANSLATION);
/** Box2D's `b2_maxRotation` (0.5f · b2_pi). */
export const F32_MAX_ROTATION: number = f(0.5 * PI_F);
const MAX_ROTATION_SQUARED = f(F32_MAX_ROTATION * F32_MAX_ROTATION);
const LINEAR_SLEEP_TOLERANCE = f(0.01);
const ANGULAR_SLEEP_TOLERANCE = f(f(2 / 180) * PI_F);
const LIN_TOL_SQR = f(LINEAR_SLEEP_TOLERANCE * LINEAR_SLEEP_TOLERANCE);
const ANG_TOL_SQR = f(ANGULAR_SLEEP_TOLERANCE * ANGULAR_SLEEP_TOLERANCE);
/** Box2D's `b2_timeToSleep`: an island sleeps once every body was quiet this long (s). */
export const TIME_TO_SLEEP_F32: number = f(0.5);
const FLT_EPSILON = 2 ** -23;
const MAX_CONDITION_NUMBER = f(1000);

const CIRCLES = 0, FACE_A = 1; // (2 is face B)

interface Vec {
  x: number;
  y: number;
}

/** The planck sweep fields (and methods replaced here). */
interface InternalSweep {
  localCenter: Vec;
  c0: Vec;
  c: Vec;
  a0: number;
  a: number;
  alpha0: number;
  getTransform(xf: InternalTransform, beta: number): void;
  advance(alpha: number): void;
}

interface InternalTransform {
  p: Vec;
  q: { s: number; c: number };
}

/** The planck body fields this solver reads and writes. */
interface InternalBody {
  m_sweep: InternalSweep;
  m_xf: InternalTransform;
  m_linearVelocity: Vec;
  m_angularVelocity: number;
  m_force: Vec;
  m_torque: number;
  m_invMass: number;
  m_invI: number;
  m_gravityScale: number;
  m_linearDamping: number;
  m_angularDamping: number;
  m_sleepTime: number;
  m_autoSleepFlag: boolean;
  c_position: { c: Vec; a: number };
  c_velocity: { v: Vec; w: number };
  isStatic(): boolean;
  isDynamic(): boolean;
  setAwake(flag: boolean): void;
  synchronizeTransform(): void;
}

interface InternalManifoldPoint {
  localPoint: Vec;
  normalImpulse: number;
  tangentImpulse: number;
}

interface InternalFixture {
  m_body: InternalBody;
  m_friction: number;
  m_restitution: number;
  m_shape: { m_radius: number };
}

interface InternalContact {
  m_fixtureA: InternalFixture;
  m_fixtureB: InternalFixture;
  m_tangentSpeed: number;
  m_manifold: {
    type: number;
    localNormal: Vec;
    localPoint: Vec;
    pointCount: number;
    points: InternalManifoldPoint[];
  };
}

interface InternalJoint {
  initVelocityConstraints(step: InternalStep): void;
  solveVelocityConstraints(step: InternalStep): void;
  solvePositionConstraints(step: InternalStep): boolean;
}

interface InternalStep {
  dt: number;
  dtRatio: number;
  warmStarting: boolean;
  velocityIterations: number;
  positionIterations: number;
}

interface InternalSolver {
  m_world: { m_gravity: Vec; m_allowSleep: boolean };
  m_bodies: InternalBody[];
  m_contacts: InternalContact[];
  m_joints: InternalJoint[];
  solveIsland(step: InternalStep): void;
  solveIslandTOI(step: InternalStep, toiA: InternalBody, toiB: InternalBody): void;
  postSolveIsland(): void;
}

/** One contact point of a constraint (`b2VelocityConstraintPoint` + the local point). */
class Point32 {
  rAx = 0;
  rAy = 0;
  rBx = 0;
  rBy = 0;
  normalImpulse = 0;
  tangentImpulse = 0;
  normalMass = 0;
  tangentMass = 0;
  velocityBias = 0;
  localX = 0;
  localY = 0;
}

/** `b2ContactVelocityConstraint` and `b2ContactPositionConstraint` of one contact. */
class Constraint32 {
  contact: InternalContact | null = null;
  bodyA: InternalBody | null = null;
  bodyB: InternalBody | null = null;
  readonly points = [new Point32(), new Point32()];
  nx = 0;
  ny = 0;
  // K = [[k11, k12], [k12, k22]] and its inverse (normalMass), column-major as b2Mat22.
  kExX = 0;
  kExY = 0;
  kEyX = 0;
  kEyY = 0;
  nmExX = 0;
  nmExY = 0;
  nmEyX = 0;
  nmEyY = 0;
  friction = 0;
  restitution = 0;
  tangentSpeed = 0;
  mA = 0;
  mB = 0;
  iA = 0;
  iB = 0;
  pointCount = 0;
  positionPointCount = 0;
  lcAx = 0;
  lcAy = 0;
  lcBx = 0;
  lcBy = 0;
  localNx = 0;
  localNy = 0;
  localPx = 0;
  localPy = 0;
  type = 0;
  radiusA = 0;
  radiusB = 0;
}

/** A float32 transform (`b2Transform`) scratch. */
class Xf32 {
  px = 0;
  py = 0;
  s = 0;
  c = 0;
  /** The centre, angle and local centre {@link Xf32.update} reads. */
  cx = 0;
  cy = 0;
  a = 0;
  lcx = 0;
  lcy = 0;
  /** q.Set(a); p = center − q·localCenter (from the fields: no boxed arguments). */
  update(): void {
    sincosf(this.a);
    const s = this.s = SINCOS[0];
    const c = this.c = SINCOS[1];
    const lcx = this.lcx, lcy = this.lcy;
    this.px = f(this.cx - f(f(c * lcx) - f(s * lcy)));
    this.py = f(this.cy - f(f(s * lcx) + f(c * lcy)));
  }
}

/** A body's solver velocity (v, ω), as planck keeps it. */
export type SolverVelocity = { v: Vec; w: number };
/** A body's solver position (c, a), as planck keeps it. */
export type SolverPosition = { c: Vec; a: number };

/**
 * The state of a constraint's two bodies, velocities (v, ω) or positions (c, a), as float32
 * values while a solver works on them, with Box2D's impulse application.
 */
export class Pair32 {
  /** Body A: x component. */
  xA = 0;
  /** Body A: y component. */
  yA = 0;
  /** Body A: angular component. */
  rotA = 0;
  /** Body B: x component. */
  xB = 0;
  /** Body B: y component. */
  yB = 0;
  /** Body B: angular component. */
  rotB = 0;
  /** x of the last {@link Pair32.relativeVelocity}. */
  dvx = 0;
  /** y of the last {@link Pair32.relativeVelocity}. */
  dvy = 0;

  /** Loads two bodies' solver velocities. */
  loadVelocities(a: SolverVelocity, b: SolverVelocity): void {
    const la = a.v, lb = b.v;
    this.xA = f(la.x);
    this.yA = f(la.y);
    this.rotA = f(a.w);
    this.xB = f(lb.x);
    this.yB = f(lb.y);
    this.rotB = f(b.w);
  }

  /** Loads two bodies' solver positions. */
  loadPositions(a: SolverPosition, b: SolverPosition): void {
    const la = a.c, lb = b.c;
    this.xA = f(la.x);
    this.yA = f(la.y);
    this.rotA = f(a.a);
    this.xB = f(lb.x);
    this.yB = f(lb.y);
    this.rotB = f(b.a);
  }

  /** Stores the velocities back. */
  storeVelocities(a: SolverVelocity, b: SolverVelocity): void {
    const la = a.v, lb = b.v;
    la.x = this.xA;
    la.y = this.yA;
    lb.x = this.xB;
    lb.y = this.yB;
    a.w = this.rotA;
    b.w = this.rotB;
  }

  /** Stores the positions back. */
  storePositions(a: SolverPosition, b: SolverPosition): void {
    const la = a.c, lb = b.c;
    la.x = this.xA;
    la.y = this.yA;
    lb.x = this.xB;
    lb.y = this.yB;
    a.a = this.rotA;
    b.a = this.rotB;
  }

  /** The impulse P, the arms rA, rB and the inverse masses {@link Pair32.apply} uses. */
  px = 0;
  py = 0;
  rAx = 0;
  rAy = 0;
  rBx = 0;
  rBy = 0;
  mA = 0;
  iA = 0;
  mB = 0;
  iB = 0;

  /**
   * A −= mA·P, ωA −= iA·(rA × P); B += mB·P, ωB += iB·(rB × P), from the fields above (not
   * arguments: numbers passed to a call that is not inlined are boxed).
   */
  apply(): void {
    const px = this.px, py = this.py;
    const mA = this.mA, iA = this.iA, mB = this.mB, iB = this.iB;
    this.xA = f(this.xA - f(mA * px));
    this.yA = f(this.yA - f(mA * py));
    this.rotA = f(this.rotA - f(iA * f(f(this.rAx * py) - f(this.rAy * px))));
    this.xB = f(this.xB + f(mB * px));
    this.yB = f(this.yB + f(mB * py));
    this.rotB = f(this.rotB + f(iB * f(f(this.rBx * py) - f(this.rBy * px))));
  }

  /** dv = vB + ωB × rB − vA − ωA × rA, left to right as Box2D's C++, into dvx, dvy. */
  relativeVelocity(arms: { rAx: number; rAy: number; rBx: number; rBy: number }): void {
    const rAx = arms.rAx, rAy = arms.rAy, rBx = arms.rBx, rBy = arms.rBy;
    this.dvx = f(f(f(this.xB + f(-this.rotB * rBy)) - this.xA) - f(-this.rotA * rAy));
    this.dvy = f(f(f(this.yB + f(this.rotB * rBx)) - this.yA) - f(this.rotA * rAx));
  }
}

/** Box2D 2.3.0's `b2ContactSolver` in float32 over the contacts of one island. */
export class ContactSolver32 {
  readonly #pool: Constraint32[] = [];
  #count = 0;
  readonly #xfA = new Xf32();
  readonly #xfB = new Xf32();
  // Outputs of the manifold helpers (normal, point, separation).
  #nx = 0;
  #ny = 0;
  #px = 0;
  #py = 0;
  #sep = 0;
  readonly #wpx = [0, 0];
  readonly #wpy = [0, 0];
  readonly #pair = new Pair32();

  /** The constructor of `b2ContactSolver`: copies each contact's data, scales warm starts. */
  setup(contacts: readonly InternalContact[], step: InternalStep): void {
    const n = contacts.length;
    while (this.#pool.length < n) this.#pool.push(new Constraint32());
    this.#count = n;
    const ratio = f(step.dtRatio);
    for (let i = 0; i < n; i++) {
      const contact = contacts[i];
      const vc = this.#pool[i];
      const fA = contact.m_fixtureA;
      const fB = contact.m_fixtureB;
      const bA = fA.m_body;
      const bB = fB.m_body;
      const m = contact.m_manifold;
      vc.contact = contact;
      vc.bodyA = bA;
      vc.bodyB = bB;
      vc.friction = f(Math.sqrt(f(f(fA.m_friction) * f(fB.m_friction))));
      vc.restitution = f(Math.max(fA.m_restitution, fB.m_restitution));
      vc.tangentSpeed = f(contact.m_tangentSpeed);
      vc.mA = f(bA.m_invMass);
      vc.mB = f(bB.m_invMass);
      vc.iA = f(bA.m_invI);
      vc.iB = f(bB.m_invI);
      vc.pointCount = m.pointCount;
      vc.positionPointCount = m.pointCount;
      vc.kExX =
        vc.kExY =
        vc.kEyX =
        vc.kEyY =
          0;
      vc.nmExX =
        vc.nmExY =
        vc.nmEyX =
        vc.nmEyY =
          0;
      vc.lcAx = f(bA.m_sweep.localCenter.x);
      vc.lcAy = f(bA.m_sweep.localCenter.y);
      vc.lcBx = f(bB.m_sweep.localCenter.x);
      vc.lcBy = f(bB.m_sweep.localCenter.y);
      vc.localNx = f(m.localNormal.x);
      vc.localNy = f(m.localNormal.y);
      vc.localPx = f(m.localPoint.x);
      vc.localPy = f(m.localPoint.y);
      vc.type = m.type;
      vc.radiusA = f(fA.m_shape.m_radius);
      vc.radiusB = f(fB.m_shape.m_radius);
      for (let j = 0; j < m.pointCount; j++) {
        const cp = m.points[j];
        const vcp = vc.points[j];
        if (step.warmStarting) {
          vcp.normalImpulse = f(ratio * f(cp.normalImpulse));
          vcp.tangentImpulse = f(ratio * f(cp.tangentImpulse));
        } else {
          vcp.normalImpulse = 0;
          vcp.tangentImpulse = 0;
        }
        vcp.rAx =
          vcp.rAy =
          vcp.rBx =
          vcp.rBy =
            0;
        vcp.normalMass = vcp.tangentMass = vcp.velocityBias = 0;
        vcp.localX = f(cp.localPoint.x);
        vcp.localY = f(cp.localPoint.y);
      }
    }
  }

  /** `b2WorldManifold::Initialize` into #nx/#ny and #wpx/#wpy. */
  #worldManifold(vc: Constraint32): void {
    const xA = this.#xfA, xB = this.#xfB;
    const rA = vc.radiusA, rB = vc.radiusB;
    if (vc.type === CIRCLES) {
      let nx = 1, ny = 0;
      const pAx = f(f(f(xA.c * vc.localPx) - f(xA.s * vc.localPy)) + xA.px);
      const pAy = f(f(f(xA.s * vc.localPx) + f(xA.c * vc.localPy)) + xA.py);
      const p = vc.points[0];
      const pBx = f(f(f(xB.c * p.localX) - f(xB.s * p.localY)) + xB.px);
      const pBy = f(f(f(xB.s * p.localX) + f(xB.c * p.localY)) + xB.py);
      const dx = f(pAx - pBx), dy = f(pAy - pBy);
      if (f(f(dx * dx) + f(dy * dy)) > f(FLT_EPSILON * FLT_EPSILON)) {
        nx = f(pBx - pAx);
        ny = f(pBy - pAy);
        const len = f(Math.sqrt(f(f(nx * nx) + f(ny * ny))));
        if (len >= FLT_EPSILON) {
          const inv = f(1 / len);
          nx = f(nx * inv);
          ny = f(ny * inv);
        }
      }
      const cAx = f(pAx + f(rA * nx)), cAy = f(pAy + f(rA * ny));
      const cBx = f(pBx - f(rB * nx)), cBy = f(pBy - f(rB * ny));
      this.#wpx[0] = f(0.5 * f(cAx + cBx));
      this.#wpy[0] = f(0.5 * f(cAy + cBy));
      this.#nx = nx;
      this.#ny = ny;
      return;
    }
    // Face A: the reference face is on A, clip points on B (face B: the other way round).
    const ref = vc.type === FACE_A ? xA : xB;
    const inc = vc.type === FACE_A ? xB : xA;
    const rRef = vc.type === FACE_A ? rA : rB;
    const rInc = vc.type === FACE_A ? rB : rA;
    const nx = f(f(ref.c * vc.localNx) - f(ref.s * vc.localNy));
    const ny = f(f(ref.s * vc.localNx) + f(ref.c * vc.localNy));
    const ppx = f(f(f(ref.c * vc.localPx) - f(ref.s * vc.localPy)) + ref.px);
    const ppy = f(f(f(ref.s * vc.localPx) + f(ref.c * vc.localPy)) + ref.py);
    for (let j = 0; j < vc.pointCount; j++) {
      const p = vc.points[j];
      const clx = f(f(f(inc.c * p.localX) - f(inc.s * p.localY)) + inc.px);
      const cly = f(f(f(inc.s * p.localX) + f(inc.c * p.localY)) + inc.py);
      const d = f(f(f(clx - ppx) * nx) + f(f(cly - ppy) * ny));
      const k = f(rRef - d);
      // The point on the reference face and the one on the incident shape.
      const qRx = f(clx + f(k * nx)), qRy = f(cly + f(k * ny));
      const qIx = f(clx - f(rInc * nx)), qIy = f(cly - f(rInc * ny));
      // 0.5f * (cA + cB): for face A cA is the reference point; the sum commutes.
      this.#wpx[j] = f(0.5 * f(vc.type === FACE_A ? qRx + qIx : qIx + qRx));
      this.#wpy[j] = f(0.5 * f(vc.type === FACE_A ? qRy + qIy : qIy + qRy));
    }
    this.#nx = vc.type === FACE_A ? nx : -nx;
    this.#ny = vc.type === FACE_A ? ny : -ny;
  }

  /** `InitializeVelocityConstraints`: world manifold, masses, restitution bias, block K. */
  initializeVelocityConstraints(): void {
    for (let i = 0; i < this.#count; i++) {
      const vc = this.#pool[i];
      const bA = vc.bodyA!, bB = vc.bodyB!;
      const mA = vc.mA, mB = vc.mB, iA = vc.iA, iB = vc.iB;
      const pA = bA.c_position, pB = bB.c_position;
      const vA = bA.c_velocity, vB = bB.c_velocity;
      const vAx = f(vA.v.x), vAy = f(vA.v.y), wA = f(vA.w);
      const vBx = f(vB.v.x), vBy = f(vB.v.y), wB = f(vB.w);
      const cAx = f(pA.c.x), cAy = f(pA.c.y), cBx = f(pB.c.x), cBy = f(pB.c.y);
      const xfA = this.#xfA, xfB = this.#xfB;
      xfA.cx = cAx;
      xfA.cy = cAy;
      xfA.a = f(pA.a);
      xfA.lcx = vc.lcAx;
      xfA.lcy = vc.lcAy;
      xfA.update();
      xfB.cx = cBx;
      xfB.cy = cBy;
      xfB.a = f(pB.a);
      xfB.lcx = vc.lcBx;
      xfB.lcy = vc.lcBy;
      xfB.update();
      this.#worldManifold(vc);
      const nx = vc.nx = this.#nx;
      const ny = vc.ny = this.#ny;
      const tx = ny, ty = -nx;
      for (let j = 0; j < vc.pointCount; j++) {
        const p = vc.points[j];
        const rAx = p.rAx = f(this.#wpx[j] - cAx);
        const rAy = p.rAy = f(this.#wpy[j] - cAy);
        const rBx = p.rBx = f(this.#wpx[j] - cBx);
        const rBy = p.rBy = f(this.#wpy[j] - cBy);
        const rnA = f(f(rAx * ny) - f(rAy * nx));
        const rnB = f(f(rBx * ny) - f(rBy * nx));
        const kNormal = f(f(f(mA + mB) + f(f(iA * rnA) * rnA)) + f(f(iB * rnB) * rnB));
        p.normalMass = kNormal > 0 ? f(1 / kNormal) : 0;
        const rtA = f(f(rAx * ty) - f(rAy * tx));
        const rtB = f(f(rBx * ty) - f(rBy * tx));
        const kTangent = f(f(f(mA + mB) + f(f(iA * rtA) * rtA)) + f(f(iB * rtB) * rtB));
        p.tangentMass = kTangent > 0 ? f(1 / kTangent) : 0;
        p.velocityBias = 0;
        const dvx = f(f(f(vBx + f(-wB * rBy)) - vAx) - f(-wA * rAy));
        const dvy = f(f(f(vBy + f(wB * rBx)) - vAy) - f(wA * rAx));
        const vRel = f(f(nx * dvx) + f(ny * dvy));
        if (vRel < -VELOCITY_THRESHOLD) p.velocityBias = f(-vc.restitution * vRel);
      }
      if (vc.pointCount === 2) {
        const p1 = vc.points[0], p2 = vc.points[1];
        const rn1A = f(f(p1.rAx * ny) - f(p1.rAy * nx));
        const rn1B = f(f(p1.rBx * ny) - f(p1.rBy * nx));
        const rn2A = f(f(p2.rAx * ny) - f(p2.rAy * nx));
        const rn2B = f(f(p2.rBx * ny) - f(p2.rBy * nx));
        const mAB = f(mA + mB);
        const k11 = f(f(mAB + f(f(iA * rn1A) * rn1A)) + f(f(iB * rn1B) * rn1B));
        const k22 = f(f(mAB + f(f(iA * rn2A) * rn2A)) + f(f(iB * rn2B) * rn2B));
        const k12 = f(f(mAB + f(f(iA * rn1A) * rn2A)) + f(f(iB * rn1B) * rn2B));
        if (f(k11 * k11) < f(MAX_CONDITION_NUMBER * f(f(k11 * k22) - f(k12 * k12)))) {
          vc.kExX = k11;
          vc.kExY = k12;
          vc.kEyX = k12;
          vc.kEyY = k22;
          // b2Mat22::GetInverse with a = ex.x, b = ey.x, c = ex.y, d = ey.y.
          let det = f(f(k11 * k22) - f(k12 * k12));
          if (det !== 0) det = f(1 / det);
          vc.nmExX = f(det * k22);
          vc.nmEyX = f(-det * k12);
          vc.nmExY = f(-det * k12);
          vc.nmEyY = f(det * k11);
        } else {
          vc.pointCount = 1;
        }
      }
    }
  }

  /** `WarmStart`: applies the scaled impulses of the previous step. */
  warmStart(): void {
    const q = this.#pair;
    for (let i = 0; i < this.#count; i++) {
      const vc = this.#pool[i];
      const velA = vc.bodyA!.c_velocity, velB = vc.bodyB!.c_velocity;
      q.loadVelocities(velA, velB);
      q.mA = vc.mA;
      q.iA = vc.iA;
      q.mB = vc.mB;
      q.iB = vc.iB;
      const nx = vc.nx, ny = vc.ny, tx = ny, ty = -nx;
      for (let j = 0; j < vc.pointCount; j++) {
        const p = vc.points[j];
        const Px = f(f(p.normalImpulse * nx) + f(p.tangentImpulse * tx));
        const Py = f(f(p.normalImpulse * ny) + f(p.tangentImpulse * ty));
        q.px = Px;
        q.py = Py;
        q.rAx = p.rAx;
        q.rAy = p.rAy;
        q.rBx = p.rBx;
        q.rBy = p.rBy;
        q.apply();
      }
      q.storeVelocities(velA, velB);
    }
  }

  /**
   * `SolveVelocityConstraints`: friction, then the normal (block solver for two points).
   * The bodies' velocities live in locals here (the hottest loop of a step: Box2D's
   * `dv = vB + ωB × rB − vA − ωA × rA` and `A −= mA·P … B += mB·P …` written out).
   */
  solveVelocityConstraints(): void {
    const q = this.#pair;
    for (let i = 0; i < this.#count; i++) {
      const vc = this.#pool[i];
      const velA = vc.bodyA!.c_velocity, velB = vc.bodyB!.c_velocity;
      const mA = vc.mA, mB = vc.mB, iA = vc.iA, iB = vc.iB;
      const linA = velA.v, linB = velB.v;
      let vAx = f(linA.x), vAy = f(linA.y), wA = f(velA.w);
      let vBx = f(linB.x), vBy = f(linB.y), wB = f(velB.w);
      const nx = vc.nx, ny = vc.ny, tx = ny, ty = -nx;
      const friction = vc.friction;
      const pointCount = vc.pointCount;
      for (let j = 0; j < pointCount; j++) {
        const p = vc.points[j];
        const rAx = p.rAx, rAy = p.rAy, rBx = p.rBx, rBy = p.rBy;
        const dvx = f(f(f(vBx + f(-wB * rBy)) - vAx) - f(-wA * rAy));
        const dvy = f(f(f(vBy + f(wB * rBx)) - vAy) - f(wA * rAx));
        const vt = f(f(f(dvx * tx) + f(dvy * ty)) - vc.tangentSpeed);
        let lambda = f(p.tangentMass * -vt);
        const maxFriction = f(friction * p.normalImpulse);
        const sum = f(p.tangentImpulse + lambda);
        const newImpulse = Math.max(-maxFriction, Math.min(sum, maxFriction));
        lambda = f(newImpulse - p.tangentImpulse);
        p.tangentImpulse = newImpulse;
        const px = f(lambda * tx), py = f(lambda * ty);
        vAx = f(vAx - f(mA * px));
        vAy = f(vAy - f(mA * py));
        wA = f(wA - f(iA * f(f(rAx * py) - f(rAy * px))));
        vBx = f(vBx + f(mB * px));
        vBy = f(vBy + f(mB * py));
        wB = f(wB + f(iB * f(f(rBx * py) - f(rBy * px))));
      }
      if (pointCount === 1) {
        const p = vc.points[0];
        const rAx = p.rAx, rAy = p.rAy, rBx = p.rBx, rBy = p.rBy;
        const dvx = f(f(f(vBx + f(-wB * rBy)) - vAx) - f(-wA * rAy));
        const dvy = f(f(f(vBy + f(wB * rBx)) - vAy) - f(wA * rAx));
        const vn = f(f(dvx * nx) + f(dvy * ny));
        let lambda = f(-p.normalMass * f(vn - p.velocityBias));
        const newImpulse = Math.max(f(p.normalImpulse + lambda), 0);
        lambda = f(newImpulse - p.normalImpulse);
        p.normalImpulse = newImpulse;
        const px = f(lambda * nx), py = f(lambda * ny);
        linA.x = f(vAx - f(mA * px));
        linA.y = f(vAy - f(mA * py));
        velA.w = f(wA - f(iA * f(f(rAx * py) - f(rAy * px))));
        linB.x = f(vBx + f(mB * px));
        linB.y = f(vBy + f(mB * py));
        velB.w = f(wB + f(iB * f(f(rBx * py) - f(rBy * px))));
      } else {
        q.xA = vAx;
        q.yA = vAy;
        q.rotA = wA;
        q.xB = vBx;
        q.yB = vBy;
        q.rotB = wB;
        this.#blockSolve(vc);
        q.storeVelocities(velA, velB);
      }
    }
  }

  /** The two-point normal block solver (total enumeration of the 2×2 LCP, as Box2D). */
  #blockSolve(vc: Constraint32): void {
    const q = this.#pair;
    const nx = vc.nx, ny = vc.ny;
    const c1 = vc.points[0], c2 = vc.points[1];
    const ax = c1.normalImpulse, ay = c2.normalImpulse;
    q.relativeVelocity(c1);
    const vn1 = f(f(q.dvx * nx) + f(q.dvy * ny));
    q.relativeVelocity(c2);
    const vn2 = f(f(q.dvx * nx) + f(q.dvy * ny));
    let bx = f(vn1 - c1.velocityBias);
    let by = f(vn2 - c2.velocityBias);
    bx = f(bx - f(f(vc.kExX * ax) + f(vc.kEyX * ay)));
    by = f(by - f(f(vc.kExY * ax) + f(vc.kEyY * ay)));
    // Case 1: both points active (vn = 0).
    let xx = -f(f(vc.nmExX * bx) + f(vc.nmEyX * by));
    let xy = -f(f(vc.nmExY * bx) + f(vc.nmEyY * by));
    let solved = xx >= 0 && xy >= 0;
    if (!solved) {
      // Case 2: vn1 = 0, x2 = 0.
      xx = f(-c1.normalMass * bx);
      xy = 0;
      solved = xx >= 0 && f(f(vc.kExY * xx) + by) >= 0;
    }
    if (!solved) {
      // Case 3: vn2 = 0, x1 = 0.
      xx = 0;
      xy = f(-c2.normalMass * by);
      solved = xy >= 0 && f(f(vc.kEyX * xy) + bx) >= 0;
    }
    if (!solved) {
      // Case 4: x = 0.
      xx = 0;
      xy = 0;
      solved = bx >= 0 && by >= 0;
    }
    if (!solved) return;
    const dx = f(xx - ax), dy = f(xy - ay);
    const P1x = f(dx * nx), P1y = f(dx * ny);
    const P2x = f(dy * nx), P2y = f(dy * ny);
    const sx = f(P1x + P2x), sy = f(P1y + P2y);
    const crossA = f(f(f(c1.rAx * P1y) - f(c1.rAy * P1x)) + f(f(c2.rAx * P2y) - f(c2.rAy * P2x)));
    const crossB = f(f(f(c1.rBx * P1y) - f(c1.rBy * P1x)) + f(f(c2.rBx * P2y) - f(c2.rBy * P2x)));
    q.xA = f(q.xA - f(vc.mA * sx));
    q.yA = f(q.yA - f(vc.mA * sy));
    q.rotA = f(q.rotA - f(vc.iA * crossA));
    q.xB = f(q.xB + f(vc.mB * sx));
    q.yB = f(q.yB + f(vc.mB * sy));
    q.rotB = f(q.rotB + f(vc.iB * crossB));
    c1.normalImpulse = xx;
    c2.normalImpulse = xy;
  }

  /** `StoreImpulses`: keeps the impulses in the manifolds for the next step's warm start. */
  storeImpulses(): void {
    for (let i = 0; i < this.#count; i++) {
      const vc = this.#pool[i];
      const points = vc.contact!.m_manifold.points;
      for (let j = 0; j < vc.pointCount; j++) {
        points[j].normalImpulse = vc.points[j].normalImpulse;
        points[j].tangentImpulse = vc.points[j].tangentImpulse;
      }
    }
  }

  /** `b2PositionSolverManifold::Initialize` for point `j` into #nx, #ny, #px, #py, #sep. */
  #positionManifold(vc: Constraint32, j: number): void {
    const xA = this.#xfA, xB = this.#xfB;
    if (vc.type === CIRCLES) {
      const pAx = f(f(f(xA.c * vc.localPx) - f(xA.s * vc.localPy)) + xA.px);
      const pAy = f(f(f(xA.s * vc.localPx) + f(xA.c * vc.localPy)) + xA.py);
      const p = vc.points[0];
      const pBx = f(f(f(xB.c * p.localX) - f(xB.s * p.localY)) + xB.px);
      const pBy = f(f(f(xB.s * p.localX) + f(xB.c * p.localY)) + xB.py);
      let nx = f(pBx - pAx), ny = f(pBy - pAy);
      const len = f(Math.sqrt(f(f(nx * nx) + f(ny * ny))));
      if (len >= FLT_EPSILON) {
        const inv = f(1 / len);
        nx = f(nx * inv);
        ny = f(ny * inv);
      }
      this.#nx = nx;
      this.#ny = ny;
      this.#px = f(0.5 * f(pAx + pBx));
      this.#py = f(0.5 * f(pAy + pBy));
      const d = f(f(f(pBx - pAx) * nx) + f(f(pBy - pAy) * ny));
      this.#sep = f(f(d - vc.radiusA) - vc.radiusB);
      return;
    }
    const ref = vc.type === FACE_A ? xA : xB;
    const inc = vc.type === FACE_A ? xB : xA;
    const nx = f(f(ref.c * vc.localNx) - f(ref.s * vc.localNy));
    const ny = f(f(ref.s * vc.localNx) + f(ref.c * vc.localNy));
    const ppx = f(f(f(ref.c * vc.localPx) - f(ref.s * vc.localPy)) + ref.px);
    const ppy = f(f(f(ref.s * vc.localPx) + f(ref.c * vc.localPy)) + ref.py);
    const p = vc.points[j];
    const clx = f(f(f(inc.c * p.localX) - f(inc.s * p.localY)) + inc.px);
    const cly = f(f(f(inc.s * p.localX) + f(inc.c * p.localY)) + inc.py);
    const d = f(f(f(clx - ppx) * nx) + f(f(cly - ppy) * ny));
    this.#sep = f(f(d - vc.radiusA) - vc.radiusB);
    this.#px = clx;
    this.#py = cly;
    this.#nx = vc.type === FACE_A ? nx : -nx;
    this.#ny = vc.type === FACE_A ? ny : -ny;
  }

  /**
   * `SolvePositionConstraints` (no TOI bodies) or `SolveTOIPositionConstraints` (only
   * `toiA` and `toiB` move); true when the contacts are within tolerance.
   */
  solvePositionConstraints(
    toiA: InternalBody | null = null,
    toiB: InternalBody | null = null,
  ): boolean {
    const q = this.#pair;
    const toi = toiA !== null;
    const baumgarte = toi ? TOI_BAUMGARTE : BAUMGARTE;
    let minSeparation = 0;
    for (let i = 0; i < this.#count; i++) {
      const vc = this.#pool[i];
      const bA = vc.bodyA!, bB = vc.bodyB!;
      let mA = vc.mA, iA = vc.iA, mB = vc.mB, iB = vc.iB;
      if (toi) {
        if (bA !== toiA && bA !== toiB) mA = iA = 0;
        if (bB !== toiA && bB !== toiB) mB = iB = 0;
      }
      const posA = bA.c_position, posB = bB.c_position;
      q.loadPositions(posA, posB);
      q.mA = mA;
      q.iA = iA;
      q.mB = mB;
      q.iB = iB;
      for (let j = 0; j < vc.positionPointCount; j++) {
        const xfA = this.#xfA, xfB = this.#xfB;
        xfA.cx = q.xA;
        xfA.cy = q.yA;
        xfA.a = q.rotA;
        xfA.lcx = vc.lcAx;
        xfA.lcy = vc.lcAy;
        xfA.update();
        xfB.cx = q.xB;
        xfB.cy = q.yB;
        xfB.a = q.rotB;
        xfB.lcx = vc.lcBx;
        xfB.lcy = vc.lcBy;
        xfB.update();
        this.#positionManifold(vc, j);
        const nx = this.#nx, ny = this.#ny, separation = this.#sep;
        const rAx = f(this.#px - q.xA), rAy = f(this.#py - q.yA);
        const rBx = f(this.#px - q.xB), rBy = f(this.#py - q.yB);
        minSeparation = Math.min(minSeparation, separation);
        const C = Math.max(
          -MAX_LINEAR_CORRECTION,
          Math.min(f(baumgarte * f(separation + LINEAR_SLOP)), 0),
        );
        const rnA = f(f(rAx * ny) - f(rAy * nx));
        const rnB = f(f(rBx * ny) - f(rBy * nx));
        const K = f(f(f(mA + mB) + f(f(iA * rnA) * rnA)) + f(f(iB * rnB) * rnB));
        const impulse = K > 0 ? f(-C / K) : 0;
        q.px = f(impulse * nx);
        q.py = f(impulse * ny);
        q.rAx = rAx;
        q.rAy = rAy;
        q.rBx = rBx;
        q.rBy = rBy;
        q.apply();
      }
      q.storePositions(posA, posB);
    }
    return minSeparation >= f((toi ? -1.5 : -3) * LINEAR_SLOP);
  }
}

/** Clamps an integration step as Box2D does, then integrates c and a (float32). */
function integratePositions(body: InternalBody, h: number): void {
  const pos = body.c_position, vel = body.c_velocity;
  let vx = f(vel.v.x), vy = f(vel.v.y), w = f(vel.w);
  const tx = f(h * vx), ty = f(h * vy);
  const t2 = f(f(tx * tx) + f(ty * ty));
  if (t2 > MAX_TRANSLATION_SQUARED) {
    const ratio = f(MAX_TRANSLATION / f(Math.sqrt(t2)));
    vx = f(vx * ratio);
    vy = f(vy * ratio);
  }
  const rotation = f(h * w);
  if (f(rotation * rotation) > MAX_ROTATION_SQUARED) {
    const ratio = f(F32_MAX_ROTATION / Math.abs(rotation));
    w = f(w * ratio);
  }
  pos.c.x = f(f(pos.c.x) + f(h * vx));
  pos.c.y = f(f(pos.c.y) + f(h * vy));
  pos.a = f(f(pos.a) + f(h * w));
  vel.v.x = vx;
  vel.v.y = vy;
  vel.w = w;
}

/** Copies a body's solver state back to it and updates its transform (float32 sweep). */
function copyBack(b: InternalBody): void {
  b.m_sweep.c.x = b.c_position.c.x;
  b.m_sweep.c.y = b.c_position.c.y;
  b.m_sweep.a = b.c_position.a;
  b.m_linearVelocity.x = b.c_velocity.v.x;
  b.m_linearVelocity.y = b.c_velocity.v.y;
  b.m_angularVelocity = b.c_velocity.w;
  b.synchronizeTransform();
}

/** `b2Island::Solve` in float32 for the island planck's solver has gathered. */
function solveIsland(s: InternalSolver, cs: ContactSolver32, step: InternalStep): void {
  const h = f(step.dt);
  const g = s.m_world.m_gravity;
  const gx = f(g.x), gy = f(g.y);
  const bodies = s.m_bodies;
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i];
    const sw = b.m_sweep;
    const cx = f(sw.c.x), cy = f(sw.c.y), a = f(sw.a);
    let vx = f(b.m_linearVelocity.x), vy = f(b.m_linearVelocity.y), w = f(b.m_angularVelocity);
    sw.c0.x = cx;
    sw.c0.y = cy;
    sw.a0 = a;
    if (b.isDynamic()) {
      const gs = f(b.m_gravityScale), im = f(b.m_invMass);
      const ax = f(f(gs * gx) + f(im * f(b.m_force.x)));
      const ay = f(f(gs * gy) + f(im * f(b.m_force.y)));
      vx = f(vx + f(h * ax));
      vy = f(vy + f(h * ay));
      w = f(w + f(f(h * f(b.m_invI)) * f(b.m_torque)));
      const lin = f(1 / f(1 + f(h * f(b.m_linearDamping))));
      vx = f(vx * lin);
      vy = f(vy * lin);
      w = f(w * f(1 / f(1 + f(h * f(b.m_angularDamping)))));
    }
    b.c_position.c.x = cx;
    b.c_position.c.y = cy;
    b.c_position.a = a;
    b.c_velocity.v.x = vx;
    b.c_velocity.v.y = vy;
    b.c_velocity.w = w;
  }
  const joints = s.m_joints;
  cs.setup(s.m_contacts, step);
  cs.initializeVelocityConstraints();
  if (step.warmStarting) cs.warmStart();
  for (let j = 0; j < joints.length; j++) joints[j].initVelocityConstraints(step);
  for (let it = 0; it < step.velocityIterations; it++) {
    for (let j = 0; j < joints.length; j++) joints[j].solveVelocityConstraints(step);
    cs.solveVelocityConstraints();
  }
  cs.storeImpulses();
  for (let i = 0; i < bodies.length; i++) integratePositions(bodies[i], h);
  let positionSolved = false;
  for (let it = 0; it < step.positionIterations; it++) {
    const contactsOkay = cs.solvePositionConstraints();
    let jointsOkay = true;
    for (let j = 0; j < joints.length; j++) {
      const ok = joints[j].solvePositionConstraints(step);
      jointsOkay = jointsOkay && ok;
    }
    if (contactsOkay && jointsOkay) {
      positionSolved = true;
      break;
    }
  }
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i];
    copyBack(b);
  }
  s.postSolveIsland();
  if (!s.m_world.m_allowSleep) return;
  let minSleepTime = Infinity;
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i];
    if (b.isStatic()) continue;
    const v = b.m_linearVelocity, w = b.m_angularVelocity;
    if (
      !b.m_autoSleepFlag || f(w * w) > ANG_TOL_SQR || f(f(v.x * v.x) + f(v.y * v.y)) > LIN_TOL_SQR
    ) {
      b.m_sleepTime = 0;
      minSleepTime = 0;
    } else {
      b.m_sleepTime = f(f(b.m_sleepTime) + h);
      minSleepTime = Math.min(minSleepTime, b.m_sleepTime);
    }
  }
  if (minSleepTime >= TIME_TO_SLEEP_F32 && positionSolved) {
    for (let i = 0; i < bodies.length; i++) bodies[i].setAwake(false);
  }
}

/** `b2Island::SolveTOI` in float32: the sub-step after a time-of-impact event. */
function solveIslandTOI(
  s: InternalSolver,
  cs: ContactSolver32,
  sub: InternalStep,
  toiA: InternalBody,
  toiB: InternalBody,
): void {
  const bodies = s.m_bodies;
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i];
    b.c_position.c.x = f(b.m_sweep.c.x);
    b.c_position.c.y = f(b.m_sweep.c.y);
    b.c_position.a = f(b.m_sweep.a);
    b.c_velocity.v.x = f(b.m_linearVelocity.x);
    b.c_velocity.v.y = f(b.m_linearVelocity.y);
    b.c_velocity.w = f(b.m_angularVelocity);
  }
  cs.setup(s.m_contacts, sub);
  for (let it = 0; it < sub.positionIterations; it++) {
    if (cs.solvePositionConstraints(toiA, toiB)) break;
  }
  toiA.m_sweep.c0.x = toiA.c_position.c.x;
  toiA.m_sweep.c0.y = toiA.c_position.c.y;
  toiA.m_sweep.a0 = toiA.c_position.a;
  toiB.m_sweep.c0.x = toiB.c_position.c.x;
  toiB.m_sweep.c0.y = toiB.c_position.c.y;
  toiB.m_sweep.a0 = toiB.c_position.a;
  cs.initializeVelocityConstraints();
  for (let it = 0; it < sub.velocityIterations; it++) cs.solveVelocityConstraints();
  const h = f(sub.dt);
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i];
    integratePositions(b, h);
    copyBack(b);
  }
  s.postSolveIsland();
}

/**
 * Replaces `world`'s island solvers (regular and TOI) with the float32 ones of this module
 * (on the world's solver object; planck's prototypes are left alone).
 */
export function installSolver32(world: PlanckWorld): void {
  const s = (world as unknown as { m_solver: InternalSolver }).m_solver;
  const cs = new ContactSolver32();
  s.solveIsland = (step) => solveIsland(s, cs, step);
  const main = (world as unknown as { s_step: InternalStep }).s_step;
  s.solveIslandTOI = (sub, toiA, toiB) => {
    // Box2D's sub-step is (1 − α)·dt in float32 (planck's is float64); α is the TOI body's
    // sweep time after its advance.
    sub.dt = f(f(1 - f(toiA.m_sweep.alpha0)) * f(main.dt));
    solveIslandTOI(s, cs, sub, toiA, toiB);
  };
}

/**
 * Gives `body`'s sweep Box2D 2.3.0's float32 `GetTransform` and `Advance`, which planck calls
 * for the body transform (`SynchronizeTransform`), the broad-phase update and the advance to
 * a time of impact. Call it on every body of a world that {@link installSolver32} solves.
 */
export function installSweep32(body: PlanckBody): void {
  const sw = (body as unknown as InternalBody).m_sweep;
  sw.getTransform = (xf: InternalTransform, beta: number) => {
    const b = f(beta);
    const b1 = f(1 - b);
    const px = f(f(b1 * f(sw.c0.x)) + f(b * f(sw.c.x)));
    const py = f(f(b1 * f(sw.c0.y)) + f(b * f(sw.c.y)));
    const angle = f(f(b1 * f(sw.a0)) + f(b * f(sw.a)));
    sincosf(angle);
    const s = SINCOS[0], c = SINCOS[1];
    const lx = f(sw.localCenter.x), ly = f(sw.localCenter.y);
    xf.q.s = s;
    xf.q.c = c;
    xf.p.x = f(px - f(f(c * lx) - f(s * ly)));
    xf.p.y = f(py - f(f(s * lx) + f(c * ly)));
  };
  sw.advance = (alpha: number) => {
    const a0 = f(sw.alpha0);
    const beta = f(f(f(alpha) - a0) / f(1 - a0));
    // Box2D 2.3.0: c0 = (1 − β)·c0 + β·c (not c0 + β·(c − c0)).
    const b1 = f(1 - beta);
    sw.c0.x = f(f(b1 * f(sw.c0.x)) + f(beta * f(sw.c.x)));
    sw.c0.y = f(f(b1 * f(sw.c0.y)) + f(beta * f(sw.c.y)));
    sw.a0 = f(f(b1 * f(sw.a0)) + f(beta * f(sw.a)));
    sw.alpha0 = f(alpha);
  };
}

/** The planck fields {@link resetMassData32} reads and writes. */
interface InternalMassBody extends InternalBody {
  m_mass: number;
  m_I: number;
  m_fixedRotationFlag: boolean;
  m_fixtureList: InternalMassFixture | null;
}

interface InternalMassFixture {
  m_density: number;
  m_next: InternalMassFixture | null;
  m_shape: { m_vertices?: Vec[]; getType(): string };
}

/**
 * `b2Body::ResetMassData` with `b2PolygonShape::ComputeMass` in float32, after planck's own
 * (float64) one: mass, rotational inertia, local centre, centre of mass. Box2D's float32
 * masses differ from planck's in the last bits, and the joints and contacts carry that into
 * every step. Polygons only (the other shapes of these environments have density 0).
 * @throws Error for a dense fixture that is not a polygon.
 */
export function resetMassData32(body: PlanckBody): void {
  const b = body as unknown as InternalMassBody;
  if (!b.isDynamic()) return;
  let mass = 0, inertia = 0, lcx = 0, lcy = 0;
  const third = f(1 / 3);
  for (let fx = b.m_fixtureList; fx !== null; fx = fx.m_next) {
    const density = f(fx.m_density);
    if (density === 0) continue;
    const v = fx.m_shape.m_vertices;
    if (fx.m_shape.getType() !== "polygon" || v === undefined) {
      throw new Error(`Box2D: float32 mass of a ${fx.m_shape.getType()} shape is not implemented`);
    }
    const n = v.length;
    let sx = 0, sy = 0;
    for (let i = 0; i < n; i++) {
      sx = f(sx + f(v[i].x));
      sy = f(sy + f(v[i].y));
    }
    const invN = f(1 / n);
    sx = f(sx * invN);
    sy = f(sy * invN);
    let area = 0, cx = 0, cy = 0, I = 0;
    for (let i = 0; i < n; i++) {
      const e1x = f(f(v[i].x) - sx), e1y = f(f(v[i].y) - sy);
      const w = v[i + 1 < n ? i + 1 : 0];
      const e2x = f(f(w.x) - sx), e2y = f(f(w.y) - sy);
      const D = f(f(e1x * e2y) - f(e1y * e2x));
      const tri = f(0.5 * D);
      area = f(area + tri);
      const k = f(tri * third);
      cx = f(cx + f(k * f(e1x + e2x)));
      cy = f(cy + f(k * f(e1y + e2y)));
      const intx2 = f(f(f(e1x * e1x) + f(e2x * e1x)) + f(e2x * e2x));
      const inty2 = f(f(f(e1y * e1y) + f(e2y * e1y)) + f(e2y * e2y));
      I = f(I + f(f(f(0.25 * third) * D) * f(intx2 + inty2)));
    }
    const m = f(density * area);
    const invArea = f(1 / area);
    cx = f(cx * invArea);
    cy = f(cy * invArea);
    const centerX = f(cx + sx), centerY = f(cy + sy);
    let mI = f(density * I);
    const shift = f(
      f(f(centerX * centerX) + f(centerY * centerY)) - f(f(cx * cx) + f(cy * cy)),
    );
    mI = f(mI + f(m * shift));
    mass = f(mass + m);
    lcx = f(lcx + f(m * centerX));
    lcy = f(lcy + f(m * centerY));
    inertia = f(inertia + mI);
  }
  let invMass = 0;
  if (mass > 0) {
    invMass = f(1 / mass);
    lcx = f(lcx * invMass);
    lcy = f(lcy * invMass);
  } else {
    mass = 1;
    invMass = 1;
  }
  let invI = 0;
  if (inertia > 0 && !b.m_fixedRotationFlag) {
    inertia = f(inertia - f(mass * f(f(lcx * lcx) + f(lcy * lcy))));
    invI = f(1 / inertia);
  } else {
    inertia = 0;
  }
  b.m_mass = mass;
  b.m_invMass = invMass;
  b.m_I = inertia;
  b.m_invI = invI;
  const sw = b.m_sweep;
  const xf = b.m_xf;
  // The centre moved from the origin-based c planck computed; recompute it in float32.
  const oldCx = f(sw.c.x), oldCy = f(sw.c.y);
  sw.localCenter.x = lcx;
  sw.localCenter.y = lcy;
  const c = f(xf.q.c), s = f(xf.q.s);
  const ncx = f(f(f(c * lcx) - f(s * lcy)) + f(xf.p.x));
  const ncy = f(f(f(s * lcx) + f(c * lcy)) + f(xf.p.y));
  sw.c.x = sw.c0.x = ncx;
  sw.c.y = sw.c0.y = ncy;
  const w = f(b.m_angularVelocity);
  const v = b.m_linearVelocity;
  v.x = f(f(v.x) + f(-w * f(ncy - oldCy)));
  v.y = f(f(v.y) + f(w * f(ncx - oldCx)));
}

/**
 * Box2D's body constructor from the definition's float32 position and angle: the rotation
 * from `sinf`/`cosf` of the angle, the sweep angles the angle itself (planck computes the
 * rotation in float64 and the sweep angle back through `atan2`).
 */
export function initBody32(body: PlanckBody, angle: number): void {
  const b = body as unknown as InternalBody;
  const a = f(angle);
  sincosf(a);
  b.m_xf.q.s = SINCOS[0];
  b.m_xf.q.c = SINCOS[1];
  b.m_xf.p.x = f(b.m_xf.p.x);
  b.m_xf.p.y = f(b.m_xf.p.y);
  b.m_sweep.a = b.m_sweep.a0 = a;
  b.m_sweep.c.x = b.m_sweep.c0.x = f(b.m_sweep.c.x);
  b.m_sweep.c.y = b.m_sweep.c0.y = f(b.m_sweep.c.y);
}

/** The planck body fields the float32 force and impulse methods use. */
interface InternalForceBody extends InternalBody {
  m_awakeFlag: boolean;
  applyForceToCenter(force: Vec, wake?: boolean): void;
  applyTorque(torque: number, wake?: boolean): void;
  applyLinearImpulse(impulse: Vec, point: Vec, wake?: boolean): void;
}

/**
 * Gives `body` Box2D 2.3.0's float32 `ApplyForceToCenter`, `ApplyTorque` and
 * `ApplyLinearImpulse` (planck adds them up in float64): a dynamic body wakes when asked to,
 * and only an awake body accumulates.
 */
export function installForces32(body: PlanckBody): void {
  const b = body as unknown as InternalForceBody;
  const wakeUp = (wake: boolean | undefined): boolean => {
    if (!b.isDynamic()) return false;
    if (wake && !b.m_awakeFlag) b.setAwake(true);
    return b.m_awakeFlag;
  };
  b.applyForceToCenter = (force, wake) => {
    if (!wakeUp(wake)) return;
    b.m_force.x = f(f(b.m_force.x) + f(force.x));
    b.m_force.y = f(f(b.m_force.y) + f(force.y));
  };
  b.applyTorque = (torque, wake) => {
    if (!wakeUp(wake)) return;
    b.m_torque = f(f(b.m_torque) + f(torque));
  };
  b.applyLinearImpulse = (impulse, point, wake) => {
    if (!wakeUp(wake)) return;
    const ix = f(impulse.x), iy = f(impulse.y);
    const im = f(b.m_invMass);
    const v = b.m_linearVelocity;
    v.x = f(f(v.x) + f(im * ix));
    v.y = f(f(v.y) + f(im * iy));
    const rx = f(f(point.x) - f(b.m_sweep.c.x)), ry = f(f(point.y) - f(b.m_sweep.c.y));
    b.m_angularVelocity = f(
      f(b.m_angularVelocity) + f(f(b.m_invI) * f(f(rx * iy) - f(ry * ix))),
    );
  };
}
