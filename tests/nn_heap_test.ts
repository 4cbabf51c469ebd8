// A PPO minibatch step must not allocate in proportion to the minibatch: its tape buffers
// come from a BufferPool and the objective is fused. Counted exactly by wrapping the global
// Float32Array constructor (fresh buffers and copies count; views of existing memory do not).
import assert from "node:assert/strict";
import { PPO } from "../algorithms/mod.ts";

/** Floats allocated as Float32Arrays while `fn` runs. */
async function floatsAllocated(fn: () => Promise<unknown>): Promise<number> {
  const Original = globalThis.Float32Array;
  let floats = 0;
  class Counting extends Original {
    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      // deno-lint-ignore no-explicit-any
      super(...(args as [any]));
      if (!(args[0] instanceof ArrayBuffer)) floats += this.length;
    }
  }
  globalThis.Float32Array = Counting as unknown as Float32ArrayConstructor;
  try {
    await fn();
  } finally {
    globalThis.Float32Array = Original;
  }
  return floats;
}

/** Floats allocated by the updates after a warm-up, with `numSteps × 4` rows per rollout. */
async function steadyStateFloats(numSteps: number): Promise<number> {
  const agent = new PPO({ env: "CartPole-v1", seed: 1, numEnvs: 4, numSteps, numMinibatches: 4 });
  const batch = 4 * numSteps;
  await agent.learn({ totalTimesteps: 2 * batch }); // warm-up: buffers and pools fill
  const floats = await floatsAllocated(() => agent.learn({ totalTimesteps: 3 * batch }));
  await agent.close();
  return floats;
}

Deno.test("PPO updates allocate no float buffers in proportion to the minibatch", async () => {
  const small = await steadyStateFloats(64); // minibatches of 64 rows
  const large = await steadyStateFloats(512); // minibatches of 512 rows
  // 3 updates × 4 epochs × 4 minibatches: per-row allocation would cost ≥ 48·448 floats more
  console.log(small, large);
  assert.ok(large - small < 4 * 512, `allocated ${small} floats at 64 rows, ${large} at 512`);
});
