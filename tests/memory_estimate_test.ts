/**
 * The memory estimate made before training allocates anything: ordinary runs pass, a huge
 * `numEnvs` or observation space is refused at once with the estimate and its largest
 * part.
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../algorithms/config.ts";
import { assertMemoryFits, estimateTrainingMemory } from "../algorithms/memory.ts";

const cartpole = {
  numEnvs: 8,
  rows: 8 * 128,
  minibatchRows: 256,
  obsDim: 4,
  actDim: 1,
  paramDim: 2,
  hiddenSizes: [64, 64],
  outputs: 2,
};

Deno.test("memory estimate: CartPole PPO is small; the parts add up", () => {
  const e = estimateTrainingMemory(cartpole);
  assert.equal(e.totalBytes, e.rolloutBytes + e.envBytes + e.networkBytes + e.activationBytes);
  assert.ok(e.totalBytes < 4 * 2 ** 20, `${e.totalBytes}`);
  assertMemoryFits("ppo", e, cartpole, 2 ** 30);
});

Deno.test("memory estimate: a huge numEnvs or observation space is refused with the estimate", () => {
  const huge = { ...cartpole, numEnvs: 10_000_000, rows: 10_000_000 * 128 };
  const t = performance.now();
  assert.throws(
    () => assertMemoryFits("ppo", estimateTrainingMemory(huge), huge, 4 * 2 ** 30),
    (e: Error) =>
      e instanceof ConfigError &&
      /\(memory\): training needs at least \d+\.\d\d GiB \(rollout buffer \(1280000000 rows × obs 4\): \d+\.\d\d GiB/
        .test(e.message) &&
      /more than the 4\.00 GiB this machine has available/.test(e.message),
  );
  const wide = { ...cartpole, obsDim: 50_000_000 };
  assert.throws(
    () => assertMemoryFits("ppo", estimateTrainingMemory(wide), wide, 4 * 2 ** 30),
    /training needs at least/,
  );
  assert.ok(performance.now() - t < 100, "refused before allocating");
});
