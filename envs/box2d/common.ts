/**
 * Plumbing shared by the Box2D environments (LunarLander, BipedalWalker): the draws source,
 * world creation with Gymnasium's step settings, float32 rounding of what is handed to the
 * engine, revolute joints with pybox2d's reference angle, and the contact bookkeeping.
 *
 * - **Draws.** Every random number an environment consumes goes through a {@link DrawSource}
 *   with numpy's method names (`uniform(low, high)`, `integers(low, high)` with `high`
 *   exclusive, `random()`). By default it is {@link RngDraws} over this toolkit's `Rng`;
 *   for a replay against Gymnasium, {@link RecordedDraws} hands out the recorded values in
 *   the order Gymnasium consumed them.
 * - **float32.** pybox2d stores every value in float32, so a position, vertex, force or
 *   impulse computed in float64 by the Python side is rounded once when handed over;
 *   {@link f32} does that rounding here, so that planck (float64) starts from the same
 *   numbers.
 * - **Joints.** pybox2d's `revoluteJointDef(bodyA=…, bodyB=…)` sets
 *   `referenceAngle = bodyB.angle − bodyA.angle`; {@link revoluteJoint} always passes it
 *   explicitly, so the joint angle (the limits and the observations) is measured the same way.
 * - **Contacts.** {@link ContactFlags} is Gymnasium's contact detector: a contact that begins
 *   with the "fatal" body (lander, hull) sets `gameOver`; a contact that begins or ends with
 *   one of the watched bodies (legs) sets or clears its flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RecordedDraws } from "./common.ts";
 * const draws = new RecordedDraws([0.25, 7]);
 * assert.equal(draws.uniform(-1, 1), 0.25);
 * assert.equal(draws.integers(5, 10), 7);
 * assert.equal(draws.remaining, 0);
 * ```
 * @module
 */
import type { Rng } from "../../random.ts";
import type {
  PlanckBody,
  PlanckContact,
  PlanckModule,
  PlanckRevoluteJoint,
  PlanckWorld,
  Vec2Value,
} from "./planck.ts";

/** Frames per second of both environments: one step is 1/50 s. */
export const FPS = 50;
/** Pixels per metre of Gymnasium's renderer; lengths in the sources are pixels / SCALE. */
export const SCALE = 30.0;
/** Viewport width in pixels. */
export const VIEWPORT_W = 600;
/** Viewport height in pixels. */
export const VIEWPORT_H = 400;
/** Velocity iterations of Gymnasium's `world.Step(1/50, 6·30, 2·30)`. */
export const VELOCITY_ITERATIONS = 6 * 30;
/** Position iterations of that call. */
export const POSITION_ITERATIONS = 2 * 30;

/** Rounds a float64 to float32, as pybox2d does with every value it stores. */
export const f32: (x: number) => number = Math.fround;

/** A source of random numbers with numpy Generator's method names. */
export interface DrawSource {
  /** A uniform double in [low, high). */
  uniform(low: number, high: number): number;
  /** A uniform integer in [low, high) (numpy's `integers`, high exclusive). */
  integers(low: number, high: number): number;
  /** A uniform double in [0, 1). */
  random(): number;
}

/** Draws from this toolkit's `Rng` (the default source of every environment). */
export class RngDraws implements DrawSource {
  /** Wraps `rng` (not copied: reseeding it reseeds this source). */
  constructor(readonly rng: Rng) {}
  /** U[low, high). */
  uniform(low: number, high: number): number {
    return this.rng.uniformRange(low, high);
  }
  /** Integer in [low, high). */
  integers(low: number, high: number): number {
    return low + this.rng.integer(high - low);
  }
  /** U[0, 1). */
  random(): number {
    return this.rng.uniform();
  }
}

/**
 * Hands out recorded draws in order, whatever method asks (the recording already holds the
 * results). Replays feed Gymnasium's draws through it.
 */
export class RecordedDraws implements DrawSource {
  #next = 0;
  /** Serves `values` in order. */
  constructor(readonly values: readonly number[]) {}
  /** How many values have not been consumed. */
  get remaining(): number {
    return this.values.length - this.#next;
  }
  /** How many values have been consumed. */
  get consumed(): number {
    return this.#next;
  }
  /** Appends nothing; returns the next recorded value. */
  uniform(_low: number, _high: number): number {
    return this.#take();
  }
  /** The next recorded value (an integer in a faithful recording). */
  integers(_low: number, _high: number): number {
    return this.#take();
  }
  /** The next recorded value. */
  random(): number {
    return this.#take();
  }
  #take(): number {
    if (this.#next >= this.values.length) {
      throw new RangeError(
        `RecordedDraws: the ${this.values.length} recorded draws ran out ` +
          `(the environment consumed more random numbers than the recording holds)`,
      );
    }
    return this.values[this.#next++];
  }
}

/**
 * A new world with gravity (0, g) and sleeping allowed, as `b2World(gravity=(0, g))`, whose
 * broad phase reports new pairs in Box2D 2.3's order (see {@link useBox2DPairOrder}).
 */
export function createWorld(planck: PlanckModule, gravity: number): PlanckWorld {
  const world = new planck.World({ gravity: { x: 0, y: f32(gravity) }, allowSleep: true });
  useBox2DPairOrder(world);
  return world;
}

/** The internals of planck's broad phase that {@link useBox2DPairOrder} replaces. */
interface InternalBroadPhase {
  m_moveBuffer: (number | null)[];
  m_tree: {
    query(aabb: unknown, callback: (id: number) => boolean): void;
    getFatAABB(id: number): unknown;
    getUserData(id: number): unknown;
  };
  updatePairs(callback: (a: unknown, b: unknown) => void): void;
}

/** Largest proxy id {@link useBox2DPairOrder} can pack (ids grow by a few per step). */
const PAIR_ID_LIMIT = 2 ** 26;

/**
 * Makes `world`'s broad phase hand new pairs to the contact manager as Box2D 2.3's
 * `b2BroadPhase::UpdatePairs` does: collected from every moved proxy, sorted by
 * (smaller proxy id, larger proxy id), duplicates dropped. planck reports them unsorted, in
 * tree-query order, which creates contacts in another order; the contact list order is the
 * solver's order, and with it the results drift apart from pybox2d's in resting contact.
 * (planck numbers proxies in creation order, as Box2D does for the fixtures built at reset.)
 * This replaces a method of a planck internal object: planck is pinned for that reason.
 */
export function useBox2DPairOrder(world: PlanckWorld): void {
  const bp = (world as unknown as { m_broadPhase: InternalBroadPhase }).m_broadPhase;
  const tree = bp.m_tree;
  const keys: number[] = [];
  let query = 0;
  const collect = (id: number): boolean => {
    if (id !== query) {
      const a = id < query ? id : query;
      const b = id < query ? query : id;
      keys.push(a * PAIR_ID_LIMIT + b);
    }
    return true;
  };
  const byKey = (x: number, y: number) => x - y;
  bp.updatePairs = (callback) => {
    const moves = bp.m_moveBuffer;
    for (let i = 0; i < moves.length; i++) {
      const id = moves[i];
      if (id === null) continue;
      if (id >= PAIR_ID_LIMIT) throw new Error("Box2D: broad-phase proxy ids exhausted");
      query = id;
      tree.query(tree.getFatAABB(id), collect);
    }
    moves.length = 0;
    if (keys.length === 0) return;
    if (keys.length > 1) keys.sort(byKey);
    let last = -1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === last) continue;
      last = k;
      const a = Math.floor(k / PAIR_ID_LIMIT);
      callback(tree.getUserData(a), tree.getUserData(k - a * PAIR_ID_LIMIT));
    }
    keys.length = 0;
  };
}

/** Advances `world` by Gymnasium's `Step(1/50, 180, 60)`. */
export function stepWorld(world: PlanckWorld): void {
  world.step(1.0 / FPS, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
}

/** A polygon from float64 vertices, rounded to float32. */
export function polygon(planck: PlanckModule, vertices: readonly (readonly number[])[]) {
  return new planck.Polygon(vertices.map(([x, y]) => ({ x: f32(x), y: f32(y) })));
}

/** Settings of {@link revoluteJoint} (pybox2d's keyword names). */
export interface RevoluteSettings {
  /** Anchor in bodyA's frame. */
  localAnchorA: readonly [number, number];
  /** Anchor in bodyB's frame. */
  localAnchorB: readonly [number, number];
  /** Lower and upper angle limits. */
  limits: readonly [number, number];
  /** Maximum motor torque. */
  maxMotorTorque: number;
  /** Motor speed. */
  motorSpeed: number;
}

/**
 * A revolute joint with motor and limits on, built as pybox2d's
 * `revoluteJointDef(bodyA=a, bodyB=b, …)`: referenceAngle = b.angle − a.angle (float32).
 */
export function revoluteJoint(
  planck: PlanckModule,
  world: PlanckWorld,
  bodyA: PlanckBody,
  bodyB: PlanckBody,
  s: RevoluteSettings,
): PlanckRevoluteJoint {
  const joint = new planck.RevoluteJoint({
    bodyA,
    bodyB,
    localAnchorA: vec(s.localAnchorA[0], s.localAnchorA[1]),
    localAnchorB: vec(s.localAnchorB[0], s.localAnchorB[1]),
    referenceAngle: f32(bodyB.getAngle() - bodyA.getAngle()),
    enableLimit: true,
    lowerAngle: f32(s.limits[0]),
    upperAngle: f32(s.limits[1]),
    enableMotor: true,
    maxMotorTorque: f32(s.maxMotorTorque),
    motorSpeed: f32(s.motorSpeed),
  });
  const internal = joint as unknown as InternalRevolute & {
    initVelocityConstraints(step: { dt: number }): void;
    solveVelocityConstraints: unknown;
    solvePositionConstraints: unknown;
  };
  const fast = new FastRevolute(internal);
  const init = internal.initVelocityConstraints;
  internal.initVelocityConstraints = (step: { dt: number }) => {
    init.call(internal, step);
    fast.load(step);
  };
  internal.solveVelocityConstraints = () => fast.solve();
  internal.solvePositionConstraints = solveRevolutePosition;
  const made = world.createJoint(joint);
  if (made === null) throw new Error("Box2D: cannot create a joint while the world is locked");
  return made;
}

/** The fields of planck's revolute joint that its velocity solver reads and writes. */
interface InternalRevolute {
  m_bodyA: { c_velocity: { v: Vec2Value; w: number }; c_position: { c: Vec2Value; a: number } };
  m_bodyB: { c_velocity: { v: Vec2Value; w: number }; c_position: { c: Vec2Value; a: number } };
  m_localAnchorA: Vec2Value;
  m_localAnchorB: Vec2Value;
  m_localCenterA: Vec2Value;
  m_localCenterB: Vec2Value;
  m_referenceAngle: number;
  m_lowerAngle: number;
  m_upperAngle: number;
  m_invMassA: number;
  m_invMassB: number;
  m_invIA: number;
  m_invIB: number;
  m_enableMotor: boolean;
  m_enableLimit: boolean;
  m_limitState: number;
  m_motorSpeed: number;
  m_motorMass: number;
  m_motorImpulse: number;
  m_maxMotorTorque: number;
  m_rA: Vec2Value;
  m_rB: Vec2Value;
  m_impulse: { x: number; y: number; z: number };
  m_mass: {
    ex: { x: number; y: number; z: number };
    ey: { x: number; y: number; z: number };
    ez: { x: number; y: number; z: number };
  };
}

const INACTIVE_LIMIT = 0, AT_LOWER_LIMIT = 1, AT_UPPER_LIMIT = 2, EQUAL_LIMITS = 3;

/**
 * planck's `RevoluteJoint.solveVelocityConstraints` without its temporary vectors and with
 * the per-step constants cached: the same operations in the same order (so the same float64
 * results). It runs 180 times per joint and step (Gymnasium's velocity iterations), where
 * planck's version allocated five to eight small objects per call and re-derived the 3×3
 * determinant each time. {@link FastRevolute.load} reads what planck's
 * `initVelocityConstraints` prepared (mass matrix, anchors, limit state, warm-started
 * impulses); {@link FastRevolute.solve} keeps the accumulated impulses on the joint, where
 * planck reads them next step. Installed per joint (planck's prototype is left alone).
 */
class FastRevolute {
  velA: { v: Vec2Value; w: number };
  velB: { v: Vec2Value; w: number };
  mA = 0;
  mB = 0;
  iA = 0;
  iB = 0;
  fixedRotation = false;
  motorOn = false;
  limitOn = false;
  limitState = 0;
  motorSpeed = 0;
  motorMass = 0;
  maxImpulse = 0;
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
  /** cross(ey, ez) and 1/det of the 3×3 mass matrix (planck's solve33). */
  cx = 0;
  cy = 0;
  cz = 0;
  det3 = 0;
  /** 1/det of its upper 2×2 block (planck's solve22). */
  det2 = 0;

  constructor(readonly joint: InternalRevolute) {
    this.velA = joint.m_bodyA.c_velocity;
    this.velB = joint.m_bodyB.c_velocity;
  }

  /** Copies the step's constants after planck's `initVelocityConstraints`. */
  load(step: { dt: number }): void {
    const j = this.joint;
    this.velA = j.m_bodyA.c_velocity;
    this.velB = j.m_bodyB.c_velocity;
    this.mA = j.m_invMassA;
    this.mB = j.m_invMassB;
    this.iA = j.m_invIA;
    this.iB = j.m_invIB;
    this.fixedRotation = this.iA + this.iB === 0.0;
    this.limitState = j.m_limitState;
    this.motorOn = j.m_enableMotor && this.limitState !== EQUAL_LIMITS && !this.fixedRotation;
    this.limitOn = j.m_enableLimit && this.limitState !== INACTIVE_LIMIT && !this.fixedRotation;
    this.motorSpeed = j.m_motorSpeed;
    this.motorMass = j.m_motorMass;
    this.maxImpulse = step.dt * j.m_maxMotorTorque;
    this.rAx = j.m_rA.x;
    this.rAy = j.m_rA.y;
    this.rBx = j.m_rB.x;
    this.rBy = j.m_rB.y;
    const m = j.m_mass;
    this.exx = m.ex.x;
    this.exy = m.ex.y;
    this.exz = m.ex.z;
    this.eyx = m.ey.x;
    this.eyy = m.ey.y;
    this.eyz = m.ey.z;
    this.ezx = m.ez.x;
    this.ezy = m.ez.y;
    this.ezz = m.ez.z;
    this.cx = m.ey.y * m.ez.z - m.ey.z * m.ez.y;
    this.cy = m.ey.z * m.ez.x - m.ey.x * m.ez.z;
    this.cz = m.ey.x * m.ez.y - m.ey.y * m.ez.x;
    let det = m.ex.x * this.cx + m.ex.y * this.cy + m.ex.z * this.cz;
    if (det !== 0.0) det = 1.0 / det;
    this.det3 = det;
    let d = m.ex.x * m.ey.y - m.ey.x * m.ex.y;
    if (d !== 0.0) d = 1.0 / d;
    this.det2 = d;
  }

  /** One velocity iteration of the joint (planck's arithmetic, see the class doc). */
  solve(): void {
    const j = this.joint;
    const velA = this.velA;
    const velB = this.velB;
    const vA = velA.v;
    const vB = velB.v;
    let wA = velA.w;
    let wB = velB.w;
    const mA = this.mA;
    const mB = this.mB;
    const iA = this.iA;
    const iB = this.iB;

    if (this.motorOn) {
      const cdot = wB - wA - this.motorSpeed;
      let impulse = -this.motorMass * cdot;
      const oldImpulse = j.m_motorImpulse;
      const maxImpulse = this.maxImpulse;
      const sum = oldImpulse + impulse;
      const clamped = sum < -maxImpulse ? -maxImpulse : sum > maxImpulse ? maxImpulse : sum;
      j.m_motorImpulse = clamped;
      impulse = clamped - oldImpulse;
      wA -= iA * impulse;
      wB += iB * impulse;
    }

    const rAx = this.rAx;
    const rAy = this.rAy;
    const rBx = this.rBx;
    const rBy = this.rBy;
    const acc = j.m_impulse;
    // Cdot1 = (0 + (vB + wB × rB)) − (vA + wA × rA), as planck's addCombine / subCombine.
    const cdot1x = (0 + (vB.x + -wB * rBy)) - (vA.x + -wA * rAy);
    const cdot1y = (0 + (vB.y + wB * rBx)) - (vA.y + wA * rAx);
    if (this.limitOn) {
      const cdot2 = wB - wA;
      // impulse = −solve33(Cdot), planck's Mat33.solve33.
      const det = this.det3;
      const exx = this.exx, exy = this.exy, exz = this.exz;
      const eyx = this.eyx, eyy = this.eyy, eyz = this.eyz;
      const ezx = this.ezx, ezy = this.ezy, ezz = this.ezz;
      const sx = det * (cdot1x * this.cx + cdot1y * this.cy + cdot2 * this.cz);
      let crossX = cdot1y * ezz - cdot2 * ezy;
      let crossY = cdot2 * ezx - cdot1x * ezz;
      let crossZ = cdot1x * ezy - cdot1y * ezx;
      const sy = det * (exx * crossX + exy * crossY + exz * crossZ);
      crossX = eyy * cdot2 - eyz * cdot1y;
      crossY = eyz * cdot1x - eyx * cdot2;
      crossZ = eyx * cdot1y - eyy * cdot1x;
      const sz = det * (exx * crossX + exy * crossY + exz * crossZ);
      let ix = -sx;
      let iy = -sy;
      let iz = -sz;
      const limitState = this.limitState;
      const az = acc.z;
      let reduce = false;
      if (limitState === AT_LOWER_LIMIT) reduce = az + iz < 0.0;
      else if (limitState === AT_UPPER_LIMIT) reduce = az + iz > 0.0;
      if (reduce) {
        // rhs = −Cdot1 + z·(ez.x, ez.y); reduced = solve22(rhs), planck's Mat33.solve22.
        const rhsX = -1 * cdot1x + az * ezx;
        const rhsY = -1 * cdot1y + az * ezy;
        const d = this.det2;
        const rx = d * (eyy * rhsX - eyx * rhsY);
        const ry = d * (exx * rhsY - exy * rhsX);
        ix = rx;
        iy = ry;
        iz = -az;
        acc.x += rx;
        acc.y += ry;
        acc.z = 0.0;
      } else {
        acc.x += ix;
        acc.y += iy;
        acc.z = az + iz;
      }
      vA.x -= mA * ix;
      vA.y -= mA * iy;
      wA -= iA * ((rAx * iy - rAy * ix) + iz);
      vB.x += mB * ix;
      vB.y += mB * iy;
      wB += iB * ((rBx * iy - rBy * ix) + iz);
    } else {
      // impulse = solve22(−Cdot).
      const bx = -cdot1x;
      const by = -cdot1y;
      const d = this.det2;
      const ix = d * (this.eyy * bx - this.eyx * by);
      const iy = d * (this.exx * by - this.exy * bx);
      acc.x += ix;
      acc.y += iy;
      vA.x -= mA * ix;
      vA.y -= mA * iy;
      wA -= iA * (rAx * iy - rAy * ix);
      vB.x += mB * ix;
      vB.y += mB * iy;
      wB += iB * (rBx * iy - rBy * ix);
    }
    velA.w = wA;
    velB.w = wB;
  }
}

/** A float32-rounded vector. */
export function vec(x: number, y: number): Vec2Value {
  return { x: f32(x), y: f32(y) };
}

/**
 * Gymnasium's contact detector. After {@link ContactFlags.bind}, `gameOver` becomes true when
 * a contact begins that involves the fatal body; `touching[i]` follows the contacts of
 * `watched[i]` (set on begin, cleared on end). One detector per world, bound anew each episode.
 */
export class ContactFlags {
  /** The fatal body touched something. */
  gameOver = false;
  /** Per watched body: touching something now (as the env's `ground_contact`). */
  touching: boolean[] = [];
  #fatal: PlanckBody | null = null;
  #watched: PlanckBody[] = [];

  /** Listens on `world` for its whole life. */
  constructor(world: PlanckWorld) {
    world.on("begin-contact", (c) => this.#update(c, true));
    world.on("end-contact", (c) => this.#update(c, false));
  }

  /** Watches a new episode's bodies, with every flag cleared. */
  bind(fatal: PlanckBody, watched: PlanckBody[]): void {
    this.#fatal = fatal;
    this.#watched = watched;
    this.gameOver = false;
    this.touching = watched.map(() => false);
  }

  #update(contact: PlanckContact, begin: boolean): void {
    const a = contact.getFixtureA().getBody();
    const b = contact.getFixtureB().getBody();
    if (begin && (a === this.#fatal || b === this.#fatal)) this.gameOver = true;
    const watched = this.#watched;
    for (let i = 0; i < watched.length; i++) {
      if (watched[i] === a || watched[i] === b) this.touching[i] = begin;
    }
  }
}

/** The internals of a planck world that {@link recycleWorld} resets. */
interface InternalWorld {
  m_bodyList: PlanckBody | null;
  m_contactList: unknown;
  m_jointList: unknown;
  s_step: { inv_dt: number; inv_dt0: number; dtRatio: number };
  m_broadPhase: {
    m_moveBuffer: unknown[];
    m_tree: { m_root: unknown; m_lastProxyId: number; m_nodes: Record<number, unknown> };
  };
  destroyBody(body: PlanckBody): boolean;
}

/**
 * Empties `world` into the state of a new one, so that an environment can reuse it for the
 * next episode instead of building a world per reset (which made most of a reset's cost
 * garbage): every body (with its fixtures, joints and contacts) is destroyed, the
 * broad-phase tree numbers its proxies from 1 again and the time step forgets the previous
 * step's rate, as in a fresh planck world. Trajectories are then bit for bit those of a
 * fresh world (tested); pybox2d's reused world, whose allocator state leaks into later
 * episodes, is not imitated.
 * @throws Error if anything survives (a planck internal changed).
 */
export function recycleWorld(world: PlanckWorld): void {
  const w = world as unknown as InternalWorld;
  while (w.m_bodyList !== null) w.destroyBody(w.m_bodyList);
  const tree = w.m_broadPhase.m_tree;
  if (w.m_contactList !== null || w.m_jointList !== null || tree.m_root !== null) {
    throw new Error("Box2D: the world still holds contacts, joints or proxies after clearing");
  }
  tree.m_lastProxyId = 0;
  tree.m_nodes = {};
  w.m_broadPhase.m_moveBuffer.length = 0;
  w.s_step.inv_dt = 0;
  w.s_step.inv_dt0 = 0;
  w.s_step.dtRatio = 1;
}

/** [x, y, angle, vx, vy, ω, awake] of a body. */
export function bodyState(b: PlanckBody): number[] {
  const p = b.getPosition();
  const v = b.getLinearVelocity();
  return [p.x, p.y, b.getAngle(), v.x, v.y, b.getAngularVelocity(), b.isAwake() ? 1 : 0];
}

/** A fresh random seed for a generator nobody seeded. */
export function entropySeed(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0] & 0x1fffff) * 2 ** 32 + words[1];
}

/** planck's Settings: linear slop, angular slop and the largest angular correction. */
const LINEAR_SLOP = 0.005;
const ANGULAR_SLOP = (2.0 / 180.0) * Math.PI;
const MAX_ANGULAR_CORRECTION = (8.0 / 180.0) * Math.PI;

/**
 * planck's `RevoluteJoint.solvePositionConstraints` without its temporary objects (rotations,
 * anchors, the 2×2 mass matrix, the impulse): the same operations in the same order.
 */
function solveRevolutePosition(this: InternalRevolute): boolean {
  const posA = this.m_bodyA.c_position;
  const posB = this.m_bodyB.c_position;
  const cA = posA.c;
  const cB = posB.c;
  let aA = posA.a;
  let aB = posB.a;
  let angularError = 0.0;
  const iA = this.m_invIA;
  const iB = this.m_invIB;
  const fixedRotation = iA + iB == 0.0;

  const limitState = this.m_limitState;
  if (this.m_enableLimit && limitState !== INACTIVE_LIMIT && !fixedRotation) {
    const angle = aB - aA - this.m_referenceAngle;
    let limitImpulse = 0.0;
    if (limitState === EQUAL_LIMITS) {
      const d = angle - this.m_lowerAngle;
      const c = d < -MAX_ANGULAR_CORRECTION
        ? -MAX_ANGULAR_CORRECTION
        : d > MAX_ANGULAR_CORRECTION
        ? MAX_ANGULAR_CORRECTION
        : d;
      limitImpulse = -this.m_motorMass * c;
      angularError = Math.abs(c);
    } else if (limitState === AT_LOWER_LIMIT) {
      let c = angle - this.m_lowerAngle;
      angularError = -c;
      c = c + ANGULAR_SLOP;
      c = c < -MAX_ANGULAR_CORRECTION ? -MAX_ANGULAR_CORRECTION : c > 0.0 ? 0.0 : c;
      limitImpulse = -this.m_motorMass * c;
    } else if (limitState === AT_UPPER_LIMIT) {
      let c = angle - this.m_upperAngle;
      angularError = c;
      c = c - ANGULAR_SLOP;
      c = c < 0.0 ? 0.0 : c > MAX_ANGULAR_CORRECTION ? MAX_ANGULAR_CORRECTION : c;
      limitImpulse = -this.m_motorMass * c;
    }
    aA -= this.m_invIA * limitImpulse;
    aB += this.m_invIB * limitImpulse;
  }

  const sA = Math.sin(aA);
  const kA = Math.cos(aA);
  const sB = Math.sin(aB);
  const kB = Math.cos(aB);
  const lax = this.m_localAnchorA.x - this.m_localCenterA.x;
  const lay = this.m_localAnchorA.y - this.m_localCenterA.y;
  const lbx = this.m_localAnchorB.x - this.m_localCenterB.x;
  const lby = this.m_localAnchorB.y - this.m_localCenterB.y;
  const rAx = kA * lax - sA * lay;
  const rAy = sA * lax + kA * lay;
  const rBx = kB * lbx - sB * lby;
  const rBy = sB * lbx + kB * lby;
  const cx = (0 + (cB.x + rBx)) - (cA.x + rAx);
  const cy = (0 + (cB.y + rBy)) - (cA.y + rAy);
  const positionError = Math.sqrt(cx * cx + cy * cy);
  const mA = this.m_invMassA;
  const mB = this.m_invMassB;
  const kxx = mA + mB + iA * rAy * rAy + iB * rBy * rBy;
  const kxy = -iA * rAx * rAy - iB * rBx * rBy;
  const kyy = mA + mB + iA * rAx * rAx + iB * rBx * rBx;
  // impulse = −K⁻¹C, planck's Mat22.solve (a = ex.x, b = ey.x, c = ex.y, d = ey.y).
  let det = kxx * kyy - kxy * kxy;
  if (det !== 0.0) det = 1.0 / det;
  const ix = -(det * (kyy * cx - kxy * cy));
  const iy = -(det * (kxx * cy - kxy * cx));
  cA.x -= mA * ix;
  cA.y -= mA * iy;
  aA -= iA * (rAx * iy - rAy * ix);
  cB.x += mB * ix;
  cB.y += mB * iy;
  aB += iB * (rBx * iy - rBy * ix);
  posA.a = aA;
  posB.a = aB;
  return positionError <= LINEAR_SLOP && angularError <= ANGULAR_SLOP;
}
