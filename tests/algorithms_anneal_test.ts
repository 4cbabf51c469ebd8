/**
 * Learning-rate annealing, `lr = lr₀ · (1 − (k − 1)/K)` at update k of K, for the
 * algorithms that offer it: the rate each update reports, and the default (constant).
 */
import assert from "node:assert/strict";
import { createAgent, resolveConfig, type UpdateMetrics } from "../algorithms/mod.ts";

async function rates(algo: "vpg" | "ppo" | "a2c", annealLr: boolean): Promise<number[]> {
  const config = resolveConfig(algo, "CartPole-v1", "none", {
    seed: 1,
    numEnvs: 2,
    numSteps: 16,
    learningRate: 1e-3,
    annealLr,
  });
  const agent = createAgent(algo, config);
  const seen: number[] = [];
  await agent.learn({
    totalTimesteps: 4 * 32,
    callbacks: { onUpdateEnd: (m: UpdateMetrics) => void seen.push(m.learningRate) },
  });
  await agent.close();
  return seen;
}

for (const algo of ["vpg", "ppo", "a2c"] as const) {
  Deno.test(`${algo}: annealLr decays the rate linearly over the updates; off, it stays`, async () => {
    const annealed = await rates(algo, true);
    assert.equal(annealed.length, 4);
    annealed.forEach((lr, k) =>
      assert.ok(Math.abs(lr - 1e-3 * (1 - k / 4)) < 1e-12, `${k}: ${lr}`)
    );
    assert.deepEqual(await rates(algo, false), [1e-3, 1e-3, 1e-3, 1e-3]);
  });
}
