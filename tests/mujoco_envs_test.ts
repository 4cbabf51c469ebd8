/**
 * The MuJoCo environments apart from replay: each of our own model descriptions compiles to
 * the physical facts recorded from Gymnasium's models (`tests/data/mujoco/model_facts.json`,
 * written by `tools/mujoco_model_facts.ts`), the registry entries (limits, thresholds, the
 * MuJoCo release), spaces, seeding, options, `close()`, views after Wasm memory growth, and
 * that MuJoCo stays unloaded (and undownloaded) until a MuJoCo environment is made.
 * @module
 */
import assert from "node:assert/strict";
import { make, makeSync, spec } from "../envs/mod.ts";
import {
  AntEnv,
  HopperEnv,
  loadMujoco,
  MUJOCO_SPECIFIER,
  MUJOCO_VERSION,
  mujocoEnvs,
} from "../envs/mujoco/mod.ts";
import { compileModel } from "../envs/mujoco/common.ts";
import { modelFacts } from "../tools/mujoco_model_facts.ts";
import { runWithFreshDenoDir } from "./fresh_deno_dir.ts";

interface Facts {
  [key: string]: number | number[] | boolean[];
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./data/mujoco/model_facts.json", import.meta.url)),
) as { mujoco: string; models: Record<string, Facts> };

/** Gymnasium's v5 figures: time limit, reward threshold, observation and action sizes. */
const GYMNASIUM: Record<string, [number, number | undefined, number, number]> = {
  "InvertedPendulum-v5": [1000, 950, 4, 1],
  "InvertedDoublePendulum-v5": [1000, 9100, 9, 1],
  "Reacher-v5": [50, -3.75, 10, 2],
  "Hopper-v5": [1000, 3800, 11, 3],
  "HalfCheetah-v5": [1000, 4800, 17, 6],
  "Walker2d-v5": [1000, undefined, 17, 6],
  "Ant-v5": [1000, 6000, 105, 8],
};

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
}

for (const entry of mujocoEnvs) {
  Deno.test(`${entry.id}: our model compiles to Gymnasium's physical facts`, async () => {
    const env = await entry.create({});
    try {
      const ours = modelFacts(env.model) as unknown as Facts;
      const ref = fixture.models[entry.id];
      assert.ok(ref, `no facts for ${entry.id}`);
      for (const key of ["nq", "nv", "nu", "na", "nbody", "njnt", "integrator"]) {
        assert.equal(ours[key], ref[key], `${entry.id} ${key}`);
      }
      for (
        const key of [
          "timestep",
          "gravity",
          "qpos0",
          "body_mass",
          "body_inertia",
          "jnt_type",
          "jnt_range",
          "jnt_stiffness",
          "dof_damping",
          "dof_armature",
          "actuator_gear0",
          "actuator_ctrlrange",
        ]
      ) {
        const a = [ours[key]].flat() as number[];
        const b = [ref[key]].flat() as number[];
        assert.equal(a.length, b.length, `${entry.id} ${key} length`);
        a.forEach((x, i) => assert.ok(close(x, b[i]), `${entry.id} ${key}[${i}]: ${x} vs ${b[i]}`));
      }
      // Joints with a range are limited exactly where Gymnasium's are (the 3.12.0 bindings
      // cannot read jnt_limited, so the XML we generate is checked instead).
      const limited = ref.jnt_limited as boolean[];
      const ranged = [...env.xml.matchAll(/<joint [^>]*>/g)]
        .filter((m) => m[0].includes(' name="'))
        .map((m) => m[0].includes('range="') && !m[0].includes('limited="false"'));
      assert.deepEqual(ranged, limited, `${entry.id} limited joints`);
    } finally {
      env.close();
    }
  });
}

Deno.test("registry: the seven MuJoCo ids with Gymnasium's limits, thresholds and release", () => {
  assert.equal(fixture.mujoco, MUJOCO_VERSION);
  assert.equal(MUJOCO_SPECIFIER, `npm:@mujoco/mujoco@${MUJOCO_VERSION}`);
  for (const [id, [limit, threshold]] of Object.entries(GYMNASIUM)) {
    const s = spec(id);
    assert.equal(s.maxEpisodeSteps, limit, id);
    assert.equal(s.rewardThreshold, threshold, id);
    assert.equal(s.source, "builtin");
    assert.deepEqual(s.simulator, {
      name: "MuJoCo",
      version: "3.12.0",
      package: "npm:@mujoco/mujoco@3.12.0",
    });
  }
});

Deno.test("makeSync: a MuJoCo env needs make() (MuJoCo loads asynchronously)", () => {
  assert.throws(() => makeSync("Hopper-v5"), /returned a Promise: use make\(\)/);
});

Deno.test("make: every MuJoCo env passes the checker, with Gymnasium's spaces", async () => {
  for (const [id, [limit, , obs, act]] of Object.entries(GYMNASIUM)) {
    const env = await make(id, { seed: 3 });
    try {
      assert.deepEqual(env.observationSpace, {
        type: "box",
        low: -Infinity,
        high: Infinity,
        shape: [obs],
        dtype: "float64",
      });
      const a = env.actionSpace;
      assert.ok(a.type === "box" && a.dtype === "float32" && a.shape[0] === act, id);
      const r = await env.reset({ seed: 1 });
      assert.ok(r.observation instanceof Float64Array && r.observation.length === obs);
      let truncated = false;
      let steps = 0;
      while (!truncated && steps < limit) {
        const s = await env.step(new Float32Array(act));
        steps++;
        truncated = s.truncated;
        if (s.terminated) break;
      }
      if (id === "Reacher-v5") assert.equal(steps, 50);
    } finally {
      await env.close?.();
    }
  }
});

Deno.test("seeding: reset({seed}) reproduces start states; reward terms in info", async () => {
  const env = await mujocoEnvs.find((e) => e.id === "Ant-v5")!.create({});
  try {
    const a = env.reset({ seed: 42 }).observation;
    const b = env.reset({ seed: 42 }).observation;
    assert.deepEqual(a, b);
    assert.notDeepEqual(env.reset({ seed: 43 }).observation, a);
    // The contact block is zero after reset (mj_forward does not compute cfrc_ext).
    assert.ok(Array.from(a.subarray(27)).every((x) => x === 0));
    // The start quaternion carries the noise and is not renormalised.
    const q = a.subarray(1, 5);
    assert.notEqual(Math.hypot(...q), 1);
    const { info, reward } = env.step(new Float32Array(8).fill(0.5));
    const t = info as Record<string, number>;
    assert.equal(
      reward,
      t.reward_forward + t.reward_survive - (-t.reward_ctrl + -t.reward_contact),
    );
    for (
      const key of [
        "x_position",
        "y_position",
        "distance_from_origin",
        "x_velocity",
        "y_velocity",
      ]
    ) {
      assert.equal(typeof t[key], "number", key);
    }
    assert.equal(t.reward_ctrl, -0.5 * 8 * 0.25);
  } finally {
    env.close();
  }
});

Deno.test("options: camelCase Gymnasium options are honoured and validated", async () => {
  const mj = await loadMujoco();
  const hopper = new HopperEnv(mj, {
    excludeCurrentPositionsFromObservation: false,
    ctrlCostWeight: 0,
    healthyReward: 2,
  });
  try {
    assert.equal(hopper.observationSpace.shape[0], 12);
    hopper.reset({ seed: 0 });
    const { info } = hopper.step(new Float32Array([1, 1, 1]));
    assert.equal(info.reward_ctrl, -0);
    assert.equal(info.reward_survive, 2);
  } finally {
    hopper.close();
  }
  const ant = new AntEnv(mj, { includeCfrcExtInObservation: false, frameSkip: 2 });
  try {
    assert.equal(ant.observationSpace.shape[0], 27);
    assert.ok(Math.abs(ant.dt - 0.02) < 1e-15);
  } finally {
    ant.close();
  }
  assert.throws(() => new HopperEnv(mj, { healthyZRange: [1, 0] }), /healthyZRange/);
  assert.throws(
    () => new HopperEnv(mj, { forward_reward_weight: 1 } as unknown as object),
    /Hopper-v5: invalid constructor options/,
  );
  await assert.rejects(
    () => make("Walker2d-v5", { envOptions: { frameSkip: 0 } }),
    /Walker2d-v5: invalid constructor options: options\.frameSkip/,
  );
});

Deno.test("close: frees the model and data once; the closed env refuses to step", async () => {
  const env = await mujocoEnvs[0].create({});
  env.reset({ seed: 0 });
  env.close();
  env.close();
  assert.equal(env.closed, true);
  assert.throws(() => env.step(new Float32Array([0])), /closed/);
  const open = await mujocoEnvs[0].create({});
  assert.throws(() => open.step(new Float32Array([0])), /call reset\(\) before stepping/);
  open.reset();
  assert.throws(() => open.step(new Float32Array([0, 0])), /length 1/);
  open.close();
});

Deno.test("views: re-read after Wasm memory growth caused by other environments", async () => {
  const mj = await loadMujoco();
  const env = new HopperEnv(mj);
  const others: HopperEnv[] = [];
  try {
    env.reset({ seed: 5 });
    const before = env.getState();
    const stale = env.views.qpos;
    // Allocate until the memory grows (detaching every view), then keep stepping.
    while (stale.length !== 0 && others.length < 2000) {
      others.push(new HopperEnv(mj));
      others.push(...Array.from({ length: 9 }, () => new HopperEnv(mj)));
    }
    assert.equal(stale.length, 0, "expected the Wasm memory to grow");
    assert.deepEqual(env.getState(), before);
    const { observation } = env.step(new Float32Array([0.1, 0.2, 0.3]));
    assert.ok(observation.every(Number.isFinite));
  } finally {
    env.close();
    for (const o of others) o.close();
  }
});

Deno.test("compileModel: copies of one compiled template behave identically", async () => {
  const mj = await loadMujoco();
  const env = new HopperEnv(mj);
  try {
    const copy = compileModel(mj, env.xml);
    assert.equal(copy.nq, env.nq);
    copy.delete();
  } finally {
    env.close();
  }
});

Deno.test("lazy loading: mod.ts and classic-control training never download MuJoCo", async () => {
  const entry = new URL("../mod.ts", import.meta.url).href;
  const { output, stderr, packages } = await runWithFreshDenoDir("ascent_mujoco_lazy_", [
    `import { make, spec } from "${entry}";`,
    `const env = await make("CartPole-v1", { seed: 0 });`,
    `let steps = 0;`,
    `for (let i = 0; i < 50; i++) { const s = await env.step(i % 2); steps++; if (s.terminated) await env.reset(); }`,
    `console.log(JSON.stringify({ steps, release: spec("HalfCheetah-v5").simulator?.version }));`,
  ]);
  assert.deepEqual(output, { steps: 50, release: "3.12.0" });
  assert.doesNotMatch(stderr, /mujoco/i);
  assert.ok(!packages.includes("@mujoco"), `downloaded: ${packages}`);
});

Deno.test("WorkerVectorEnv: MuJoCo copies in Workers step as the same copies in-process", async () => {
  const { WorkerVectorEnv } = await import("../plugins/worker_vector.ts");
  const { makeVectorEnv } = await import("../envs/mod.ts");
  const id = "HalfCheetah-v5";
  const local = await makeVectorEnv(id, 2, { seed: 7 });
  const remote = await WorkerVectorEnv.create(id, { numEnvs: 2, numWorkers: 2 });
  try {
    assert.deepEqual(await remote.reset(7), await local.reset(7));
    const actions = new Float32Array(12).map((_, i) => Math.sin(i) * 0.5);
    for (let k = 0; k < 5; k++) {
      const a = await remote.step(actions);
      const b = await local.step(actions);
      assert.deepEqual(a.observations, b.observations);
      assert.deepEqual(a.rewards, b.rewards);
    }
  } finally {
    await remote.close();
    await local.close?.();
  }
});
