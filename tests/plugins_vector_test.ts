/**
 * The Worker-based vector environment against the in-process `VectorEnv`: the same
 * actions must give bit-identical observations, rewards, flags, final observations and
 * finished episodes (same-step autoreset, time limits, seeding `seed + i`).
 * @module
 */
import assert from "node:assert/strict";
import { Registry } from "../envs/registry.ts";
import { makeVectorEnv, type VectorEnvLike, type VectorStepResult } from "../envs/vector.ts";
import "../envs/builtin.ts";
import { Rng } from "../random.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPlugin } from "../plugins/loader.ts";
import { EnvWorker, sandboxSupport } from "../plugins/sandbox/channel.ts";
import { WorkerVectorEnv } from "../plugins/worker_vector.ts";

const root = new URL("../", import.meta.url);
const acme = new URL("plugins/examples/acme.ts", root);
const broken = new URL("tests/fixtures/plugins/broken.ts", root);

function snapshot(r: VectorStepResult) {
  return {
    observations: Array.from(r.observations),
    rewards: Array.from(r.rewards),
    terminated: Array.from(r.terminated),
    truncated: Array.from(r.truncated),
    finalObservations: Array.from(r.finalObservations).map((v, i) => {
      const row = Math.floor(i / (r.finalObservations.length / r.rewards.length));
      return r.terminated[row] || r.truncated[row] ? v : 0;
    }),
    finished: [...r.finishedEpisodes].sort((a, b) => a.env - b.env),
  };
}

async function compare(
  a: VectorEnvLike,
  b: VectorEnvLike,
  steps: number,
  action: (rng: Rng, n: number) => Int32Array | Float32Array,
): Promise<number> {
  assert.deepEqual(Array.from(await a.reset(5)), Array.from(await b.reset(5)));
  const rng = new Rng(9);
  let episodes = 0;
  for (let t = 0; t < steps; t++) {
    const actions = action(rng, a.numEnvs);
    const ra = snapshot(await a.step(actions.slice()));
    const rb = snapshot(await b.step(actions.slice()));
    assert.deepEqual(ra, rb, `step ${t}`);
    episodes += ra.finished.length;
  }
  return episodes;
}

const discreteActions = (rng: Rng, n: number) => {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform() < 0.8 ? 1 : 0;
  return a;
};

Deno.test("WorkerVectorEnv matches VectorEnv on a plugin env (discrete, time limit)", async () => {
  const registry = new Registry();
  await loadPlugin(acme, { registry });
  const options = { envOptions: { length: 6, slip: 0.3 }, maxEpisodeSteps: 9 };
  const inProcess = await makeVectorEnv("acme/Corridor-v0", 5, { registry, ...options });
  const workers = await WorkerVectorEnv.create("acme/Corridor-v0", {
    registry,
    numEnvs: 5,
    numWorkers: 2,
    ...options,
  });
  try {
    assert.equal(workers.numWorkers, 2);
    assert.deepEqual(workers.singleActionSpace, inProcess.singleActionSpace);
    const episodes = await compare(inProcess, workers, 120, discreteActions);
    assert.ok(episodes > 20, `episodes ended: ${episodes}`);
  } finally {
    await workers.close();
    await inProcess.close();
  }
  assert.equal(EnvWorker.liveCount(), 0);
});

Deno.test("WorkerVectorEnv matches VectorEnv on a continuous plugin env and on CartPole", async () => {
  const registry = new Registry();
  await loadPlugin(acme, { registry });
  const slopeA = await makeVectorEnv("acme/Slope-v0", 4, { registry });
  const slopeB = await WorkerVectorEnv.create("acme/Slope-v0", { registry, numEnvs: 4 });
  try {
    const episodes = await compare(slopeA, slopeB, 110, (rng, n) => {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = rng.uniformRange(-1, 1);
      return a;
    });
    assert.equal(episodes, 8, "50-step time limit on 4 copies over 110 steps");
  } finally {
    await slopeA.close();
    await slopeB.close();
  }
  const cartA = await makeVectorEnv("CartPole-v1", 3);
  const cartB = await WorkerVectorEnv.create("CartPole-v1", { numEnvs: 3, numWorkers: 2 });
  try {
    const episodes = await compare(cartA, cartB, 200, (rng, n) => {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = rng.integer(2);
      return a;
    });
    assert.ok(episodes > 5);
  } finally {
    await cartA.close();
    await cartB.close();
  }
});

Deno.test({
  name: "WorkerVectorEnv: sandboxed plugin envs, and errors that name the plugin",
  ignore: sandboxSupport() === "missing",
  async fn() {
    const registry = new Registry();
    await loadPlugin(acme, { registry, sandbox: true });
    await loadPlugin(broken, { registry, sandbox: true });
    const local = new Registry();
    await loadPlugin(acme, { registry: local });
    const a = await makeVectorEnv("acme/Corridor-v0", 4, { registry: local });
    const b = await WorkerVectorEnv.create("acme/Corridor-v0", { registry, numEnvs: 4 });
    try {
      await compare(a, b, 40, discreteActions);
    } finally {
      await a.close();
      await b.close();
    }
    const nan = await WorkerVectorEnv.create("broken/NanReward-v0", { registry, numEnvs: 2 });
    try {
      await nan.reset(0);
      await assert.rejects(
        () => nan.step(new Int32Array(2)),
        (e: unknown) =>
          e instanceof PluginError && e.message.includes(broken.href) &&
          e.message.includes("[broken/NanReward-v0] step: reward"),
      );
    } finally {
      await nan.close();
    }
    assert.equal(EnvWorker.liveCount(), 0);
  },
});

Deno.test("WorkerVectorEnv rejects bad options and ids it cannot host", async () => {
  const registry = new Registry();
  registry.register({
    id: "Inline-v0",
    create: () => {
      throw new Error("unused");
    },
  });
  await assert.rejects(
    () => WorkerVectorEnv.create("Inline-v0", { registry, numEnvs: 2 }),
    /neither a plugin env/,
  );
  await assert.rejects(
    () => WorkerVectorEnv.create("CartPole-v1", { numEnvs: 2, numWorkers: 3 }),
    /numWorkers/,
  );
  assert.equal(EnvWorker.liveCount(), 0);
});
