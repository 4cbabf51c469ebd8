/**
 * Learning-rate annealing, `lr = lr₀ · (1 − (k − 1)/K)` at update k of K, for the
 * algorithms that offer it: the rate each update reports, and the default (constant);
 * REINFORCE counts steps instead of updates.
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

// REINFORCE's batches are whole episodes of varying length: its schedule counts steps,
// lr₀ · (1 − t/T) with t the steps done when the batch's collection began.
for (const algo of ["reinforce", "reinforce-baseline"] as const) {
  Deno.test(`${algo}: annealLr decays the rate with the steps done; off, it stays`, async () => {
    const run = async (annealLr: boolean) => {
      const config = resolveConfig(algo, "CartPole-v1", "none", {
        seed: 1,
        episodesPerUpdate: 2,
        learningRate: 1e-3,
        annealLr,
      });
      const agent = createAgent(algo, config);
      const seen: { lr: number; steps: number }[] = [];
      await agent.learn({
        totalTimesteps: 600,
        callbacks: {
          onUpdateEnd: (m: UpdateMetrics) =>
            void seen.push({ lr: m.learningRate, steps: m.timesteps }),
        },
      });
      await agent.close();
      return seen;
    };
    const annealed = await run(true);
    assert.ok(annealed.length >= 3, `${annealed.length} updates`);
    let start = 0;
    for (const { lr, steps } of annealed) {
      assert.ok(Math.abs(lr - 1e-3 * (1 - start / 600)) < 1e-12, `after ${start} steps: ${lr}`);
      start = steps;
    }
    assert.ok((await run(false)).every(({ lr }) => lr === 1e-3));
  });
}
