/**
 * The revolute joint solver of Box2D 2.3.0 in float32, installed on planck's revolute joints.
 *
 * planck computes in float64; pybox2d's Box2D stores and computes everything in float32. For
 * the legs of LunarLander and BipedalWalker the difference is not noise: the joints run 180
 * velocity iterations per step with bodies of very different mass (the lander is 68 times
 * heavier than a leg), and in float32 most of the heavy body's share of each iteration's
 * impulse is lost to rounding while the light body's share is not. pybox2d's recorded
 * episodes therefore drift in total momentum by about 2.5e-6 kg·m/s per step in free flight,
 * where planck's float64 joints conserve it to 1e-11; over a 400-step landing that moved the
 * lander by a centimetre and put resting legs across their limit a step earlier or later.
 * Running the joint's three phases (velocity set-up with warm start, velocity iterations,
 * position iterations) with every operation rounded to float32, in Box2D 2.3.0's order of
 * operations, reproduces that drift (the island and contact solvers are `solver32.ts`).
 *
 * Box2D's C++ is compiled for x86-64 SSE without fused multiply-add, so each float32 `+ − × ÷`
 * rounds once: `Math.fround` after every operation is the same arithmetic. `sinf`/`cosf` are
 * glibc's (`trig32.ts`), which are not always the correctly rounded float32 values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { F32_ANGULAR_SLOP } from "./revolute32.ts";
 * assert.equal(F32_ANGULAR_SLOP, Math.fround(Math.fround(2 / 180) * Math.fround(Math.PI)));
 * ```
 * @module
 */
import type { Vec2Value } from "./planck.ts";
import { Pair32 } from "./solver32.ts";
import { SINCOS, sincosf } from "./trig32.ts";

const f = Math.fround;
const PI_F = f(3.14159265359);
/** Box2D's `b2_angularSlop` as its float32 constant expression evaluates. */
export const F32_ANGULAR_SLOP: number = f(f(2 / 180) * PI_F);
const MAX_ANGULAR_CORRECTION = f(f(8 / 180) * PI_F);
const LINEAR_SLOP = f(0.005);

const INACTIVE_LIMIT = 0, AT_LOWER_LIMIT = 1, AT_UPPER_LIMIT = 2, EQUAL_LIMITS = 3;

/** The planck body fields the joint reads. */
interface InternalBody {
  c_velocity: { v: Vec2Value; w: number };
  c_position: { c: Vec2Value; a: number };
  m_invMass: number;
  m_invI: number;
  m_sweep: { localCenter: Vec2Value };
}

/** The planck revolute joint fields the solver reads and keeps between steps. */
export interface InternalRevoluteJoint {
  m_bodyA: InternalBody;
  m_bodyB: InternalBody;
  m_localAnchorA: Vec2Value;
  m_localAnchorB: Vec2Value;
  m_referenceAngle: number;
  m_lowerAngle: number;
  m_upperAngle: number;
  m_enableMotor: boolean;
  m_enableLimit: boolean;
  m_limitState: number;
  m_motorSpeed: number;
  m_motorImpulse: number;
  m_maxMotorTorque: number;
  m_impulse: { x: number; y: number; z: number };
}

/** The time step fields the solver reads. */
interface InternalStep {
  dt: number;
  dtRatio: number;
  warmStarting: boolean;
}

/**
 * Box2D 2.3.0's `b2RevoluteJoint` solver in float32 for one planck joint; {@link install}
 * replaces the joint's three solver methods with it (planck's prototype is left alone).
 */
export class Revolute32 {
  mA = 0;
  mB = 0;
  iA = 0;
  iB = 0;
  lcAx = 0;
  lcAy = 0;
  lcBx = 0;
  lcBy = 0;
  rAx = 0;
  rAy = 0;
  rBx = 0;
  rBy = 0;
  exx = 0;
  exy = 0;
  exz = 0;
  eyx = 0;
  eyy = 0;
  eyz = 0;
  ezx = 0;
  ezy = 0;
  ezz = 0;
  /** Cofactors of the mass matrix's first column (ey × ez) and 1/det of Solve33. */
  c33x = 0;
  c33y = 0;
  c33z = 0;
  det33 = 0;
  /** 1/det of Solve22 on the upper 2×2 block. */
  det22 = 0;
  /** The body angles {@link Revolute32.#anchors} reads. */
  angA = 0;
  angB = 0;
  motorMass = 0;
  maxImpulse = 0;
  motorOn = false;
  limitOn = false;
  readonly #pair = new Pair32();

  constructor(readonly j: InternalRevoluteJoint) {}

  /** Replaces `joint`'s init / velocity / position methods with this solver's. */
  static install(joint: unknown): Revolute32 {
    const j = joint as InternalRevoluteJoint & {
      initVelocityConstraints: unknown;
      solveVelocityConstraints: unknown;
      solvePositionConstraints: unknown;
    };
    const s = new Revolute32(j);
    j.initVelocityConstraints = (step: InternalStep) => s.init(step);
    j.solveVelocityConstraints = () => s.solveVelocity();
    j.solvePositionConstraints = () => s.solvePosition();
    // GetJointAngle / GetJointSpeed as Box2D returns them (float32 differences).
    const a = j.m_bodyA as unknown as { m_sweep: { a: number }; m_angularVelocity: number };
    const b = j.m_bodyB as unknown as { m_sweep: { a: number }; m_angularVelocity: number };
    const jj = j as unknown as { getJointAngle(): number; getJointSpeed(): number };
    jj.getJointAngle = () => f(f(f(b.m_sweep.a) - f(a.m_sweep.a)) - f(j.m_referenceAngle));
    jj.getJointSpeed = () => f(f(b.m_angularVelocity) - f(a.m_angularVelocity));
    return s;
  }

  /** `InitVelocityConstraints`: anchors, mass matrix, limit state, warm start. */
  init(step: InternalStep): void {
    const j = this.j;
    const bA = j.m_bodyA;
    const bB = j.m_bodyB;
    this.lcAx = f(bA.m_sweep.localCenter.x);
    this.lcAy = f(bA.m_sweep.localCenter.y);
    this.lcBx = f(bB.m_sweep.localCenter.x);
    this.lcBy = f(bB.m_sweep.localCenter.y);
    const mA = this.mA = f(bA.m_invMass);
    const mB = this.mB = f(bB.m_invMass);
    const iA = this.iA = f(bA.m_invI);
    const iB = this.iB = f(bB.m_invI);
    const aA = f(bA.c_position.a);
    const aB = f(bB.c_position.a);
    const vA = bA.c_velocity.v;
    const vB = bB.c_velocity.v;
    let vAx = f(vA.x), vAy = f(vA.y), wA = f(bA.c_velocity.w);
    let vBx = f(vB.x), vBy = f(vB.y), wB = f(bB.c_velocity.w);

    this.angA = aA;
    this.angB = aB;
    this.#anchors();
    const rAx = this.rAx, rAy = this.rAy, rBx = this.rBx, rBy = this.rBy;

    const fixedRotation = f(iA + iB) === 0;
    const mAB = f(mA + mB);
    this.exx = f(f(mAB + f(f(rAy * rAy) * iA)) + f(f(rBy * rBy) * iB));
    this.eyx = f(f(f(-rAy * rAx) * iA) - f(f(rBy * rBx) * iB));
    this.ezx = f(f(-rAy * iA) - f(rBy * iB));
    this.exy = this.eyx;
    this.eyy = f(f(mAB + f(f(rAx * rAx) * iA)) + f(f(rBx * rBx) * iB));
    this.ezy = f(f(rAx * iA) + f(rBx * iB));
    this.exz = this.ezx;
    this.eyz = this.ezy;
    this.ezz = f(iA + iB);
    this.#solvers();
    let motorMass = f(iA + iB);
    if (motorMass > 0) motorMass = f(1 / motorMass);
    this.motorMass = motorMass;

    if (!j.m_enableMotor || fixedRotation) j.m_motorImpulse = 0;
    const imp = j.m_impulse;
    if (j.m_enableLimit && !fixedRotation) {
      const angle = f(f(aB - aA) - f(j.m_referenceAngle));
      const lower = f(j.m_lowerAngle);
      const upper = f(j.m_upperAngle);
      if (Math.abs(f(upper - lower)) < f(2 * F32_ANGULAR_SLOP)) {
        j.m_limitState = EQUAL_LIMITS;
      } else if (angle <= lower) {
        if (j.m_limitState !== AT_LOWER_LIMIT) imp.z = 0;
        j.m_limitState = AT_LOWER_LIMIT;
      } else if (angle >= upper) {
        if (j.m_limitState !== AT_UPPER_LIMIT) imp.z = 0;
        j.m_limitState = AT_UPPER_LIMIT;
      } else {
        j.m_limitState = INACTIVE_LIMIT;
        imp.z = 0;
      }
    } else {
      j.m_limitState = INACTIVE_LIMIT;
    }
    this.motorOn = j.m_enableMotor && j.m_limitState !== EQUAL_LIMITS && !fixedRotation;
    this.limitOn = j.m_enableLimit && j.m_limitState !== INACTIVE_LIMIT && !fixedRotation;
    this.maxImpulse = f(f(step.dt) * f(j.m_maxMotorTorque));

    if (step.warmStarting) {
      const ratio = f(step.dtRatio);
      imp.x = f(f(imp.x) * ratio);
      imp.y = f(f(imp.y) * ratio);
      imp.z = f(f(imp.z) * ratio);
      j.m_motorImpulse = f(f(j.m_motorImpulse) * ratio);
      const px = imp.x, py = imp.y;
      const mi = j.m_motorImpulse;
      vAx = f(vAx - f(mA * px));
      vAy = f(vAy - f(mA * py));
      wA = f(wA - f(iA * f(f(f(f(rAx * py) - f(rAy * px)) + mi) + imp.z)));
      vBx = f(vBx + f(mB * px));
      vBy = f(vBy + f(mB * py));
      wB = f(wB + f(iB * f(f(f(f(rBx * py) - f(rBy * px)) + mi) + imp.z)));
    } else {
      imp.x = 0;
      imp.y = 0;
      imp.z = 0;
      j.m_motorImpulse = 0;
    }
    vA.x = vAx;
    vA.y = vAy;
    bA.c_velocity.w = wA;
    vB.x = vBx;
    vB.y = vBy;
    bB.c_velocity.w = wB;
  }

  /**
   * The parts of b2Mat33::Solve33 and Solve22 that depend on the mass matrix alone: Box2D
   * recomputes them in every velocity iteration from the same float32 inputs, so computing
   * them once per step gives the same bits.
   */
  #solvers(): void {
    const exx = this.exx, exy = this.exy, exz = this.exz;
    const eyx = this.eyx, eyy = this.eyy, eyz = this.eyz;
    const ezx = this.ezx, ezy = this.ezy, ezz = this.ezz;
    const cx = this.c33x = f(f(eyy * ezz) - f(eyz * ezy));
    const cy = this.c33y = f(f(eyz * ezx) - f(eyx * ezz));
    const cz = this.c33z = f(f(eyx * ezy) - f(eyy * ezx));
    let det = f(f(f(exx * cx) + f(exy * cy)) + f(exz * cz));
    if (det !== 0) det = f(1 / det);
    this.det33 = det;
    let d = f(f(exx * eyy) - f(eyx * exy));
    if (d !== 0) d = f(1 / d);
    this.det22 = d;
  }

  /** rA = R(angA)·(localAnchorA − localCenterA), rB likewise, into this.rA / this.rB. */
  #anchors(): void {
    const j = this.j;
    const aA = this.angA, aB = this.angB;
    sincosf(aA);
    const sA = SINCOS[0], cA = SINCOS[1];
    sincosf(aB);
    const sB = SINCOS[0], cB = SINCOS[1];
    const lax = f(f(j.m_localAnchorA.x) - this.lcAx);
    const lay = f(f(j.m_localAnchorA.y) - this.lcAy);
    const lbx = f(f(j.m_localAnchorB.x) - this.lcBx);
    const lby = f(f(j.m_localAnchorB.y) - this.lcBy);
    this.rAx = f(f(cA * lax) - f(sA * lay));
    this.rAy = f(f(sA * lax) + f(cA * lay));
    this.rBx = f(f(cB * lbx) - f(sB * lby));
    this.rBy = f(f(sB * lbx) + f(cB * lby));
  }

  /** `SolveVelocityConstraints`: motor, then limit + point (or point only). */
  solveVelocity(): void {
    const j = this.j;
    const velA = j.m_bodyA.c_velocity;
    const velB = j.m_bodyB.c_velocity;
    const vA = velA.v, vB = velB.v;
    const vAx = f(vA.x), vAy = f(vA.y);
    let wA = f(velA.w);
    const vBx = f(vB.x), vBy = f(vB.y);
    let wB = f(velB.w);
    const mA = this.mA, mB = this.mB, iA = this.iA, iB = this.iB;
    if (this.motorOn) {
      const cdot = f(f(wB - wA) - f(j.m_motorSpeed));
      let impulse = f(-this.motorMass * cdot);
      const oldImpulse = j.m_motorImpulse;
      const maxImpulse = this.maxImpulse;
      const sum = f(oldImpulse + impulse);
      // b2Clamp; Math.max/min give the same values (zero signs too) and, unlike a ternary
      // here, no boxed number per call.
      const clamped = Math.max(-maxImpulse, Math.min(sum, maxImpulse));
      j.m_motorImpulse = clamped;
      impulse = f(clamped - oldImpulse);
      wA = f(wA - f(iA * impulse));
      wB = f(wB + f(iB * impulse));
    }
    const rAx = this.rAx, rAy = this.rAy, rBx = this.rBx, rBy = this.rBy;
    const acc = j.m_impulse;
    // Cdot1 = vB + wB × rB − vA − wA × rA, left to right as Box2D's C++.
    const cdot1x = f(f(f(vBx + f(-wB * rBy)) - vAx) - f(-wA * rAy));
    const cdot1y = f(f(f(vBy + f(wB * rBx)) - vAy) - f(wA * rAx));
    const exx = this.exx, exy = this.exy, exz = this.exz;
    const eyx = this.eyx, eyy = this.eyy;
    const ezx = this.ezx, ezy = this.ezy, ezz = this.ezz;
    let ix: number, iy: number, iz: number;
    if (this.limitOn) {
      const cdot2 = f(wB - wA);
      // b2Mat33::Solve33 (the cofactors and 1/det are fixed for the step: see #solvers).
      const eyz = this.eyz, det = this.det33;
      const sx = f(
        det * f(f(f(cdot1x * this.c33x) + f(cdot1y * this.c33y)) + f(cdot2 * this.c33z)),
      );
      let kx = f(f(cdot1y * ezz) - f(cdot2 * ezy));
      let ky = f(f(cdot2 * ezx) - f(cdot1x * ezz));
      let kz = f(f(cdot1x * ezy) - f(cdot1y * ezx));
      const sy = f(det * f(f(f(exx * kx) + f(exy * ky)) + f(exz * kz)));
      kx = f(f(eyy * cdot2) - f(eyz * cdot1y));
      ky = f(f(eyz * cdot1x) - f(eyx * cdot2));
      kz = f(f(eyx * cdot1y) - f(eyy * cdot1x));
      const sz = f(det * f(f(f(exx * kx) + f(exy * ky)) + f(exz * kz)));
      ix = -sx;
      iy = -sy;
      iz = -sz;
      const state = j.m_limitState;
      const az = acc.z;
      let reduce = false;
      if (state === AT_LOWER_LIMIT) reduce = f(az + iz) < 0;
      else if (state === AT_UPPER_LIMIT) reduce = f(az + iz) > 0;
      if (reduce) {
        // rhs = −Cdot1 + z·(ez.x, ez.y); b2Mat33::Solve22 on the upper 2×2 block.
        const rhsX = f(-cdot1x + f(az * ezx));
        const rhsY = f(-cdot1y + f(az * ezy));
        const d = this.det22;
        ix = f(d * f(f(eyy * rhsX) - f(eyx * rhsY)));
        iy = f(d * f(f(exx * rhsY) - f(exy * rhsX)));
        iz = -az;
        acc.x = f(acc.x + ix);
        acc.y = f(acc.y + iy);
        acc.z = 0;
      } else {
        acc.x = f(acc.x + ix);
        acc.y = f(acc.y + iy);
        acc.z = f(az + iz);
      }
    } else {
      const bx = -cdot1x;
      const by = -cdot1y;
      const d = this.det22;
      ix = f(d * f(f(eyy * bx) - f(eyx * by)));
      iy = f(d * f(f(exx * by) - f(exy * bx)));
      acc.x = f(acc.x + ix);
      acc.y = f(acc.y + iy);
      // Without a limit Box2D's angular sums have no z (adding 0 could flip a zero's sign).
      vA.x = f(vAx - f(mA * ix));
      vA.y = f(vAy - f(mA * iy));
      velA.w = f(wA - f(iA * f(f(rAx * iy) - f(rAy * ix))));
      vB.x = f(vBx + f(mB * ix));
      vB.y = f(vBy + f(mB * iy));
      velB.w = f(wB + f(iB * f(f(rBx * iy) - f(rBy * ix))));
      return;
    }
    // A −= mA·P, ωA −= iA·(rA × P + z); B += mB·P, ωB += iB·(rB × P + z).
    vA.x = f(vAx - f(mA * ix));
    vA.y = f(vAy - f(mA * iy));
    velA.w = f(wA - f(iA * f(f(f(rAx * iy) - f(rAy * ix)) + iz)));
    vB.x = f(vBx + f(mB * ix));
    vB.y = f(vBy + f(mB * iy));
    velB.w = f(wB + f(iB * f(f(f(rBx * iy) - f(rBy * ix)) + iz)));
  }

  /** `SolvePositionConstraints`: the angular limit, then the point; true when converged. */
  solvePosition(): boolean {
    const j = this.j;
    const posA = j.m_bodyA.c_position;
    const posB = j.m_bodyB.c_position;
    const cAx = f(posA.c.x), cAy = f(posA.c.y), cBx = f(posB.c.x), cBy = f(posB.c.y);
    let aA = f(posA.a);
    let aB = f(posB.a);
    const mA = this.mA, mB = this.mB, iA = this.iA, iB = this.iB;
    let angularError = 0;
    const fixedRotation = f(iA + iB) === 0;
    const state = j.m_limitState;
    if (j.m_enableLimit && state !== INACTIVE_LIMIT && !fixedRotation) {
      const angle = f(f(aB - aA) - f(j.m_referenceAngle));
      let limitImpulse = 0;
      const M = MAX_ANGULAR_CORRECTION;
      if (state === EQUAL_LIMITS) {
        const d = f(angle - f(j.m_lowerAngle));
        const c = Math.max(-M, Math.min(d, M));
        limitImpulse = f(-this.motorMass * c);
        angularError = Math.abs(c);
      } else if (state === AT_LOWER_LIMIT) {
        let c = f(angle - f(j.m_lowerAngle));
        angularError = -c;
        c = Math.max(-M, Math.min(f(c + F32_ANGULAR_SLOP), 0));
        limitImpulse = f(-this.motorMass * c);
      } else if (state === AT_UPPER_LIMIT) {
        let c = f(angle - f(j.m_upperAngle));
        angularError = c;
        c = Math.max(0, Math.min(f(c - F32_ANGULAR_SLOP), M));
        limitImpulse = f(-this.motorMass * c);
      }
      aA = f(aA - f(iA * limitImpulse));
      aB = f(aB + f(iB * limitImpulse));
    }
    // The anchors at the corrected angles (init recomputes them for the next step).
    this.angA = aA;
    this.angB = aB;
    this.#anchors();
    const rAx = this.rAx, rAy = this.rAy, rBx = this.rBx, rBy = this.rBy;
    // C = ((cB + rB) − cA) − rA
    const cx = f(f(f(cBx + rBx) - cAx) - rAx);
    const cy = f(f(f(cBy + rBy) - cAy) - rAy);
    const positionError = f(Math.sqrt(f(f(cx * cx) + f(cy * cy))));
    const mAB = f(mA + mB);
    const kxx = f(f(mAB + f(f(iA * rAy) * rAy)) + f(f(iB * rBy) * rBy));
    const kxy = f(f(f(-iA * rAx) * rAy) - f(f(iB * rBx) * rBy));
    const kyy = f(f(mAB + f(f(iA * rAx) * rAx)) + f(f(iB * rBx) * rBx));
    // impulse = −K.Solve(C)
    let det = f(f(kxx * kyy) - f(kxy * kxy));
    if (det !== 0) det = f(1 / det);
    const ix = -f(det * f(f(kyy * cx) - f(kxy * cy)));
    const iy = -f(det * f(f(kxx * cy) - f(kxy * cx)));
    // A −= mA·P, aA −= iA·(rA × P); B += mB·P, aB += iB·(rB × P).
    posA.c.x = f(cAx - f(mA * ix));
    posA.c.y = f(cAy - f(mA * iy));
    posA.a = f(aA - f(iA * f(f(rAx * iy) - f(rAy * ix))));
    posB.c.x = f(cBx + f(mB * ix));
    posB.c.y = f(cBy + f(mB * iy));
    posB.a = f(aB + f(iB * f(f(rBx * iy) - f(rBy * ix))));
    return positionError <= LINEAR_SLOP && angularError <= F32_ANGULAR_SLOP;
  }
}
