/**
 * An example plugin, `acme`, with one small discrete and one small continuous environment.
 * It imports nothing from the toolkit: a plugin is a plain object.
 *
 * **acme/Corridor-v0** (discrete). A corridor of `length` cells (default 7); the agent
 * starts in the middle and must walk to the goal end, left or right, drawn at each reset.
 * - Observation: box `[−1, 1]`, shape `[2]`: `[2·position / (length − 1) − 1, goal]` with
 *   `goal` = −1 (left end) or +1 (right end).
 * - Actions: discrete 2 — 0 steps left, 1 steps right. With probability `slip` (default 0)
 *   the move goes the other way.
 * - Reward: +1 on reaching the goal end, −1 on reaching the other end, −0.01 per other step.
 * - Episode end: terminated at either end; truncated after 50 steps. An untrained policy
 *   that ignores `goal` wins half the episodes; the best return is 0.98.
 *
 * **acme/Slope-v0** (continuous). A point on a line that should be driven to 0.
 * - Observation: box `[−1, 1]`, shape `[1]`: the position `x`.
 * - Action: box `[−1, 1]`, shape `[1]`: `x ← clip(x + 0.1·a, −1, 1)`.
 * - Reward: `−x² − 0.01·a²` after the move.
 * - Start: `x` uniform in `[−1, 1]` (seeded). Episode end: truncated after 50 steps.
 *   `create` is asynchronous, as a plugin wrapping a remote simulator would be.
 *
 * Both environments reseed their generator (mulberry32) on `reset({ seed })`.
 * @module
 */

interface BoxSpace {
  type: "box";
  low: number;
  high: number;
  shape: number[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Corridor {
  readonly observationSpace: BoxSpace = { type: "box", low: -1, high: 1, shape: [2] };
  readonly actionSpace = { type: "discrete", n: 2 } as const;
  #position = 0;
  #goal = 1;
  #random = mulberry32(0);

  constructor(readonly length: number, readonly slip: number) {
    if (!Number.isInteger(length) || length < 3) {
      throw new RangeError(`length must be an integer ≥ 3, got ${length}`);
    }
  }

  #observation(): Float32Array {
    return new Float32Array([(2 * this.#position) / (this.length - 1) - 1, this.#goal]);
  }

  reset(options: { seed?: number } = {}) {
    if (options.seed !== undefined) this.#random = mulberry32(options.seed);
    this.#position = Math.floor((this.length - 1) / 2);
    this.#goal = this.#random() < 0.5 ? -1 : 1;
    return { observation: this.#observation(), info: {} };
  }

  step(action: number) {
    let move = action === 1 ? 1 : -1;
    if (this.slip > 0 && this.#random() < this.slip) move = -move;
    this.#position = Math.min(this.length - 1, Math.max(0, this.#position + move));
    const atLeft = this.#position === 0;
    const atRight = this.#position === this.length - 1;
    const won = (atLeft && this.#goal === -1) || (atRight && this.#goal === 1);
    const lost = (atLeft || atRight) && !won;
    return {
      observation: this.#observation(),
      reward: won ? 1 : lost ? -1 : -0.01,
      terminated: won || lost,
      truncated: false,
      info: {},
    };
  }

  render(): string {
    const cells = Array.from(
      { length: this.length },
      (_, i): string => i === this.#position ? "A" : ".",
    );
    cells[this.#goal === 1 ? this.length - 1 : 0] = "G";
    return cells.join("");
  }

  /** A picture for replays and the dashboard (the frame format of `envs/render.ts`). */
  renderFrame() {
    const n = this.length;
    const shapes: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const isGoal = i === (this.#goal === 1 ? n - 1 : 0);
      shapes.push({
        type: "polygon",
        points: [i + 0.05, 0.05, i + 0.95, 0.05, i + 0.95, 0.95, i + 0.05, 0.95],
        fill: isGoal ? "#bbf7d0" : "#f3f4f6",
        stroke: "#9ca3af",
        width: 0.02,
      });
    }
    shapes.push({ type: "circle", x: this.#position + 0.5, y: 0.5, r: 0.3, fill: "#2563eb" });
    shapes.push({
      type: "text",
      x: n / 2,
      y: 1.2,
      text: "acme corridor",
      size: 0.25,
      anchor: "middle",
    });
    return { viewport: { xMin: 0, xMax: n, yMin: 0, yMax: 1.5 }, shapes, fps: 4 };
  }
}

class Slope {
  readonly observationSpace: BoxSpace = { type: "box", low: -1, high: 1, shape: [1] };
  readonly actionSpace: BoxSpace = { type: "box", low: -1, high: 1, shape: [1] };
  #x = 0;
  #random = mulberry32(0);

  reset(options: { seed?: number } = {}) {
    if (options.seed !== undefined) this.#random = mulberry32(options.seed);
    this.#x = 2 * this.#random() - 1;
    return { observation: new Float32Array([this.#x]), info: {} };
  }

  step(action: Float32Array) {
    const a = Math.min(1, Math.max(-1, action[0]));
    this.#x = Math.min(1, Math.max(-1, this.#x + 0.1 * a));
    return {
      observation: new Float32Array([this.#x]),
      reward: -this.#x * this.#x - 0.01 * a * a,
      terminated: false,
      truncated: false,
      info: {},
    };
  }
}

/** The plugin: a plain object, the module's default export. */
export default {
  name: "acme",
  version: "1.0.0",
  description: "Example plugin: a discrete corridor and a continuous slope",
  envs: [
    {
      id: "Corridor-v0",
      description: "walk to the goal end of a corridor (discrete actions)",
      maxEpisodeSteps: 50,
      rewardThreshold: 0.9,
      defaults: { length: 7, slip: 0 },
      create: (options: Record<string, unknown>) =>
        new Corridor(Number(options.length ?? 7), Number(options.slip ?? 0)),
    },
    {
      id: "Slope-v0",
      description: "drive a point on a line to 0 (continuous actions)",
      maxEpisodeSteps: 50,
      rewardThreshold: -1.5,
      create: () => Promise.resolve(new Slope()),
    },
  ],
};
