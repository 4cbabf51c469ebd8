/**
 * An example plugin, `busy`, whose environment is deliberately slow: every `step`
 * busy-waits `stepMicros` microseconds (default 50), standing in for an expensive
 * simulator. `bench/workers.ts` uses it to measure what stepping environments in several
 * Workers buys.
 *
 * **busy/Spin-v0**
 * - Observation: box `[−1, 1]`, shape `[4]`: `sin`/`cos` of the step count and phase.
 * - Actions: discrete 2; action 1 advances the phase.
 * - Reward: 1 per step. Episode end: terminated after `episodeLength` steps (default 100).
 * @module
 */

function spin(micros: number): void {
  const end = performance.now() + micros / 1000;
  while (performance.now() < end) { /* busy */ }
}

class Spin {
  readonly observationSpace = { type: "box", low: -1, high: 1, shape: [4] } as const;
  readonly actionSpace = { type: "discrete", n: 2 } as const;
  #t = 0;
  #phase = 0;

  constructor(readonly stepMicros: number, readonly episodeLength: number) {}

  #observation(): Float32Array {
    return new Float32Array([
      Math.sin(this.#t),
      Math.cos(this.#t),
      Math.sin(this.#phase),
      Math.cos(this.#phase),
    ]);
  }

  reset() {
    this.#t = 0;
    this.#phase = 0;
    return { observation: this.#observation(), info: {} };
  }

  step(action: number) {
    spin(this.stepMicros);
    this.#t++;
    if (action === 1) this.#phase += 0.1;
    return {
      observation: this.#observation(),
      reward: 1,
      terminated: this.#t >= this.episodeLength,
      truncated: false,
      info: {},
    };
  }
}

/** The plugin. */
export default {
  name: "busy",
  version: "1.0.0",
  description: "A deliberately slow environment for Worker benchmarks",
  envs: [{
    id: "Spin-v0",
    description: "each step busy-waits stepMicros (default 50 µs)",
    defaults: { stepMicros: 50, episodeLength: 100 },
    create: (o: Record<string, unknown>) =>
      new Spin(Number(o.stepMicros ?? 50), Number(o.episodeLength ?? 100)),
  }],
};
