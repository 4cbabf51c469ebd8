import assert from "node:assert/strict";
import { BINARY_TARGET, CHAIN_KEY, MULTI_TARGET } from "./algorithms_toy_envs.ts";
import { ALGORITHMS, createAgent, evaluate } from "../algorithms/mod.ts";

// ASCENT_TEST_SEED varies the seed, to check that the tests do not hang on one lucky seed.
const small = { hiddenSizes: [16], seed: Number(Deno.env.get("ASCENT_TEST_SEED") ?? 3) };

/** Per-algorithm settings that make one update cheap on a one-step problem. */
function cfg(algo: string, env: string): { env: string } & Record<string, unknown> {
  const base = { env, ...small };
  switch (algo) {
    case "reinforce":
    case "reinforce-baseline":
      return { ...base, numEnvs: 4, episodesPerUpdate: 16, learningRate: 0.02, vfIters: 5 };
    case "a2c":
      return { ...base, numEnvs: 8, numSteps: 4, learningRate: 0.01, normalizeAdvantages: true };
    case "vpg":
      return { ...base, numEnvs: 4, numSteps: 16, learningRate: 0.02, vfIters: 5 };
    case "trpo":
      return { ...base, numEnvs: 4, numSteps: 16, vfIters: 5, maxKl: 0.05 };
    case "ppo-kl":
      return { ...base, numEnvs: 4, numSteps: 16, learningRate: 0.01, updateEpochs: 4 };
    default:
      return { ...base, numEnvs: 4, numSteps: 16, learningRate: 0.01, entCoef: 0 };
  }
}

for (const algo of ALGORITHMS) {
  Deno.test(`${algo} learns the right arm of a two-armed bandit`, async () => {
    const agent = createAgent(algo, cfg(algo, "TestBandit-v0"));
    await agent.learn({ totalTimesteps: 3000 });
    assert.equal(agent.predict([0.5], { deterministic: true }), 1);
    const { mean } = await evaluate(agent, "TestBandit-v0", { episodes: 3 });
    assert.equal(mean, 1);
  });

  Deno.test(`${algo} learns to walk right in a short corridor`, async () => {
    const agent = createAgent(algo, cfg(algo, "TestCorridor-v0"));
    await agent.learn({ totalTimesteps: 6000 });
    const { mean } = await evaluate(agent, "TestCorridor-v0", { episodes: 1 });
    assert.equal(mean, -3, `${algo}: deterministic return ${mean}, optimum −3`);
  });

  Deno.test(`${algo} learns a continuous action (Gaussian policy)`, async () => {
    const agent = createAgent(
      algo,
      { ...cfg(algo, "TestContinuousBandit-v0"), logStdInit: -0.5 },
    );
    await agent.learn({ totalTimesteps: 4000 });
    const a = agent.predict([0.5], { deterministic: true }) as Float32Array;
    assert.ok(Math.abs(a[0] - 0.5) < 0.25, `${algo}: mean action ${a[0]}, optimum 0.5`);
  });

  Deno.test(`${algo} learns a multi-discrete action (independent categoricals)`, async () => {
    const agent = createAgent(algo, cfg(algo, "TestMultiBandit-v0"));
    await agent.learn({ totalTimesteps: 3000 });
    const a = agent.predict([0.5], { deterministic: true }) as Int32Array;
    assert.ok(a instanceof Int32Array);
    assert.deepEqual([...a], MULTI_TARGET, `${algo}: mode ${a}, target ${MULTI_TARGET}`);
    const { mean } = await evaluate(agent, "TestMultiBandit-v0", { episodes: 2 });
    assert.equal(mean, 3);
  });

  Deno.test(`${algo} learns a multi-binary action`, async () => {
    const agent = createAgent(algo, cfg(algo, "TestMultiBinary-v0"));
    await agent.learn({ totalTimesteps: 3000 });
    const a = agent.predict([0.5], { deterministic: true }) as Int32Array;
    assert.deepEqual([...a], BINARY_TARGET, `${algo}: mode ${a}, target ${BINARY_TARGET}`);
  });

  Deno.test(`${algo} learns a chain with discrete (one-hot) observations`, async () => {
    const agent = createAgent(algo, cfg(algo, "TestChain-v0"));
    await agent.learn({ totalTimesteps: 8000 });
    for (let s = 0; s < 4; s++) {
      assert.equal(
        agent.predict([s], { deterministic: true }),
        CHAIN_KEY[s],
        `${algo}: state ${s}`,
      );
    }
    const { mean } = await evaluate(agent, "TestChain-v0", { episodes: 1 });
    assert.equal(mean, -4, `${algo}: deterministic return ${mean}, optimum −4`);
  });
}

Deno.test("evaluate works on a fresh agent that has not trained yet (it builds its networks)", async () => {
  const agent = createAgent("ppo", { env: "CartPole-v1", seed: 2 });
  const result = await evaluate(agent, "CartPole-v1", { episodes: 2 });
  assert.equal(result.returns.length, 2);
  assert.ok(result.mean >= 1, `an episode lasts at least one step, got ${result.mean}`);
  await agent.close();
});
