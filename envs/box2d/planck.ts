/**
 * The pinned physics engine of the Box2D environments, `planck` (MIT; Box2D 2.3's algorithms
 * in float64 JavaScript), kept out of `deps.ts` on purpose.
 *
 * Nothing that classic-control training imports may load or download it. This file holds
 * the one pinned specifier and loads it with a dynamic `import()` of a variable, which Deno
 * cannot see while it builds the module graph: importing the toolkit downloads nothing,
 * and the package is fetched the first time a Box2D environment is made. The engine's
 * types are declared here structurally (only the members the environments use), so that
 * type-checking a program that imports the toolkit does not fetch the package either.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PLANCK_SPECIFIER } from "./planck.ts";
 * assert.equal(PLANCK_SPECIFIER, "npm:planck@1.5.0");
 * ```
 * @module
 */

/** The npm specifier of planck, pinned. */
export const PLANCK_SPECIFIER = "npm:planck@1.5.0";

/** A 2-vector as planck reads it (any object with `x` and `y`). */
export interface Vec2Value {
  /** x component. */
  x: number;
  /** y component. */
  y: number;
}

/** A planck shape (opaque to the environments). */
export interface PlanckShape {
  /** Shape kind, e.g. `"polygon"` or `"edge"`. */
  getType(): string;
}

/** The fixture options the environments use. */
export interface PlanckFixtureOptions {
  /** Density (kg/m²). */
  density?: number;
  /** Coulomb friction. */
  friction?: number;
  /** Restitution. */
  restitution?: number;
  /** Collision category bits. */
  filterCategoryBits?: number;
  /** Collision mask bits. */
  filterMaskBits?: number;
}

/** A planck fixture. */
export interface PlanckFixture {
  /** The body the fixture belongs to. */
  getBody(): PlanckBody;
  /** Collision category bits. */
  getFilterCategoryBits(): number;
}

/** A planck rigid body. */
export interface PlanckBody {
  /** Adds a fixture. */
  createFixture(shape: PlanckShape, options?: PlanckFixtureOptions): PlanckFixture;
  /** The body origin (planck's own vector: read it, do not keep it). */
  getPosition(): Vec2Value;
  /** The body angle (rad). */
  getAngle(): number;
  /** The linear velocity of the centre of mass (planck's own vector). */
  getLinearVelocity(): Vec2Value;
  /** The angular velocity (rad/s). */
  getAngularVelocity(): number;
  /** Whether the body is awake. */
  isAwake(): boolean;
  /** Mass (kg). */
  getMass(): number;
  /** Rotational inertia about the body origin. */
  getInertia(): number;
  /** Centre of mass in body coordinates. */
  getLocalCenter(): Vec2Value;
  /** Applies a force at the centre of mass. */
  applyForceToCenter(force: Vec2Value, wake?: boolean): void;
  /** Applies an impulse at a world point. */
  applyLinearImpulse(impulse: Vec2Value, point: Vec2Value, wake?: boolean): void;
  /** Applies a torque. */
  applyTorque(torque: number, wake?: boolean): void;
}

/** The body definition the environments use. */
export interface PlanckBodyDef {
  /** `"static"` or `"dynamic"`. */
  type?: "static" | "dynamic";
  /** Initial origin. */
  position?: Vec2Value;
  /** Initial angle (rad). */
  angle?: number;
}

/** A planck contact. */
export interface PlanckContact {
  /** The first fixture. */
  getFixtureA(): PlanckFixture;
  /** The second fixture. */
  getFixtureB(): PlanckFixture;
}

/** A planck revolute joint. */
export interface PlanckRevoluteJoint {
  /** bodyB.angle − bodyA.angle − referenceAngle. */
  getJointAngle(): number;
  /** bodyB.ω − bodyA.ω. */
  getJointSpeed(): number;
  /** Sets the motor speed (rad/s). */
  setMotorSpeed(speed: number): void;
  /** Sets the maximum motor torque (N·m). */
  setMaxMotorTorque(torque: number): void;
  /** The reference angle (rad). */
  getReferenceAngle(): number;
}

/** The revolute joint definition the environments use (Box2D's field names). */
export interface PlanckRevoluteJointDef {
  /** First body. */
  bodyA: PlanckBody;
  /** Second body. */
  bodyB: PlanckBody;
  /** Anchor in bodyA's frame. */
  localAnchorA: Vec2Value;
  /** Anchor in bodyB's frame. */
  localAnchorB: Vec2Value;
  /** bodyB.angle − bodyA.angle in the reference configuration. */
  referenceAngle: number;
  /** Enable the angle limits. */
  enableLimit: boolean;
  /** Lower angle limit. */
  lowerAngle: number;
  /** Upper angle limit. */
  upperAngle: number;
  /** Enable the motor. */
  enableMotor: boolean;
  /** Maximum motor torque. */
  maxMotorTorque: number;
  /** Motor speed. */
  motorSpeed: number;
}

/** Called for each fixture a ray hits; returns the new maximum fraction (−1 ignores it). */
export type PlanckRayCastCallback = (
  fixture: PlanckFixture,
  point: Vec2Value,
  normal: Vec2Value,
  fraction: number,
) => number;

/** A planck world. */
export interface PlanckWorld {
  /** Creates a body. */
  createBody(def: PlanckBodyDef): PlanckBody;
  /** Adds a joint. */
  createJoint(joint: PlanckRevoluteJoint): PlanckRevoluteJoint | null;
  /** Advances the simulation. */
  step(timeStep: number, velocityIterations: number, positionIterations: number): void;
  /** Casts a ray. */
  rayCast(point1: Vec2Value, point2: Vec2Value, callback: PlanckRayCastCallback): void;
  /** Registers a contact listener. */
  on(
    name: "begin-contact" | "end-contact",
    listener: (contact: PlanckContact) => void,
  ): PlanckWorld;
}

/** The part of the planck module the environments use. */
export interface PlanckModule {
  /** World constructor. */
  World: new (def: { gravity: Vec2Value; allowSleep?: boolean }) => PlanckWorld;
  /** Convex polygon (vertices are hull-sorted as Box2D does). */
  Polygon: new (vertices: Vec2Value[]) => PlanckShape;
  /** Axis-aligned box with half-extents. */
  Box: new (halfWidth: number, halfHeight: number) => PlanckShape;
  /** Segment. */
  Edge: new (v1: Vec2Value, v2: Vec2Value) => PlanckShape;
  /** Revolute joint. */
  RevoluteJoint: new (def: PlanckRevoluteJointDef) => PlanckRevoluteJoint;
}

let loaded: PlanckModule | null = null;
let loading: Promise<PlanckModule> | null = null;

/** Loads planck once (dynamic import of the pinned specifier). */
export function loadPlanck(): Promise<PlanckModule> {
  if (loaded !== null) return Promise.resolve(loaded);
  const specifier: string = PLANCK_SPECIFIER;
  loading ??= import(specifier).then(
    (m) => {
      loaded = (m.default?.World ? m.default : m) as PlanckModule;
      return loaded;
    },
    (e) => {
      loading = null;
      throw new Error(
        `cannot load the Box2D engine (${specifier}): ${(e as Error).message}. ` +
          `It needs the npm registry on first use`,
        { cause: e },
      );
    },
  );
  return loading;
}

/** planck if it is loaded already, else `null` (lets factories stay synchronous). */
export function loadedPlanck(): PlanckModule | null {
  return loaded;
}
