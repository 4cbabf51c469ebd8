/**
 * # LunarLander-v3 and LunarLanderContinuous-v3
 *
 * Land a lander on the pad between the two flags. The lander has a main engine pointing down
 * and two orientation engines on its sides; the moon's surface is random, the pad is always
 * at x ∈ [8, 12] m (the centre of the 20 m wide world), and the lander starts at the top
 * centre with a random push. This is Gymnasium 1.4.0's `LunarLander` (Oleg Klimov's Box2D
 * task) with its constants, equations and order of operations, on the `planck` engine.
 *
 * ## Action space
 *
 * - Discrete(4) (`LunarLander-v3`): 0 = do nothing, 1 = fire the left orientation engine,
 *   2 = fire the main engine, 3 = fire the right orientation engine.
 * - Box(2) in [−1, 1] (`LunarLanderContinuous-v3`, option `continuous: true`): the action
 *   (main, lateral) is clipped to [−1, 1]. The main engine fires when main > 0 with power
 *   (main + 1)/2 ∈ [0.5, 1]; a side engine fires when |lateral| > 0.5, on the side of
 *   sign(lateral), with power |lateral| ∈ [0.5, 1].
 *
 * ## Observation space: Box(8), float32
 *
 * | index | quantity                                   | low   | high |
 * | ----- | ------------------------------------------ | ----- | ---- |
 * | 0     | x relative to the pad centre, / 10 m        | −2.5  | 2.5  |
 * | 1     | y above pad + leg length, / 6.667 m         | −2.5  | 2.5  |
 * | 2     | vx · 10 / 50                               | −10   | 10   |
 * | 3     | vy · 6.667 / 50                            | −10   | 10   |
 * | 4     | angle (rad)                                | −2π   | 2π   |
 * | 5     | 20 · ω / 50                                | −10   | 10   |
 * | 6, 7  | leg 0 / leg 1 touches the ground (1 or 0)  | 0     | 1    |
 *
 * ## Reward
 *
 * With s the float64 observation before its float32 cast,
 *
 *     shaping = −100·√(s0² + s1²) − 100·√(s2² + s3²) − 100·|s4| + 10·s6 + 10·s7
 *     reward  = shaping − previous shaping − 0.3·main power − 0.03·side power
 *
 * (the first step after reset has no previous shaping). A crash (the lander body touches the
 * ground) or leaving the screen (|s0| ≥ 1) ends the episode with reward −100; coming to rest
 * (the Box2D island falls asleep) ends it with reward +100, and that check comes last.
 *
 * ## Start state and randomness
 *
 * Each reset builds a new world: 12 chunk heights U(0, H/2) (entries 3..7 set to the pad
 * height H/4, then smoothed with 0.33·(h[i−1] + h[i] + h[i+1])), then a random force
 * (U(±1000), U(±1000)) on the lander, then (with wind) the wind and torque phases
 * U{−9999..9998}. Every step draws two engine dispersions U(−1, 1)/30, fired or not. All
 * draws come from a {@link DrawSource} (this toolkit's `Rng` by default; Gymnasium's recorded
 * draws for a replay, see {@link LunarLanderEnv.setDrawSource}). `reset()` ends with one
 * no-op step whose observation it returns.
 *
 * ## Options
 *
 * `continuous` (false), `gravity` (−10, in (−12, 0)), `enableWind` (false), `windPower`
 * (15; Gymnasium warns outside [0, 20]), `turbulencePower` (1.5; warns outside [0, 2]).
 * With wind, while neither leg touches the ground, each step first applies the force
 * tanh(sin(0.02·k) + sin(π·0.01·k))·windPower along x and the torque of the same form with
 * turbulencePower, k counting up from the reset's phase.
 *
 * ## Episode end
 *
 * Terminated as above; `LunarLander-v3` and `LunarLanderContinuous-v3` are registered with a
 * time limit of 1000 steps and a reward threshold of 200.
 *
 * ## Agreement with Gymnasium
 *
 * The Python side's arithmetic (engine geometry, observation, shaping) is float64 here too
 * and every value handed to the engine is rounded to float32 as pybox2d does; the engine
 * itself is planck (Box2D 2.3's algorithms) with Box2D 2.3.0's float32 solvers installed
 * (islands, contacts, joints, integration, sleep, glibc's `sinf`/`cosf`; see `common.ts`), as
 * Gymnasium runs Box2D 2.3.0 in float32, together with float32 collision manifolds and time of
 * impact. On the recorded episodes every observation and reward is Gymnasium's bit for bit
 * (see `deno task replay`).
 * A continuous action is used at the precision it is given
 * (Gymnasium converts it to float64), so a `Float64Array` is accepted as well.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LunarLanderEnv } from "./lunar_lander.ts";
 * const env = await LunarLanderEnv.create();
 * const { observation } = env.reset({ seed: 1 });
 * assert.equal(observation.length, 8);
 * const step = env.step(2);
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
import { lunarLanderFrame } from "./frames.ts";
import type { Frame } from "../render.ts";
import { loadPlanck, type PlanckBody, type PlanckModule, type PlanckWorld } from "./planck.ts";
import { type BoxSpace, type DiscreteSpace, preview } from "../spaces.ts";
import type { Action, FastStepEnv, StepResult } from "../types.ts";

const MAIN_ENGINE_POWER = 13.0;
const SIDE_ENGINE_POWER = 0.6;
const INITIAL_RANDOM = 1000.0;
const LANDER_POLY: readonly (readonly [number, number])[] = [
  [-14, 17],
  [-17, 0],
  [-17, -10],
  [17, -10],
  [17, 0],
  [14, 17],
];
const LEG_AWAY = 20;
const LEG_DOWN = 18;
const LEG_W = 2;
const LEG_H = 8;
const LEG_SPRING_TORQUE = 40;
const SIDE_ENGINE_HEIGHT = 14;
const SIDE_ENGINE_AWAY = 12;
const CHUNKS = 11;
const W = VIEWPORT_W / SCALE;
const H = VIEWPORT_H / SCALE;

/** Constructor options (Gymnasium's keyword arguments, in camelCase). */
export interface LunarLanderOptions {
  /** Box(2) actions instead of Discrete(4) (default false). */
  continuous?: boolean;
  /** Gravity along y, in (−12, 0) (default −10). */
  gravity?: number;
  /** Apply wind and turbulence while airborne (default false). */
  enableWind?: boolean;
  /** Peak wind force (default 15). */
  windPower?: number;
  /** Peak turbulence torque (default 1.5). */
  turbulencePower?: number;
}

const OptionsSchema = z.object({
  continuous: z.boolean().optional(),
  gravity: z.number().optional(),
  enableWind: z.boolean().optional(),
  windPower: z.number().optional(),
  turbulencePower: z.number().optional(),
}).strict();

/** LunarLander-v3 / LunarLanderContinuous-v3 (see the module documentation). */
export class LunarLanderEnv extends Box2DEnvBase implements FastStepEnv {
  /** The id this instance answers to. */
  readonly id: string;
  /** Box(8) float32. */
  readonly observationSpace: BoxSpace = {
    type: "box",
    low: [-2.5, -2.5, -10, -10, -f32(2 * Math.PI), -10, -0, -0],
    high: [2.5, 2.5, 10, 10, f32(2 * Math.PI), 10, 1, 1],
    shape: [8],
    dtype: "float32",
  };
  /** Discrete(4), or Box(2) in [−1, 1] with `continuous`. */
  readonly actionSpace: DiscreteSpace | BoxSpace;
  /** Whether actions are continuous. */
  readonly continuous: boolean;
  /** Gravity along y. */
  readonly gravity: number;
  /** Whether wind is on. */
  readonly enableWind: boolean;
  /** Peak wind force. */
  readonly windPower: number;
  /** Peak turbulence torque. */
  readonly turbulencePower: number;

  #lander: PlanckBody | null = null;
  #legs: PlanckBody[] = [];
  #prevShaping: number | null = null;
  #helipadY = H / 4;
  #windIdx = 0;
  #torqueIdx = 0;
  #terrain: number[][] = [];
  readonly #point = { x: 0, y: 0 };
  readonly #impulse = { x: 0, y: 0 };
  /** Main and signed side engine power of the last step (for {@link LunarLanderEnv.renderFrame}). */
  readonly #engines = new Float64Array(2);

  /**
   * Creates the environment with a loaded planck module (see {@link LunarLanderEnv.create}).
   * @throws TypeError for unknown or mistyped options, RangeError for gravity outside (−12, 0).
   */
  constructor(planck: PlanckModule, options: LunarLanderOptions = {}) {
    super(planck, 8);
    const name = options?.continuous ? "LunarLanderContinuous-v3" : "LunarLander-v3";
    const o = parseBox2DOptions(name, OptionsSchema, options);
    this.continuous = o.continuous ?? false;
    this.id = this.continuous ? "LunarLanderContinuous-v3" : "LunarLander-v3";
    this.gravity = o.gravity ?? -10.0;
    this.enableWind = o.enableWind ?? false;
    this.windPower = o.windPower ?? 15.0;
    this.turbulencePower = o.turbulencePower ?? 1.5;
    if (!(this.gravity > -12.0 && this.gravity < 0.0)) {
      throw new RangeError(`${this.id}: options.gravity must be in (-12, 0), got ${this.gravity}`);
    }
    if (this.windPower > 20.0 || this.windPower < 0.0) {
      console.warn(`${this.id}: windPower ${this.windPower} is outside the suggested [0, 20]`);
    }
    if (this.turbulencePower > 2.0 || this.turbulencePower < 0.0) {
      console.warn(
        `${this.id}: turbulencePower ${this.turbulencePower} is outside the suggested [0, 2]`,
      );
    }
    this.actionSpace = this.continuous
      ? { type: "box", low: [-1, -1], high: [1, 1], shape: [2], dtype: "float32" }
      : { type: "discrete", n: 4 };
  }

  /** Loads planck (once per process) and creates the environment. */
  static async create(options: LunarLanderOptions = {}): Promise<LunarLanderEnv> {
    return new LunarLanderEnv(await loadPlanck(), options);
  }

  /** Advances one step (see the module documentation for the action). */
  step(action: Action): StepResult {
    return this.stepResult(this.#checkAction(action));
  }

  /** The terrain polyline of this episode: 11 points [x, y] (float64, before rounding). */
  get terrain(): number[][] {
    return this.#terrain.map((p) => [...p]);
  }

  /** The lander body (for tests that inspect mass, inertia or position). */
  get landerBody(): PlanckBody | null {
    return this.#lander;
  }

  /** A one-line summary of the lander's state. */
  render(): string {
    const s = this.state;
    return `${this.id} x=${s[0].toFixed(3)} y=${s[1].toFixed(3)} vx=${s[2].toFixed(3)} ` +
      `vy=${s[3].toFixed(3)} angle=${s[4].toFixed(3)} legs=${s[6]}${s[7]}`;
  }

  /** A picture of the lander, terrain, flags and the flames of the last step (`frames.ts`). */
  renderFrame(): Frame {
    return lunarLanderFrame(
      this.bodies(),
      this.#terrain,
      this.#engines[0],
      this.#engines[1],
      this.contactFlags?.touching,
    );
  }

  /** Drops the world. */
  override close(): void {
    super.close();
    this.#lander = null;
    this.#legs = [];
  }

  /** The world's gravity: the `gravity` option. */
  protected worldGravity(): number {
    return this.gravity;
  }

  /** Decodes the action into engine powers and runs one Gymnasium step. */
  protected advance(action: number | ArrayLike<number> | null): number {
    let mainPower = 0;
    let sidePower = 0;
    let direction = 0;
    if (action === null) {
      // reset's idle step
    } else if (this.continuous) {
      if (typeof action === "number") throw new TypeError(`${this.id}.step: need 2 numbers`);
      const main = clip(action[0], -1, 1);
      const lateral = clip(action[1], -1, 1);
      if (main > 0.0) mainPower = (clip(main, 0.0, 1.0) + 1.0) * 0.5;
      if (Math.abs(lateral) > 0.5) {
        direction = Math.sign(lateral);
        sidePower = clip(Math.abs(lateral), 0.5, 1.0);
      }
    } else {
      const a = typeof action === "number" ? action : action[0];
      if (!(a === 0 || a === 1 || a === 2 || a === 3)) {
        throw new TypeError(`${this.id}.step: action must be 0, 1, 2 or 3, got ${a}`);
      }
      if (a === 2) mainPower = 1.0;
      if (a === 1 || a === 3) {
        direction = a - 2;
        sidePower = 1.0;
      }
    }
    return this.#fire(mainPower, sidePower, direction);
  }

  #checkAction(action: Action): number | ArrayLike<number> {
    if (this.continuous) {
      if (
        action === null || typeof action !== "object" || action.length !== 2 ||
        typeof action[0] !== "number" || typeof action[1] !== "number"
      ) {
        throw new TypeError(
          `${this.id}.step: action must be a Float32Array of 2 numbers, got ${preview(action)}`,
        );
      }
      // The values are used as they are: Gymnasium converts the action to float64 before
      // clipping, so a float64 action (e.g. its heuristic's) must not be rounded to float32.
      return action;
    }
    if (typeof action !== "number") {
      throw new TypeError(`${this.id}.step: action must be 0, 1, 2 or 3, got ${preview(action)}`);
    }
    return action;
  }

  /** Gymnasium's reset, up to (not including) its final no-op step. */
  protected build(world: PlanckWorld): void {
    const planck = this.planck;
    const draws = this.draws;
    this.#prevShaping = null;

    // Terrain: 12 heights, the pad flattened, smoothed with 0.33 (h[-1] is h[11]).
    const height: number[] = [];
    for (let i = 0; i <= CHUNKS; i++) height.push(draws.uniform(0, H / 2));
    const chunkX: number[] = [];
    for (let i = 0; i < CHUNKS; i++) chunkX.push((W / (CHUNKS - 1)) * i);
    const helipadY = H / 4;
    this.#helipadY = helipadY;
    for (let k = -2; k <= 2; k++) height[Math.floor(CHUNKS / 2) + k] = helipadY;
    const smooth: number[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const prev = height[(i - 1 + height.length) % height.length];
      smooth.push(0.33 * (prev + height[i] + height[i + 1]));
    }
    this.#terrain = chunkX.map((x, i) => [x, smooth[i]]);
    const moon = world.createBody({ type: "static" });
    moon.createFixture(new planck.Edge(vec(0, 0), vec(W, 0)), { density: 0, friction: 0.2 });
    for (let i = 0; i < CHUNKS - 1; i++) {
      moon.createFixture(
        new planck.Edge(vec(chunkX[i], smooth[i]), vec(chunkX[i + 1], smooth[i + 1])),
        { density: 0, friction: 0.1 },
      );
    }

    // Lander, its random push, the wind phases, then the legs.
    const initialX = VIEWPORT_W / SCALE / 2;
    const initialY = VIEWPORT_H / SCALE;
    const lander = world.createBody({
      type: "dynamic",
      position: vec(initialX, initialY),
      angle: 0.0,
    });
    lander.createFixture(polygon(planck, LANDER_POLY.map(([x, y]) => [x / SCALE, y / SCALE])), {
      density: 5.0,
      friction: 0.1,
      restitution: 0.0,
      filterCategoryBits: 0x0010,
      filterMaskBits: 0x001,
    });
    const fx = draws.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
    const fy = draws.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
    lander.applyForceToCenter(vec(fx, fy), true);
    if (this.enableWind) {
      this.#windIdx = draws.integers(-9999, 9999);
      this.#torqueIdx = draws.integers(-9999, 9999);
    }
    const legs: PlanckBody[] = [];
    for (const i of [-1, 1]) {
      const leg = world.createBody({
        type: "dynamic",
        position: vec(initialX - (i * LEG_AWAY) / SCALE, initialY),
        angle: f32(i * 0.05),
      });
      leg.createFixture(box(planck, LEG_W / SCALE, LEG_H / SCALE), {
        density: 1.0,
        restitution: 0.0,
        friction: 0.2,
        filterCategoryBits: 0x0020,
        filterMaskBits: 0x001,
      });
      revoluteJoint(planck, world, lander, leg, {
        localAnchorA: [0, 0],
        localAnchorB: [(i * LEG_AWAY) / SCALE, LEG_DOWN / SCALE],
        limits: i === -1 ? [0.9 - 0.5, 0.9] : [-0.9, -0.9 + 0.5],
        maxMotorTorque: LEG_SPRING_TORQUE,
        motorSpeed: 0.3 * i,
      });
      legs.push(leg);
    }
    this.#lander = lander;
    this.#legs = legs;
    this.tracked = [lander, ...legs];
    this.contactFlags!.bind(lander, legs);
  }

  /** One Gymnasium step with the decoded engine powers; fills state, returns the reward. */
  #fire(mainPower: number, sidePower: number, direction: number): number {
    const lander = this.#lander!;
    const contacts = this.contactFlags!;
    const draws = this.draws;
    this.#engines[0] = mainPower;
    this.#engines[1] = sidePower * direction;

    if (this.enableWind && !(contacts.touching[0] || contacts.touching[1])) {
      const k = this.#windIdx;
      const windMag = Math.tanh(Math.sin(0.02 * k) + Math.sin(Math.PI * 0.01 * k)) *
        this.windPower;
      this.#windIdx = k + 1;
      this.#impulse.x = f32(windMag);
      this.#impulse.y = 0;
      lander.applyForceToCenter(this.#impulse, true);
      const j = this.#torqueIdx;
      const torqueMag = Math.tanh(Math.sin(0.02 * j) + Math.sin(Math.PI * 0.01 * j)) *
        this.turbulencePower;
      this.#torqueIdx = j + 1;
      lander.applyTorque(f32(torqueMag), true);
    }

    const angle = lander.getAngle();
    const tipX = Math.sin(angle);
    const tipY = Math.cos(angle);
    const sideX = -tipY;
    const sideY = tipX;
    const d0 = draws.uniform(-1.0, 1.0) / SCALE;
    const d1 = draws.uniform(-1.0, 1.0) / SCALE;
    const pos = lander.getPosition();
    const px = pos.x;
    const py = pos.y;
    const impulse = this.#impulse;
    const point = this.#point;

    if (mainPower > 0) {
      const ox = tipX * (4 / SCALE + 2 * d0) + sideX * d1;
      const oy = -tipY * (4 / SCALE + 2 * d0) - sideY * d1;
      point.x = f32(px + ox);
      point.y = f32(py + oy);
      impulse.x = f32(-ox * MAIN_ENGINE_POWER * mainPower);
      impulse.y = f32(-oy * MAIN_ENGINE_POWER * mainPower);
      lander.applyLinearImpulse(impulse, point, true);
    }
    if (sidePower > 0) {
      const k = 3 * d1 + direction * (SIDE_ENGINE_AWAY / SCALE);
      const ox = tipX * d0 + sideX * k;
      const oy = -tipY * d0 - sideY * k;
      point.x = f32(px + ox - (tipX * 17) / SCALE);
      point.y = f32(py + oy + (tipY * SIDE_ENGINE_HEIGHT) / SCALE);
      impulse.x = f32(-ox * SIDE_ENGINE_POWER * sidePower);
      impulse.y = f32(-oy * SIDE_ENGINE_POWER * sidePower);
      lander.applyLinearImpulse(impulse, point, true);
    }

    stepWorld(this.world!);

    const p = lander.getPosition();
    const v = lander.getLinearVelocity();
    const s = this.state;
    s[0] = (p.x - VIEWPORT_W / SCALE / 2) / (VIEWPORT_W / SCALE / 2);
    s[1] = (p.y - (this.#helipadY + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2);
    s[2] = (v.x * (VIEWPORT_W / SCALE / 2)) / FPS;
    s[3] = (v.y * (VIEWPORT_H / SCALE / 2)) / FPS;
    s[4] = lander.getAngle();
    s[5] = (20.0 * lander.getAngularVelocity()) / FPS;
    s[6] = contacts.touching[0] ? 1.0 : 0.0;
    s[7] = contacts.touching[1] ? 1.0 : 0.0;

    const shaping = -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1]) -
      100 * Math.sqrt(s[2] * s[2] + s[3] * s[3]) - 100 * Math.abs(s[4]) + 10 * s[6] +
      10 * s[7];
    let reward = 0;
    if (this.#prevShaping !== null) reward = shaping - this.#prevShaping;
    this.#prevShaping = shaping;
    reward -= mainPower * 0.3;
    reward -= sidePower * 0.03;

    let done = false;
    if (contacts.gameOver || Math.abs(s[0]) >= 1.0) {
      done = true;
      reward = -100;
    }
    if (!lander.isAwake()) {
      done = true;
      reward = +100;
    }
    this.done = done;
    return reward;
  }
}

function clip(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}
