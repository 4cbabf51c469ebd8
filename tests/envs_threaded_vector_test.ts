import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { EnvError } from "../envs/errors.ts";
import { isPromiseLike } from "../envs/types.ts";
import { ThreadedVectorEnv } from "../envs/threaded_vector_env.ts";
import { makeVectorEnv, type VectorEnv, type VectorStepResult } from "../envs/vector.ts";
import "../envs/builtin.ts";
import { ConfigError, createAgent, loadAgent } from "../algorithms/mod.ts";

const NORMALISED = {
  normalizeObservation: { clip: 10 },
  normalizeReward: { gamma: 0.99, clip: 10 },
  seedStreams: true,
};

function actionsFor(vec: VectorEnv, rng: Rng): Int32Array | Float32Array {
  const space = vec.singleActionSpace;
  if (space.type === "discrete") {
    return Int32Array.from({ length: vec.numEnvs }, () => rng.integer(space.n));
  }
  return Float32Array.from({ length: vec.numEnvs * vec.actDim }, () => 2 * rng.uniform() - 1);
}

async function stepOf(vec: VectorEnv, a: Int32Array | Float32Array): Promise<VectorStepResult> {
  const r = vec.step(a);
  return isPromiseLike(r) ? await r : r;
}

/** Steps both with the same actions and asserts identical results at every step. */
async function assertSameSteps(
  a: VectorEnv,
  b: VectorEnv,
  steps: number,
  rng: Rng,
): Promise<number> {
  const d = a.obsDim;
  let episodes = 0;
  for (let t = 0; t < steps; t++) {
    const act = actionsFor(a, rng);
    const ra = await stepOf(a, act);
    const rb = await stepOf(b, act);
    const at = `step ${t}`;
    assert.deepEqual(rb.observations, ra.observations, `${at}: observations`);
    assert.deepEqual(rb.rewards, ra.rewards, `${at}: rewards`);
    assert.deepEqual(rb.terminated, ra.terminated, `${at}: terminated`);
    assert.deepEqual(rb.truncated, ra.truncated, `${at}: truncated`);
    assert.deepEqual(rb.finishedEpisodes, ra.finishedEpisodes, `${at}: finished episodes`);
    for (const e of ra.finishedEpisodes) {
      assert.deepEqual(
        rb.finalObservations.subarray(e.env * d, (e.env + 1) * d),
        ra.finalObservations.subarray(e.env * d, (e.env + 1) * d),
        `${at}: final observation of copy ${e.env}`,
      );
    }
    episodes += ra.finishedEpisodes.length;
  }
  return episodes;
}

for (
  const [id, copies, steps, make, resume] of [
    ["CartPole-v1", 5, 600, {}, true],
    // Short episodes (time limit 40), so autoreset and truncation happen in a short test.
    ["HalfCheetah-v5", 3, 100, { maxEpisodeSteps: 40 }, false],
  ] as const
) {
  Deno.test(`threaded vector: ${id} in 2 Workers gives the in-process rollouts bit for bit`, async () => {
    const local = await makeVectorEnv(id, copies, { ...NORMALISED, ...make });
    const threaded = await ThreadedVectorEnv.start(id, copies, {
      ...NORMALISED,
      numWorkers: 2,
      make,
    });
    try {
      assert.equal(threaded.numWorkers, 2);
      const la = await local.reset(11);
      assert.deepEqual(threaded.reset(11), la);
      const episodes = await assertSameSteps(local, threaded, steps, new Rng(3));
      assert.ok(episodes > 0, "the run must include finished episodes");
      // The state gathered from the Workers is the in-process state.
      const state = threaded.getState();
      assert.ok(state.exact);
      assert.deepEqual(state, local.getState());
      // Restoring it in fresh Workers continues exactly where the run was.
      if (!resume) return;
      const resumed = await ThreadedVectorEnv.start(id, copies, {
        ...NORMALISED,
        numWorkers: 2,
        make,
      });
      try {
        resumed.setState(state);
        assert.deepEqual(resumed.observations, local.observations);
        await assertSameSteps(local, resumed, 50, new Rng(4));
      } finally {
        await resumed.close();
      }
    } finally {
      await local.close();
      await threaded.close();
    }
  });
}

Deno.test("threaded vector: an inexact state restarts every copy from its stream, as in process", async () => {
  const local = await makeVectorEnv("CartPole-v1", 3, NORMALISED);
  const threaded = await ThreadedVectorEnv.start("CartPole-v1", 3, {
    ...NORMALISED,
    numWorkers: 3,
  });
  try {
    await local.reset(5);
    threaded.reset(5);
    await assertSameSteps(local, threaded, 30, new Rng(1));
    const state = { ...local.getState(), exact: false };
    await local.setState(state);
    threaded.setState(state);
    assert.deepEqual(threaded.observations, local.observations);
    await assertSameSteps(local, threaded, 60, new Rng(2));
  } finally {
    await local.close();
    await threaded.close();
  }
});

Deno.test("threaded vector: bad arguments and misuse are named", async () => {
  await assert.rejects(
    () => ThreadedVectorEnv.start("CartPole-v1", 2, { numWorkers: 3 }),
    (e: unknown) => e instanceof EnvError && /numWorkers/.test(e.message),
  );
  await assert.rejects(
    () => ThreadedVectorEnv.start("NoSuchEnv-v0", 2, { numWorkers: 2 }),
    (e: unknown) => e instanceof EnvError && /NoSuchEnv-v0/.test(e.message),
  );
  const vec = await ThreadedVectorEnv.start("CartPole-v1", 2, { numWorkers: 2 });
  assert.throws(() => vec.step(new Int32Array(2)), /reset\(\) before the first step/);
  vec.reset(0);
  assert.throws(() => vec.step(new Int32Array(3)), /actions\.length/);
  assert.throws(() => vec.envs[0].step(0), /lives in a Worker/);
  await vec.close();
  assert.throws(() => vec.reset(0), /is closed/);
});

const PPO_SMALL = {
  env: "CartPole-v1",
  seed: 3,
  numEnvs: 4,
  numSteps: 32,
  updateEpochs: 2,
  numMinibatches: 2,
  hiddenSizes: [8],
  normalizeObservation: true,
  normalizeReward: true,
};

function flatParams(agent: { policy: { parameters(): { data: Float32Array }[] } }): number[] {
  return agent.policy.parameters().flatMap((p) => Array.from(p.data));
}

Deno.test("envWorkers: PPO trains to the same parameters with 2 Workers as in process, and resumes exactly", async () => {
  const inProcess = createAgent("ppo", PPO_SMALL);
  await inProcess.learn({ totalTimesteps: 512 });
  const threaded = createAgent("ppo", { ...PPO_SMALL, envWorkers: 2 });
  const dir = await Deno.makeTempDir();
  try {
    await threaded.learn({
      totalTimesteps: 512,
      checkpointDir: dir,
      checkpointEvery: 128,
      callbacks: { onUpdateEnd: (m) => m.timesteps < 256 },
    });
    const resumed = await loadAgent(dir);
    await resumed.learn({ totalTimesteps: 512 - resumed.timesteps });
    assert.equal(resumed.timesteps, inProcess.timesteps);
    assert.deepEqual(flatParams(resumed), flatParams(inProcess));
    await resumed.close();
  } finally {
    await threaded.close();
    await inProcess.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("envWorkers: more Workers than copies is a ConfigError naming the field", async () => {
  const tooMany = createAgent("ppo", { ...PPO_SMALL, numEnvs: 2, envWorkers: 3 });
  await assert.rejects(
    () => tooMany.learn({ totalTimesteps: 64 }),
    (e: unknown) => e instanceof ConfigError && /envWorkers/.test(e.message),
  );
});
