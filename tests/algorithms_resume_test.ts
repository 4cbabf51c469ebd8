import assert from "node:assert/strict";
import "./algorithms_toy_envs.ts";
import { referenceForward } from "../policies/reference_forward.ts";
import {
  type AlgorithmName,
  ConfigError,
  createAgent,
  loadAgent,
  NonFiniteError,
  parseConfig,
  PPO,
  resolveConfig,
} from "../algorithms/mod.ts";
import { CheckpointError } from "../policies/checkpoint.ts";

function flat(agent: { policy: { parameters(): { data: Float32Array }[] } }): Uint32Array {
  const parts = agent.policy.parameters().map((p) => new Uint32Array(p.data.slice().buffer));
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const cases: [AlgorithmName, string, Record<string, unknown>][] = [
  ["ppo", "CartPole-v1", { numEnvs: 2, numSteps: 64, updateEpochs: 2, numMinibatches: 2 }],
  ["ppo-kl", "Pendulum-v1", {
    numEnvs: 2,
    numSteps: 64,
    updateEpochs: 2,
    normalizeObservation: true,
    normalizeReward: true,
  }],
  ["reinforce-baseline", "CartPole-v1", { numEnvs: 2, episodesPerUpdate: 3 }],
  ["trpo", "Pendulum-v1", { numEnvs: 2, numSteps: 64, vfIters: 2 }],
  ["a2c", "CartPole-v1", { numEnvs: 4, numSteps: 5 }],
  // RMSprop's mean squares are checkpointed too
  ["a2c", "Pendulum-v1", { numEnvs: 4, numSteps: 8, optimizer: "rmsprop" }],
  ["vpg", "Acrobot-v1", { numEnvs: 2, numSteps: 100, vfIters: 3 }],
  ["reinforce", "Pendulum-v1", { numEnvs: 2, episodesPerUpdate: 1 }],
  ["ppo", "TestMultiBandit-v0", { numEnvs: 2, numSteps: 64, updateEpochs: 2, numMinibatches: 2 }],
  ["trpo", "TestMultiBinary-v0", { numEnvs: 2, numSteps: 64, vfIters: 2 }],
  ["trpo", "TestChain-v0", { numEnvs: 2, numSteps: 64, vfIters: 2 }],
];

for (const [algo, env, extra] of cases) {
  Deno.test(`${algo} on ${env}: resuming from a checkpoint is bit-exact`, async () => {
    const config = { env, seed: 7, hiddenSizes: [16, 16], ...extra };
    const total = 1200;
    const a = createAgent(algo, config);
    await a.learn({ totalTimesteps: total });
    const dir = await Deno.makeTempDir();
    try {
      const b = createAgent(algo, config);
      // Interrupted at the first update past 600 steps (as a killed run): same schedule.
      await b.learn({
        totalTimesteps: total,
        checkpointDir: dir,
        checkpointEvery: 300,
        callbacks: { onUpdateEnd: (m) => m.timesteps < 600 },
      });
      assert.ok(b.timesteps < total);
      const c = await loadAgent(dir);
      assert.equal(c.timesteps, b.timesteps);
      await c.learn({ totalTimesteps: total - c.timesteps });
      assert.equal(c.timesteps, a.timesteps);
      assert.deepEqual(flat(c), flat(a), "parameters differ from the uninterrupted run");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("checkpointEvery writes periodic checkpoints; the last good one survives a NaN", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const agent = new PPO({
      env: "CartPole-v1",
      numEnvs: 2,
      numSteps: 32,
      hiddenSizes: [8],
      seed: 1,
    });
    let saved = 0;
    await agent.learn({
      totalTimesteps: 256,
      checkpointDir: dir,
      checkpointEvery: 64,
      callbacks: { onUpdateEnd: () => void saved++ },
    });
    const before = (await Deno.stat(`${dir}/checkpoint.safetensors`)).mtime;
    // Poison a parameter after a rollout: the update must stop, naming loss and tensor.
    await assert.rejects(
      () =>
        agent.learn({
          totalTimesteps: 512,
          checkpointDir: dir,
          checkpointEvery: 64,
          callbacks: {
            onRolloutEnd: () => void (agent.policy.actor.layers[0].weight.data[0] = NaN),
          },
        }),
      (e: Error) =>
        e instanceof NonFiniteError && /update 5/.test(e.message) &&
        /PPO loss/.test(e.message) && /actor\.0\.weight/.test(e.message),
    );
    const after = (await Deno.stat(`${dir}/checkpoint.safetensors`)).mtime;
    assert.deepEqual(after, before, "the last good checkpoint must be kept");
    const restored = await loadAgent(dir);
    assert.equal(restored.timesteps, 256);
    assert.ok(restored.policy.parameters().every((p) => p.data.every(Number.isFinite)));
    assert.equal(saved, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a callback returning false stops training", async () => {
  const agent = new PPO({ env: "CartPole-v1", numEnvs: 2, numSteps: 16, hiddenSizes: [8] });
  let updates = 0;
  await agent.learn({
    totalTimesteps: 10_000,
    callbacks: { onUpdateEnd: (m) => (updates = m.update) < 3 },
  });
  assert.equal(updates, 3);
  assert.equal(agent.timesteps, 3 * 32);
  let episodes = 0;
  await agent.learn({
    totalTimesteps: 10_000,
    callbacks: { onEpisodeEnd: () => ++episodes < 2 },
  });
  assert.equal(episodes, 2);
});

Deno.test("config validation names the field path and the value", () => {
  assert.throws(
    () => parseConfig("ppo", { env: "CartPole-v1", clipCoef: -0.2 }),
    (e: Error) =>
      e instanceof ConfigError && /ppo\.clipCoef/.test(e.message) &&
      /got -0\.2/.test(e.message),
  );
  assert.throws(
    () => parseConfig("trpo", { env: "CartPole-v1", maxKl: "big" }),
    /trpo\.maxKl: .*got "big"/,
  );
  assert.throws(
    () => parseConfig("a2c", { env: "CartPole-v1", learningrate: 1 }),
    /a2c\.learningrate: .*got 1/,
  );
  assert.throws(() => resolveConfig("ppo", "CartPole-v1", "nope"), /unknown preset/);
  assert.throws(() => createAgent("dqn" as AlgorithmName, { env: "x" }), /unknown algorithm/);
});

Deno.test("the cleanrl preset is CleanRL ppo.py's defaults", () => {
  const c = resolveConfig("ppo", "CartPole-v1", "cleanrl");
  assert.deepEqual(
    [c.numEnvs, c.numSteps, c.updateEpochs, c.numMinibatches, c.learningRate, c.adamEps],
    [4, 128, 4, 4, 2.5e-4, 1e-5],
  );
  assert.deepEqual(
    [c.gamma, c.gaeLambda, c.clipCoef, c.entCoef, c.vfCoef, c.maxGradNorm, c.annealLr],
    [0.99, 0.95, 0.2, 0.01, 0.5, 0.5, true],
  );
  assert.equal(c.clipVloss, true);
  assert.deepEqual(c.hiddenSizes, [64, 64]);
  assert.equal(c.activation, "tanh");
});

Deno.test("toPolicySpec carries obsNorm and matches predict (deterministic)", async () => {
  const agent = createAgent("ppo", {
    env: "Pendulum-v1",
    numEnvs: 2,
    numSteps: 32,
    hiddenSizes: [8],
    normalizeObservation: true,
  });
  await agent.learn({ totalTimesteps: 128 });
  const spec = agent.toPolicySpec();
  assert.ok(spec.obsNorm && spec.logStd && spec.critic);
  assert.equal(spec.provenance.algorithm, "ppo");
  assert.equal(spec.provenance.timesteps, 128);
  const obs = [0.3, -0.9, 1.7];
  const a = agent.predict(obs, { deterministic: true }) as Float32Array;
  const ref = referenceForward(spec, obs, 1);
  assert.ok(Math.abs(a[0] - ref.actions[0]) < 1e-4, `${a[0]} vs ${ref.actions[0]}`);
});

Deno.test("learn twice trains N more steps (SB3's convention); resetNumTimesteps counts from zero", async () => {
  const agent = new PPO({ env: "CartPole-v1", numEnvs: 2, numSteps: 16, hiddenSizes: [8] });
  await agent.learn({ totalTimesteps: 64 });
  assert.equal(agent.timesteps, 64);
  await agent.learn({ totalTimesteps: 64 });
  assert.equal(agent.timesteps, 128, "a second learn of the same length must train again");
  const updates = agent.updates;
  await agent.learn({ totalTimesteps: 32, resetNumTimesteps: true });
  assert.equal(agent.timesteps, 32);
  assert.equal(agent.updates, 1);
  assert.ok(updates > agent.updates);
});

Deno.test("PPO.load on another algorithm's checkpoint names it and points at loadAgent", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const algo of ["trpo", "a2c"] as const) {
      const other = createAgent(algo, { env: "CartPole-v1", hiddenSizes: [8], numEnvs: 2 });
      await other.learn({ totalTimesteps: 32 });
      await other.save(dir);
      await assert.rejects(
        () => PPO.load(dir),
        (e: Error) =>
          e instanceof CheckpointError &&
          new RegExp(`this is a ${algo} checkpoint.*loadAgent`).test(e.message),
      );
      assert.equal((await loadAgent(dir)).algo, algo);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
