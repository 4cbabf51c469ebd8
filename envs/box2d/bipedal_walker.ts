/**
 * # BipedalWalker-v3 and BipedalWalkerHardcore-v3
 *
 * A two-legged robot (a hull, two upper legs, two lower legs, four motorised hinges) walks
 * to the far end of a 200-segment terrain. `hardcore: true` adds stumps, pits and stairs.
 * This is Gymnasium 1.4.0's `BipedalWalker` (Oleg Klimov's Box2D task) with its constants,
 * equations and order of operations, on the `planck` engine.
 *
 * ## Action space: Box(4) in [−1, 1]
 *
 * Hip 0, knee 0, hip 1, knee 1. Each a_j sets its joint motor to speed S_j·sign(a_j)
 * (S = 4 for hips, 6 for knees) with maximum torque 80·clip(|a_j|, 0, 1).
 *
 * ## Observation space: Box(24), float32
 *
 * | index  | quantity                                          |
 * | ------ | ------------------------------------------------- |
 * | 0      | hull angle                                        |
 * | 1      | 2·ω / 50                                          |
 * | 2, 3   | 0.3·vx·20/50, 0.3·vy·13.33/50                     |
 * | 4–8    | hip 0 angle, speed/4, knee 0 angle + 1, speed/6, lower leg 0 contact |
 * | 9–13   | the same for leg 1                                |
 * | 14–23  | 10 lidar fractions (rays 0..1.35 rad from straight down, 5.33 m long) |
 *
 * The bounds are Gymnasium's (±π for angles, ±5 for rates, 0..5 for contacts, ±1 for lidar).
 *
 * ## Reward
 *
 *     shaping = 130·x_hull/30 − 5·|hull angle|
 *     reward  = shaping − previous shaping − Σ_j 0.00035·80·clip(|a_j|, 0, 1)
 *
 * The hull touching the ground or x_hull < 0 gives −100 and terminates. Reaching
 * x_hull > (200 − 10)·14/30 terminates with no penalty.
 *
 * ## Start state and randomness
 *
 * Each reset builds a new world (Gymnasium reuses one; its replays agree with a fresh one,
 * see `../shared/reference/box2d/ENVS.md`): the terrain (draws `uniform(−1, 1)` for the
 * slope, `integers(5, 10)` for segment lengths; in hardcore also the obstacle kinds
 * `integers(1, 4)`, pit widths `integers(3, 5)`, stump sizes `integers(1, 3)`, stair
 * direction `random()`, width `integers(4, 5)` and count `integers(3, 5)`), the ten clouds
 * (render-only, but they consume 110 draws), then the hull's push U(−5, 5) along x. The step
 * draws nothing. All draws come from a {@link DrawSource} (see {@link BipedalWalkerEnv.setDrawSource}).
 * `reset()` ends with one zero-action step whose observation it returns.
 *
 * ## Episode end
 *
 * `BipedalWalker-v3`: time limit 1600, reward threshold 300. `BipedalWalkerHardcore-v3`:
 * time limit 2000, reward threshold 300.
 *
 * ## Agreement with Gymnasium
 *
 * planck with Box2D 2.3.0's float32 solvers (islands, contacts, joints, integration; see
 * `common.ts`), against pybox2d's float32 Box2D 2.3.0. The walker starts with its lower legs
 * on the ground and they hit it fast enough for continuous collision (time of impact) on
 * most touchdowns, and a walker driven by random torques amplifies any float32 ulp until a
 * fall can happen elsewhere; so the time of impact, the edge-versus-polygon manifolds, the
 * lidar's edge ray casts and the joint angle and speed readings are Box2D 2.3.0's float32
 * ones too. On the recorded episodes every observation and reward is Gymnasium's bit for bit
 * (see `deno task replay`). Actions are used at the precision they are given (Gymnasium's
 * heuristic gives float64).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BipedalWalkerEnv } from "./bipedal_walker.ts";
 * const env = await BipedalWalkerEnv.create();
 * const { observation } = env.reset({ seed: 3 });
 * assert.equal(observation.length, 24);
 * const step = env.step(new Float32Array([0.5, -0.5, 0.5, -0.5]));
 * assert.equal(typeof step.reward, "number");
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import {
  box,
  Box2DEnvBase,
  f32,
  FPS,
  parseBox2DOptions,
  polygon,
  revoluteJoint,
  SCALE,
  stepWorld,
  vec,
  VIEWPORT_H,
  VIEWPORT_W,
} from "./common.ts";
import { bipedalWalkerFrame } from "./frames.ts";
import type { Frame } from "../render.ts";
import {
  loadPlanck,
  type PlanckBody,
  type PlanckFixture,
  type PlanckModule,
  type PlanckRevoluteJoint,
  type PlanckWorld,
  type Vec2Value,
} from "./planck.ts";
import { type BoxSpace, preview } from "../spaces.ts";
import type { Action, FastStepEnv, StepResult } from "../types.ts";

const MOTORS_TORQUE = 80;
const SPEED_HIP = 4;
const SPEED_KNEE = 6;
const LIDAR_RANGE = 160 / SCALE;
const INITIAL_RANDOM = 5;
const HULL_POLY: readonly (readonly [number, number])[] = [
  [-30, 9],
  [6, 9],
  [34, 1],
  [34, -8],
  [-30, -8],
];
const LEG_DOWN = -8 / SCALE;
const LEG_W = 8 / SCALE;
const LEG_H = 34 / SCALE;
/** Length of one terrain segment (m). */
export const TERRAIN_STEP = 14 / SCALE;
/** Number of terrain points. */
export const TERRAIN_LENGTH = 200;
const TERRAIN_HEIGHT = VIEWPORT_H / SCALE / 4;
const TERRAIN_GRASS = 10;
const TERRAIN_STARTPAD = 20;
const FRICTION = 2.5;

/** Terrain states of the generator. */
const GRASS = 0, STUMP = 1, STAIRS = 2, PIT = 3, STATES = 4;

/** Constructor options (Gymnasium's keyword arguments). */
export interface BipedalWalkerOptions {
  /** Stumps, pits and stairs (default false). */
  hardcore?: boolean;
}

const OptionsSchema = z.object({ hardcore: z.boolean().optional() }).strict();

/** An obstacle of the hardcore terrain, as built. */
export interface Obstacle {
  /** `"pit"` (two walls per pit), `"stump"` or `"stair"` (one per step). */
  kind: "pit" | "stump" | "stair";
  /** The polygon's vertices (float64, before rounding). */
  vertices: [number, number][];
}

const PI32 = f32(Math.PI);

/** BipedalWalker-v3 / BipedalWalkerHardcore-v3 (see the module documentation). */
export class BipedalWalkerEnv extends Box2DEnvBase implements FastStepEnv {
  /** The id this instance answers to. */
  readonly id: string;
  /** Box(24) float32. */
  readonly observationSpace: BoxSpace = {
    type: "box",
    low: [
      ...[-PI32, -5, -5, -5, -PI32, -5, -PI32, -5, -0, -PI32, -5, -PI32, -5, -0],
      ...Array<number>(10).fill(-1),
    ],
    high: [
      ...[PI32, 5, 5, 5, PI32, 5, PI32, 5, 5, PI32, 5, PI32, 5, 5],
      ...Array<number>(10).fill(1),
    ],
    shape: [24],
    dtype: "float32",
  };
  /** Box(4) in [−1, 1]: hip 0, knee 0, hip 1, knee 1. */
  readonly actionSpace: BoxSpace = {
    type: "box",
    low: [-1, -1, -1, -1],
    high: [1, 1, 1, 1],
    shape: [4],
    dtype: "float32",
  };
  /** Whether the terrain has obstacles. */
  readonly hardcore: boolean;

  #hull: PlanckBody | null = null;
  #legs: PlanckBody[] = [];
  #joints: PlanckRevoluteJoint[] = [];
  #prevShaping: number | null = null;
  #terrainX: number[] = [];
  #terrainY: number[] = [];
  #obstacles: Obstacle[] = [];
  readonly #zero = new Float32Array(4);
  readonly #p1 = { x: 0, y: 0 };
  readonly #p2 = { x: 0, y: 0 };
  #lidarFraction = 1;
  readonly #lidarCallback = (
    fixture: PlanckFixture,
    _point: Vec2Value,
    _normal: Vec2Value,
    fraction: number,
  ): number => {
    if ((fixture.getFilterCategoryBits() & 1) === 0) return -1;
    this.#lidarFraction = fraction;
    return fraction;
  };

  /**
   * Creates the environment with a loaded planck module (see {@link BipedalWalkerEnv.create}).
   * @throws TypeError for unknown or mistyped options.
   */
  constructor(planck: PlanckModule, options: BipedalWalkerOptions = {}) {
    super(planck, 24);
    const o = parseBox2DOptions("BipedalWalker-v3", OptionsSchema, options);
    this.hardcore = o.hardcore ?? false;
    this.id = this.hardcore ? "BipedalWalkerHardcore-v3" : "BipedalWalker-v3";
  }

  /** Loads planck (once per process) and creates the environment. */
  static async create(options: BipedalWalkerOptions = {}): Promise<BipedalWalkerEnv> {
    return new BipedalWalkerEnv(await loadPlanck(), options);
  }

  /** Advances one step with four joint commands in [−1, 1]. */
  step(action: Action): StepResult {
    if (
      action === null || typeof action !== "object" || action.length !== 4 ||
      typeof action[0] !== "number"
    ) {
      throw new TypeError(
        `${this.id}.step: action must be a Float32Array of 4 numbers, got ${preview(action)}`,
      );
    }
    // Used unrounded: Gymnasium applies the action's own values (float64 for its heuristic).
    return this.stepResult(action);
  }

  /** The 200 terrain points of this episode, `[x[], y[]]` (float64). */
  get terrain(): [number[], number[]] {
    return [[...this.#terrainX], [...this.#terrainY]];
  }

  /** The hardcore obstacles of this episode, in creation order. */
  get obstacles(): Obstacle[] {
    return this.#obstacles.map((o) => ({ kind: o.kind, vertices: o.vertices.map((v) => [...v]) }));
  }

  /** A one-line summary of the walker's state. */
  render(): string {
    const h = this.#hull;
    if (h === null) return `${this.id} (not reset)`;
    const p = h.getPosition();
    return `${this.id} x=${p.x.toFixed(2)} y=${p.y.toFixed(2)} angle=${h.getAngle().toFixed(3)}`;
  }

  /** A picture of the walker, terrain, obstacles and lidar rays (`frames.ts`). */
  renderFrame(): Frame {
    return bipedalWalkerFrame(
      this.bodies(),
      this.#terrainX,
      this.#terrainY,
      this.#obstacles,
      this.state.subarray(14),
    );
  }

  /** Drops the world. */
  override close(): void {
    super.close();
    this.#hull = null;
    this.#legs = [];
    this.#joints = [];
  }

  /** The world's gravity (−10). */
  protected worldGravity(): number {
    return -10;
  }

  #staticPolygon(world: PlanckWorld, kind: Obstacle["kind"], poly: [number, number][]): void {
    const body = world.createBody({ type: "static" });
    body.createFixture(polygon(this.planck, poly), {
      friction: FRICTION,
      filterCategoryBits: 0x0001,
    });
    this.#obstacles.push({ kind, vertices: poly });
  }

  /** Gymnasium's `_generate_terrain`. */
  #generateTerrain(world: PlanckWorld): void {
    const draws = this.draws;
    const hardcore = this.hardcore;
    let state = GRASS;
    let velocity = 0.0;
    let y = TERRAIN_HEIGHT;
    let counter = TERRAIN_STARTPAD;
    let oneshot = false;
    const xs: number[] = [];
    const ys: number[] = [];
    this.#obstacles = [];
    let stairSteps = 0, stairWidth = 0, stairHeight = 0;
    let originalY = 0;
    for (let i = 0; i < TERRAIN_LENGTH; i++) {
      const x = i * TERRAIN_STEP;
      xs.push(x);
      if (state === GRASS && !oneshot) {
        velocity = 0.8 * velocity + 0.01 * Math.sign(TERRAIN_HEIGHT - y);
        if (i > TERRAIN_STARTPAD) velocity += draws.uniform(-1, 1) / SCALE;
        y += velocity;
      } else if (state === PIT && oneshot) {
        counter = draws.integers(3, 5);
        const poly: [number, number][] = [
          [x, y],
          [x + TERRAIN_STEP, y],
          [x + TERRAIN_STEP, y - 4 * TERRAIN_STEP],
          [x, y - 4 * TERRAIN_STEP],
        ];
        this.#staticPolygon(world, "pit", poly);
        this.#staticPolygon(
          world,
          "pit",
          poly.map(([px, py]) => [px + TERRAIN_STEP * counter, py]),
        );
        counter += 2;
        originalY = y;
      } else if (state === PIT && !oneshot) {
        y = originalY;
        if (counter > 1) y -= 4 * TERRAIN_STEP;
      } else if (state === STUMP && oneshot) {
        counter = draws.integers(1, 3);
        this.#staticPolygon(world, "stump", [
          [x, y],
          [x + counter * TERRAIN_STEP, y],
          [x + counter * TERRAIN_STEP, y + counter * TERRAIN_STEP],
          [x, y + counter * TERRAIN_STEP],
        ]);
      } else if (state === STAIRS && oneshot) {
        stairHeight = draws.random() > 0.5 ? 1 : -1;
        stairWidth = draws.integers(4, 5);
        stairSteps = draws.integers(3, 5);
        originalY = y;
        for (let s = 0; s < stairSteps; s++) {
          this.#staticPolygon(world, "stair", [
            [x + s * stairWidth * TERRAIN_STEP, y + s * stairHeight * TERRAIN_STEP],
            [x + (1 + s) * stairWidth * TERRAIN_STEP, y + s * stairHeight * TERRAIN_STEP],
            [x + (1 + s) * stairWidth * TERRAIN_STEP, y + (-1 + s * stairHeight) * TERRAIN_STEP],
            [x + s * stairWidth * TERRAIN_STEP, y + (-1 + s * stairHeight) * TERRAIN_STEP],
          ]);
        }
        counter = stairSteps * stairWidth;
      } else if (state === STAIRS && !oneshot) {
        const s = stairSteps * stairWidth - counter - stairHeight;
        const n = s / stairWidth;
        y = originalY + n * stairHeight * TERRAIN_STEP;
      }
      oneshot = false;
      ys.push(y);
      counter -= 1;
      if (counter === 0) {
        counter = draws.integers(TERRAIN_GRASS / 2, TERRAIN_GRASS);
        if (state === GRASS && hardcore) {
          state = draws.integers(1, STATES);
          oneshot = true;
        } else {
          state = GRASS;
          oneshot = true;
        }
      }
    }
    for (let i = 0; i < TERRAIN_LENGTH - 1; i++) {
      const body = world.createBody({ type: "static" });
      body.createFixture(
        new this.planck.Edge(vec(xs[i], ys[i]), vec(xs[i + 1], ys[i + 1])),
        { friction: FRICTION, filterCategoryBits: 0x0001 },
      );
    }
    this.#terrainX = xs;
    this.#terrainY = ys;
  }

  /** Gymnasium's `_generate_clouds`: render-only, but it consumes 110 draws. */
  #generateClouds(): void {
    const draws = this.draws;
    for (let i = 0; i < TERRAIN_LENGTH / 20; i++) {
      draws.uniform(0, TERRAIN_LENGTH);
      for (let a = 0; a < 5; a++) {
        draws.uniform(0, 5 * TERRAIN_STEP);
        draws.uniform(0, 5 * TERRAIN_STEP);
      }
    }
  }

  /** Gymnasium's reset, up to (not including) its final zero-action step. */
  protected build(world: PlanckWorld): void {
    const planck = this.planck;
    this.#prevShaping = null;
    this.#generateTerrain(world);
    this.#generateClouds();

    const initX = (TERRAIN_STEP * TERRAIN_STARTPAD) / 2;
    const initY = TERRAIN_HEIGHT + 2 * LEG_H;
    const hull = world.createBody({ type: "dynamic", position: vec(initX, initY), angle: 0 });
    hull.createFixture(polygon(planck, HULL_POLY.map(([x, y]) => [x / SCALE, y / SCALE])), {
      density: 5.0,
      friction: 0.1,
      restitution: 0.0,
      filterCategoryBits: 0x0020,
      filterMaskBits: 0x001,
    });
    hull.applyForceToCenter(vec(this.draws.uniform(-INITIAL_RANDOM, INITIAL_RANDOM), 0), true);

    const legs: PlanckBody[] = [];
    const joints: PlanckRevoluteJoint[] = [];
    const legOptions = {
      density: 1.0,
      restitution: 0.0,
      friction: 0.2,
      filterCategoryBits: 0x0020,
      filterMaskBits: 0x001,
    };
    for (const i of [-1, 1]) {
      const upper = world.createBody({
        type: "dynamic",
        position: vec(initX, initY - LEG_H / 2 - LEG_DOWN),
        angle: f32(i * 0.05),
      });
      upper.createFixture(box(planck, LEG_W / 2, LEG_H / 2), legOptions);
      joints.push(revoluteJoint(planck, world, hull, upper, {
        localAnchorA: [0, LEG_DOWN],
        localAnchorB: [0, LEG_H / 2],
        limits: [-0.8, 1.1],
        maxMotorTorque: MOTORS_TORQUE,
        motorSpeed: i,
      }));
      legs.push(upper);
      const lower = world.createBody({
        type: "dynamic",
        position: vec(initX, initY - (LEG_H * 3) / 2 - LEG_DOWN),
        angle: f32(i * 0.05),
      });
      lower.createFixture(box(planck, (0.8 * LEG_W) / 2, LEG_H / 2), legOptions);
      joints.push(revoluteJoint(planck, world, upper, lower, {
        localAnchorA: [0, -LEG_H / 2],
        localAnchorB: [0, LEG_H / 2],
        limits: [-1.6, -0.1],
        maxMotorTorque: MOTORS_TORQUE,
        motorSpeed: 1,
      }));
      legs.push(lower);
    }
    this.#hull = hull;
    this.#legs = legs;
    this.#joints = joints;
    this.tracked = [hull, ...legs];
    this.contactFlags!.bind(hull, [legs[1], legs[3]]);
  }

  /** One Gymnasium step (`null`: reset's zero action); fills state, returns the reward. */
  protected advance(command: number | ArrayLike<number> | null): number {
    if (typeof command === "number") throw new TypeError(`${this.id}.step: need 4 numbers`);
    const action = command ?? this.#zero;
    const joints = this.#joints;
    for (let j = 0; j < 4; j++) {
      const a = action[j];
      const speed = j % 2 === 0 ? SPEED_HIP : SPEED_KNEE;
      joints[j].setMotorSpeed(f32(speed * Math.sign(a)));
      joints[j].setMaxMotorTorque(f32(MOTORS_TORQUE * clip(Math.abs(a), 0, 1)));
    }
    const world = this.world!;
    stepWorld(world);

    const hull = this.#hull!;
    const pos = hull.getPosition();
    const vel = hull.getLinearVelocity();
    const px = pos.x;
    const py = pos.y;
    const s = this.state;
    const p1 = this.#p1;
    const p2 = this.#p2;
    for (let i = 0; i < 10; i++) {
      this.#lidarFraction = 1.0;
      p1.x = px;
      p1.y = py;
      p2.x = f32(px + Math.sin((1.5 * i) / 10.0) * LIDAR_RANGE);
      p2.y = f32(py - Math.cos((1.5 * i) / 10.0) * LIDAR_RANGE);
      world.rayCast(p1, p2, this.#lidarCallback);
      s[14 + i] = this.#lidarFraction;
    }
    const contacts = this.contactFlags!;
    s[0] = hull.getAngle();
    s[1] = (2.0 * hull.getAngularVelocity()) / FPS;
    s[2] = (0.3 * vel.x * (VIEWPORT_W / SCALE)) / FPS;
    s[3] = (0.3 * vel.y * (VIEWPORT_H / SCALE)) / FPS;
    s[4] = joints[0].getJointAngle();
    s[5] = joints[0].getJointSpeed() / SPEED_HIP;
    s[6] = joints[1].getJointAngle() + 1.0;
    s[7] = joints[1].getJointSpeed() / SPEED_KNEE;
    s[8] = contacts.touching[0] ? 1.0 : 0.0;
    s[9] = joints[2].getJointAngle();
    s[10] = joints[2].getJointSpeed() / SPEED_HIP;
    s[11] = joints[3].getJointAngle() + 1.0;
    s[12] = joints[3].getJointSpeed() / SPEED_KNEE;
    s[13] = contacts.touching[1] ? 1.0 : 0.0;

    let shaping = (130 * px) / SCALE;
    shaping -= 5.0 * Math.abs(s[0]);
    let reward = 0;
    if (this.#prevShaping !== null) reward = shaping - this.#prevShaping;
    this.#prevShaping = shaping;
    for (let j = 0; j < 4; j++) reward -= 0.00035 * MOTORS_TORQUE * clip(Math.abs(action[j]), 0, 1);

    let done = false;
    if (contacts.gameOver || px < 0) {
      reward = -100;
      done = true;
    }
    if (px > (TERRAIN_LENGTH - TERRAIN_GRASS) * TERRAIN_STEP) done = true;
    this.done = done;
    return reward;
  }
}

function clip(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}
