/**
 * Loads the MuJoCo WebAssembly module once, lazily, and describes the part of its API the
 * environments use.
 *
 * The interfaces below are a hand-written subset of the package's Embind bindings, so that
 * type-checking this toolkit never needs the package. Array fields of `MjModel`/`MjData`
 * are live `Float64Array` views into Wasm memory; a view becomes detached (length 0) when
 * the memory grows, which any allocation (a new model or data, in any environment) can do,
 * so callers re-read views whose length dropped to 0 (see `MujocoEnv` in `common.ts`).
 *
 * Embind objects are not garbage-collected: every `MjModel`, `MjData` and `MjOption` handle
 * obtained here must be `delete()`d exactly once.
 * @module
 */
import { MUJOCO_SPECIFIER, MUJOCO_VERSION } from "./deps.ts";

/** An Embind handle to a C++ object: freed by `delete()`, never by the garbage collector. */
export interface MjHandle {
  /** Frees the underlying C++ object (call exactly once). */
  delete(): void;
}

/** The fields of `mjOption` read here. */
export interface MjOptionLike extends MjHandle {
  /** Simulation time step in seconds. */
  readonly timestep: number;
  /** Integrator: 0 Euler, 1 RK4, 2 implicit, 3 implicitfast. */
  readonly integrator: number;
  /** Gravitational acceleration (3). */
  readonly gravity: Float64Array;
}

/** The fields of `mjModel` read here (arrays are row-major views into Wasm memory). */
export interface MjModelLike extends MjHandle {
  /** Generalised coordinates. */
  readonly nq: number;
  /** Degrees of freedom. */
  readonly nv: number;
  /** Actuators. */
  readonly nu: number;
  /** Activation states. */
  readonly na: number;
  /** Bodies, the world body included. */
  readonly nbody: number;
  /** Joints. */
  readonly njnt: number;
  /** Geoms. */
  readonly ngeom: number;
  /** Sites. */
  readonly nsite: number;
  /** Physics options (a new handle on every read: delete it). */
  readonly opt: MjOptionLike;
  /** Reference configuration (nq). */
  readonly qpos0: Float64Array;
  /** Body masses (nbody). */
  readonly body_mass: Float64Array;
  /** Principal inertias (nbody × 3). */
  readonly body_inertia: Float64Array;
  /** Joint types (njnt): 0 free, 1 ball, 2 slide, 3 hinge. */
  readonly jnt_type: Int32Array;
  /** Joint ranges (njnt × 2). */
  readonly jnt_range: Float64Array;
  /** Joint stiffness (njnt). */
  readonly jnt_stiffness: Float64Array;
  /** Dof damping (nv). */
  readonly dof_damping: Float64Array;
  /** Dof armature (nv). */
  readonly dof_armature: Float64Array;
  /** Actuator gears (nu × 6). */
  readonly actuator_gear: Float64Array;
  /** Actuator control ranges (nu × 2). */
  readonly actuator_ctrlrange: Float64Array;
}

/** The fields of `mjData` read and written here (views into Wasm memory). */
export interface MjDataLike extends MjHandle {
  /** Simulation time. */
  time: number;
  /** Positions (nq). */
  readonly qpos: Float64Array;
  /** Velocities (nv). */
  readonly qvel: Float64Array;
  /** Actuator activations (na). */
  readonly act: Float64Array;
  /** Accelerations the constraint solver starts from (nv). */
  readonly qacc_warmstart: Float64Array;
  /** Controls (nu). */
  readonly ctrl: Float64Array;
  /** Body positions in the world frame (nbody × 3). */
  readonly xpos: Float64Array;
  /** Site positions in the world frame (nsite × 3). */
  readonly site_xpos: Float64Array;
  /** External contact wrenches per body, [torque, force] (nbody × 6). */
  readonly cfrc_ext: Float64Array;
  /** Constraint forces in joint space (nv). */
  readonly qfrc_constraint: Float64Array;
}

/** The functions of the MuJoCo module used here. */
export interface MujocoModule {
  /** Model constructors: compile MJCF text, or copy a compiled model (`mj_copyModel`). */
  MjModel: {
    from_xml_string(xml: string): MjModelLike;
    new (model: MjModelLike): MjModelLike;
  };
  /** Data constructor. */
  MjData: new (model: MjModelLike) => MjDataLike;
  /** One integration step. */
  mj_step(model: MjModelLike, data: MjDataLike): void;
  /** Forward dynamics without integration. */
  mj_forward(model: MjModelLike, data: MjDataLike): void;
  /** Resets data to the model's defaults. */
  mj_resetData(model: MjModelLike, data: MjDataLike): void;
  /** Computes `cacc`, `cfrc_int` and `cfrc_ext`. */
  mj_rnePostConstraint(model: MjModelLike, data: MjDataLike): void;
  /** The release string, e.g. `"3.12.0"`. */
  mj_versionString(): string;
}

let modulePromise: Promise<MujocoModule> | null = null;

/**
 * Loads and instantiates MuJoCo once per process (a dynamic import of
 * {@link MUJOCO_SPECIFIER}), and checks that its release is {@link MUJOCO_VERSION}.
 * @throws Error naming the specifier when the package cannot be fetched or instantiated.
 */
export function loadMujoco(): Promise<MujocoModule> {
  const specifier: string = MUJOCO_SPECIFIER;
  modulePromise ??= (async () => {
    const loaded = await import(specifier) as { default: () => Promise<MujocoModule> };
    const mj = await loaded.default();
    const version = mj.mj_versionString();
    if (version !== MUJOCO_VERSION) {
      throw new Error(`${specifier} reports MuJoCo ${version}, expected ${MUJOCO_VERSION}`);
    }
    return mj;
  })().catch((e) => {
    modulePromise = null;
    throw new Error(
      `cannot load MuJoCo (${specifier}): ${(e as Error).message}. The first use needs the ` +
        `npm registry (or a Deno cache holding the package) and --allow-read`,
      { cause: e },
    );
  });
  return modulePromise;
}
