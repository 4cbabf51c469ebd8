/**
 * Reusable float32 buffers for the tape: inside {@link BufferPool.run}, every op result and
 * every intermediate gradient takes its (zeroed) storage from the pool instead of a fresh
 * `Float32Array`. A `run` hands all buffers of the previous `run` back first, so a training
 * loop that repeats the same computation (one minibatch step after another) allocates
 * nothing after its first step.
 *
 * The contract: tensors created inside `run` (and their gradients) stay valid only until
 * the next `run` of the same pool starts. Read what you need (`item()`, copies) before.
 * Parameters are never pooled (their data and gradients are their own).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferPool, mul, sum, tensor } from "./mod.ts";
 * const pool = new BufferPool();
 * const step = () => sum(mul(tensor([1, 2], 1, 2), 3)).item();
 * assert.equal(pool.run(step), 9);
 * const warm = pool.allocatedFloats;
 * assert.equal(pool.run(step), 9);
 * assert.equal(pool.allocatedFloats, warm); // the second run reuses the first run's buffers
 * ```
 * @module
 */

let active: BufferPool | null = null;

/** Buffers by length, reused from one {@link BufferPool.run} to the next. */
export class BufferPool {
  #free = new Map<number, { buffers: Float32Array[]; used: number }>();
  #allocated = 0;

  /** Floats allocated by this pool so far (grows only while a new computation warms up). */
  get allocatedFloats(): number {
    return this.#allocated;
  }

  /**
   * Runs `fn` with this pool supplying tensor storage; buffers handed out by the previous
   * `run` are reused (their tensors must no longer be used). Returns `fn`'s result.
   */
  run<T>(fn: () => T): T {
    for (const slot of this.#free.values()) slot.used = 0;
    const prev = active;
    active = this;
    try {
      return fn();
    } finally {
      active = prev;
    }
  }

  /** A zeroed buffer of `n` floats. @internal */
  take(n: number): Float32Array {
    let slot = this.#free.get(n);
    if (slot === undefined) this.#free.set(n, slot = { buffers: [], used: 0 });
    if (slot.used < slot.buffers.length) {
      const buf = slot.buffers[slot.used++];
      buf.fill(0);
      return buf;
    }
    const buf = new Float32Array(n);
    this.#allocated += n;
    slot.buffers.push(buf);
    slot.used++;
    return buf;
  }
}

/** `n` zeroed floats: from the active pool inside {@link BufferPool.run}, else fresh. */
export function allocFloats(n: number): Float32Array {
  return active === null ? new Float32Array(n) : active.take(n);
}
