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
 *   {@link f32} does that rounding here, so that the engine starts from the same numbers.
 * - **Joints.** pybox2d's `revoluteJointDef(bodyA=…, bodyB=…)` sets
 *   `referenceAngle = bodyB.angle − bodyA.angle`; {@link revoluteJoint} always passes it
 *   explicitly, so the joint angle (the limits and the observations) is measured the same way.
 *   The joints solve in float32 as Box2D does (`revolute32.ts`: in float64 the lander and its
 *   legs conserve momentum that pybox2d's float32 joints lose, and the trajectories drift).
 * - **Step.** {@link stepWorld} passes pybox2d's float32 time step, and {@link createWorld}
 *   makes a world whose island, contact and TOI sub-step solvers, sweeps, mass data, forces
 *   and impulses (`solver32.ts`), time-of-impact loop and root finder with its GJK distance
 *   (`toi32.ts`, `distance32.ts`), edge-versus-polygon manifolds (`collide32.ts`) and edge
 *   ray casts (`raycast32.ts`) are Box2D 2.3.0's in float32 with glibc's `sinf`/`cosf`
 *   (`trig32.ts`); planck keeps the broad phase and island building. On the recorded
 *   Gymnasium episodes this reproduces every observation and reward bit for bit.
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
import type { z } from "../../deps.ts";
import { Rng } from "../../random.ts";
import type { ResetOptions, ResetResult, StepResult } from "../types.ts";
import { preview } from "../spaces.ts";
import { Revolute32 } from "./revolute32.ts";
import {
  initBody32,
  installForces32,
  installSolver32,
  installSweep32,
  resetMassData32,
} from "./solver32.ts";
import { installTOI32 } from "./toi32.ts";
import { installCollide32 } from "./collide32.ts";
import { installRayCast32 } from "./raycast32.ts";
import type {
  PlanckBody,
  PlanckContact,
  PlanckModule,
  PlanckRevoluteJoint,
  PlanckShape,
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
 * broad phase reports new pairs in Box2D 2.3's order (see {@link useBox2DPairOrder}) and
 * whose islands, contacts and sweeps are solved in float32 as Box2D 2.3.0 does
 * (`solver32.ts`; every body made with `world.createBody` gets the float32 sweep).
 */
export function createWorld(planck: PlanckModule, gravity: number): PlanckWorld {
  const world = new planck.World({ gravity: { x: 0, y: f32(gravity) }, allowSleep: true });
  useBox2DPairOrder(world);
  installSolver32(world);
  installTOI32(world);
  installCollide32(world);
  installRayCast32(world);
  const createBody = world.createBody.bind(world);
  world.createBody = (def) => {
    const body = createBody(def);
    initBody32(body, def.angle ?? 0);
    installSweep32(body);
    installForces32(body);
    const createFixture = body.createFixture.bind(body);
    body.createFixture = (shape, options) => {
      const fixture = createFixture(shape, options);
      resetMassData32(body);
      return fixture;
    };
    return body;
  };
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

/**
 * Advances `world` by Gymnasium's `Step(1/50, 180, 60)`, with the time step pybox2d hands to
 * Box2D: 1/50 rounded to float32 (0.0199999995529651641845703125), not the double 0.02.
 */
export function stepWorld(world: PlanckWorld): void {
  world.step(f32(1.0 / FPS), VELOCITY_ITERATIONS, POSITION_ITERATIONS);
}

/** A polygon from float64 vertices, rounded to float32. */
export function polygon(planck: PlanckModule, vertices: readonly (readonly number[])[]) {
  return new planck.Polygon(vertices.map(([x, y]) => ({ x: f32(x), y: f32(y) })));
}

/**
 * An axis-aligned box with half-extents (hx, hy), rounded to float32, with its vertices and
 * normals in Box2D 2.3's `b2PolygonShape::SetAsBox` order: (−hx, −hy), (hx, −hy), (hx, hy),
 * (−hx, hy). planck's `Box` starts at (hx, −hy) instead; the vertex order decides the
 * reference face and the order of the contact points, hence the contact solver's order, and
 * with planck's order the legs' touchdowns and resting contacts drift away from pybox2d's.
 * @throws Error if planck's box layout is not the one this reorders (a planck internal changed).
 */
export function box(planck: PlanckModule, hx: number, hy: number): PlanckShape {
  const x = f32(hx);
  const y = f32(hy);
  const shape = new planck.Box(x, y);
  const s = shape as unknown as { m_vertices: Vec2Value[]; m_normals: Vec2Value[] };
  const v = s.m_vertices;
  const n = s.m_normals;
  if (
    v.length !== 4 || n.length !== 4 || v[0].x !== x || v[0].y !== -y || v[3].x !== -x ||
    v[3].y !== -y || n[3].x !== 0 || n[3].y !== -1
  ) {
    throw new Error("Box2D: planck's box vertices are not in the expected order");
  }
  s.m_vertices = [v[3], v[0], v[1], v[2]];
  s.m_normals = [n[3], n[0], n[1], n[2]];
  return shape;
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
 * Its solver is Box2D 2.3.0's in float32 ({@link Revolute32}), not planck's float64 one.
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
  Revolute32.install(joint);
  const made = world.createJoint(joint);
  if (made === null) throw new Error("Box2D: cannot create a joint while the world is locked");
  return made;
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

/**
 * The part of a Box2D environment that LunarLander and BipedalWalker share: its random draws
 * (its own `Rng`, or recorded ones), one world reused across episodes with its contact
 * detector, `reset` (build the episode, then Gymnasium's idle step), the buffer-writing
 * `resetInto` / `stepInto`, the body and contact reports and `close`. A subclass builds its
 * episode ({@link Box2DEnvBase.build}), decodes and applies an action ({@link Box2DEnvBase.advance}),
 * and fills {@link Box2DEnvBase.state} with the float64 observation.
 */
export abstract class Box2DEnvBase {
  /** The id this instance answers to. */
  abstract readonly id: string;
  /** The loaded planck module. */
  protected readonly planck: PlanckModule;
  /** This environment's own generator (re-seeded by `reset({ seed })`). */
  protected readonly rng: Rng = new Rng(entropySeed());
  /** Where the random draws come from ({@link Box2DEnvBase.setDrawSource}). */
  protected draws: DrawSource = new RngDraws(this.rng);
  /** The world, made on the first reset and emptied for each later one (null when closed). */
  protected world: PlanckWorld | null = null;
  /** The contact detector of {@link Box2DEnvBase.world}. */
  protected contactFlags: ContactFlags | null = null;
  /** Whether the last step ended the episode. */
  protected done = false;
  /** The float64 observation of the last step (cast to float32 when handed out). */
  protected readonly state: Float64Array;
  /** The bodies {@link Box2DEnvBase.bodies} reports, the main body first. */
  protected tracked: PlanckBody[] = [];
  readonly #terminated = new Uint8Array(1);

  /** Takes the loaded planck module and the observation length. */
  constructor(planck: PlanckModule, observationLength: number) {
    this.planck = planck;
    this.state = new Float64Array(observationLength);
  }

  /** The world's gravity along y. */
  protected abstract worldGravity(): number;
  /** Gymnasium's reset up to its final idle step: terrain, bodies, joints, contact binding. */
  protected abstract build(world: PlanckWorld): void;
  /** One Gymnasium step with a decoded action (`null`: reset's idle step); the reward. */
  protected abstract advance(action: number | ArrayLike<number> | null): number;

  /**
   * Replaces the source of random draws (`null` restores this environment's own `Rng`).
   * Replays pass Gymnasium's recorded draws here, in the order it consumed them.
   */
  setDrawSource(source: DrawSource | null): void {
    this.draws = source ?? new RngDraws(this.rng);
  }

  /** Starts an episode; a seed re-seeds the environment's `Rng`. */
  reset(options: ResetOptions = {}): ResetResult {
    const observation = new Float32Array(this.state.length);
    this.resetInto(observation, 0, options.seed);
    return { observation, info: {} };
  }

  /** Resets like {@link Box2DEnvBase.reset}, writing the observation into `out` at `offset`. */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    reseed(this.id, this.rng, seed);
    let world = this.world;
    if (world === null) {
      world = createWorld(this.planck, this.worldGravity());
      this.world = world;
      this.contactFlags = new ContactFlags(world);
    } else {
      recycleWorld(world);
    }
    this.done = false;
    this.build(world);
    this.advance(null);
    this.#copyState(out, offset);
  }

  /** Steps with a checked action, writing into caller-owned buffers; the reward. */
  stepInto(
    action: number | ArrayLike<number>,
    out: Float32Array,
    offset: number,
    terminated: Uint8Array,
    index: number,
  ): number {
    if (this.world === null) throw new Error(`${this.id}.step: call reset() before stepping`);
    const reward = this.advance(action);
    this.#copyState(out, offset);
    terminated[index] = this.done ? 1 : 0;
    return reward;
  }

  /** A {@link StepResult} for a checked action (the time limit is a wrapper's). */
  protected stepResult(action: number | ArrayLike<number>): StepResult {
    const observation = new Float32Array(this.state.length);
    const t = this.#terminated;
    const reward = this.stepInto(action, observation, 0, t, 0);
    return { observation, reward, terminated: t[0] === 1, truncated: false, info: {} };
  }

  /** The tracked bodies as [x, y, angle, vx, vy, ω, awake (1/0)] (for replays and tests). */
  bodies(): number[][] {
    return this.tracked.map(bodyState);
  }

  /** The watched bodies' contact flags and the game-over flag. */
  get contacts(): { groundContact: boolean[]; gameOver: boolean } {
    return contactReport(this.contactFlags);
  }

  /** Drops the world. */
  close(): void {
    this.world = null;
    this.contactFlags = null;
    this.tracked = [];
  }

  #copyState(out: Float32Array, offset: number): void {
    const s = this.state;
    for (let k = 0; k < s.length; k++) out[offset + k] = s[k];
  }
}

/** A fresh random seed for a generator nobody seeded. */
export function entropySeed(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0] & 0x1fffff) * 2 ** 32 + words[1];
}

/**
 * Validates the constructor options of the environment `name` against `schema`.
 * @throws TypeError `<name>: invalid constructor options: <path: problem; …> (got …)`.
 */
export function parseBox2DOptions<T>(name: string, schema: z.ZodType<T>, options: unknown): T {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new TypeError(
      `${name}: invalid constructor options: ${
        parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`)
          .join("; ")
      } (got ${preview(options)})`,
    );
  }
  return parsed.data;
}

/**
 * Re-seeds `rng` with the `seed` of `reset` of the environment `id` (nothing when undefined).
 * @throws RangeError when the seed is not a safe integer.
 */
export function reseed(id: string, rng: Rng, seed: number | undefined): void {
  if (seed === undefined) return;
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`${id}.reset: seed must be a safe integer, got ${seed}`);
  }
  rng.seed(seed);
}

/** The contact flags as the environments report them (all clear before the first reset). */
export function contactReport(
  c: ContactFlags | null,
): { groundContact: boolean[]; gameOver: boolean } {
  return { groundContact: c ? [...c.touching] : [false, false], gameOver: c?.gameOver ?? false };
}
