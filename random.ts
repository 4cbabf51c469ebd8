/**
 * The toolkit's one pseudo-random number generator, shared by `envs/` and `nn/`.
 *
 * Algorithm: **xoshiro128\*\*** (Blackman & Vigna, 2018), a 128-bit-state generator built
 * from 32-bit operations only, so it runs at full speed in JavaScript without BigInt.
 * Seeds are expanded into the four state words with **splitmix32**, so nearby seeds give
 * unrelated streams. Normal deviates use the Box–Muller transform; the second deviate of
 * each pair is cached and is part of the saved state, so a restored generator continues
 * exactly where the saved one stopped.
 *
 * Same seed, same stream, bit for bit, on every platform: every step is integer
 * arithmetic or IEEE double arithmetic on exactly representable values, except
 * `Math.log`, `Math.cos`, `Math.sin` and `Math.sqrt` in {@link Rng.normal}, which V8
 * computes with its own portable implementations.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./random.ts";
 * const a = new Rng(42);
 * const b = new Rng(42);
 * assert.equal(a.uniform(), b.uniform());
 * const saved = a.getState();
 * const x = a.normal();
 * a.setState(saved);
 * assert.equal(a.normal(), x);
 * ```
 * @module
 */

/** A generator's complete state as JSON-serialisable data. */
export interface RngState {
  /** The algorithm name, checked on restore. */
  algorithm: "xoshiro128**";
  /** The four 32-bit state words. */
  s: [number, number, number, number];
  /** The cached second Box–Muller deviate, or `null`. */
  spareNormal: number | null;
}

const TWO_POW_M53 = 2 ** -53;

/** One step of splitmix32: returns the next output and advances `state[0]`. */
function splitmix32(state: Uint32Array): number {
  state[0] = (state[0] + 0x9e3779b9) >>> 0;
  let z = state[0];
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Throws unless `seed` is a safe integer (seeds are integers, like Gymnasium's). */
export function assertSeed(seed: unknown, where = "seed"): asserts seed is number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new RangeError(`${where} must be a safe integer, got ${String(seed)}`);
  }
}

/**
 * Seedable xoshiro128** generator with uniform, integer, normal and categorical draws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./random.ts";
 *
 * const rng = new Rng(42);
 * const state = rng.getState();
 * const draws = [rng.uniform(), rng.integer(6), rng.normal()];
 * rng.setState(state);
 * assert.deepEqual([rng.uniform(), rng.integer(6), rng.normal()], draws);
 * assert.ok(draws[1] >= 0 && draws[1] < 6);
 * ```
 */
export class Rng {
  readonly #s = new Uint32Array(4);
  #spare: number | null = null;

  /** Creates a generator from an integer seed (any safe integer, negative allowed). */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Re-seeds in place: the stream restarts as for `new Rng(seed)`. */
  seed(seed: number): void {
    assertSeed(seed);
    const hi = Math.floor(seed / 2 ** 32);
    const sm = new Uint32Array([(seed >>> 0) ^ Math.imul(hi >>> 0, 0x27d4eb2d)]);
    for (let i = 0; i < 4; i++) this.#s[i] = splitmix32(sm);
    if ((this.#s[0] | this.#s[1] | this.#s[2] | this.#s[3]) === 0) this.#s[0] = 1;
    this.#spare = null;
  }

  /** Creates a generator from a saved state. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** Returns a copy of the complete state (JSON-serialisable). */
  getState(): RngState {
    const s = this.#s;
    return { algorithm: "xoshiro128**", s: [s[0], s[1], s[2], s[3]], spareNormal: this.#spare };
  }

  /** Restores a state produced by {@link Rng.getState}. */
  setState(state: RngState): void {
    const ok = state !== null && typeof state === "object" &&
      state.algorithm === "xoshiro128**" && Array.isArray(state.s) && state.s.length === 4 &&
      state.s.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32) &&
      (state.spareNormal === null || Number.isFinite(state.spareNormal));
    if (!ok) throw new TypeError(`invalid RngState: ${JSON.stringify(state)}`);
    if (state.s.every((w) => w === 0)) throw new TypeError("invalid RngState: all-zero state");
    this.#s.set(state.s);
    this.#spare = state.spareNormal;
  }

  /** Next raw 32-bit output, an integer in [0, 2³²). */
  nextUint32(): number {
    const s = this.#s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Uniform double in [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  integer(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) {
      throw new RangeError(`integer(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    // Lemire-free rejection: accept values below the largest multiple of n.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Standard normal deviate N(0, 1) by the Box–Muller transform. */
  normal(): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return z;
    }
    // u1 in (0, 1] so that log(u1) is finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.#spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Index drawn from the categorical distribution with (unnormalised, non-negative)
   * weights `probs[offset .. offset+length)`; returns an index in [0, length).
   */
  categorical(probs: ArrayLike<number>, offset = 0, length = probs.length - offset): number {
    let total = 0;
    for (let i = 0; i < length; i++) total += probs[offset + i];
    if (!(total > 0) || !Number.isFinite(total)) {
      throw new RangeError(`categorical weights must have a positive finite sum, got ${total}`);
    }
    const u = this.uniform() * total;
    let acc = 0;
    for (let i = 0; i < length; i++) {
      acc += probs[offset + i];
      if (u < acc) return i;
    }
    // Rounding: fall back to the last index with positive weight.
    for (let i = length - 1; i >= 0; i--) if (probs[offset + i] > 0) return i;
    return length - 1;
  }

  /** Fisher–Yates shuffle of `array` in place; returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A new generator seeded from this one's stream (for independent sub-streams). */
  spawn(): Rng {
    return new Rng(this.nextUint32() * 2 ** 21 + (this.nextUint32() >>> 11));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
