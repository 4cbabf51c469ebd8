/**
 * Tests of the Box2D environments (planck): replays of the episodes recorded from Gymnasium
 * 1.4.0 (trimmed copies in `tests/data/box2d/`), terrain and bodies against the recorded
 * facts, spaces, seeding, the registry path (lazy engine, async then sync create), and the
 * hand-made checks of BipedalWalkerHardcore-v3's terrain, which has no reference recording.
 * @module
 */
import assert from "node:assert/strict";
import { replayBox2D } from "../cli/replay_box2d.ts";
import {
  BipedalWalkerEnv,
  box2dEnvs,
  type DrawSource,
  LunarLanderEnv,
  RecordedDraws,
  RngDraws,
} from "../envs/box2d/mod.ts";
import { contains, sample } from "../envs/spaces.ts";
import type { StepResult } from "../envs/types.ts";
import { make, makeSync, spec } from "../envs/mod.ts";
import { box, createWorld } from "../envs/box2d/common.ts";
import { loadPlanck } from "../envs/box2d/planck.ts";
import { cosf, sinf } from "../envs/box2d/trig32.ts";
import { TimeLimit } from "../envs/wrappers/mod.ts";
import { Rng } from "../random.ts";

const dataDir = new URL("./data/box2d/", import.meta.url);

interface Call {
  values: (number | number[])[];
}
interface Episode {
  episode: number;
  length: number;
  reset: {
    obs: number[];
    np_random_calls: Call[];
    terrain: Record<string, unknown>;
  };
}
interface RefFile {
  env_id: string;
  max_episode_steps: number;
  reward_threshold: number;
  world: {
    dynamic_bodies: { name: string; mass: number; inertia_about_origin: number }[];
  };
  episodes: Episode[];
  transitions: { episode: number; t: number; draws?: number[] }[];
}

function load(name: string): RefFile {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, dataDir)));
}

function resetDraws(ep: Episode): number[] {
  return ep.reset.np_random_calls.flatMap((c) => c.values.flatMap((v) => v));
}

// The tolerance (same end, obs within 1e-2 everywhere and 1e-4 on >= 95 %, returns
// within 1.0, no mismatch) must hold on every file. Measured with the float32 engine parts
// (solver32, revolute32, toi32, distance32, collide32, raycast32, trig32): every episode of
// the three files ends as recorded and every observation equals Gymnasium's (max error 0),
// as do every reward and return; the test requires it, so that any float32 deviation shows up
// before it grows.
const EXPECTED: Record<string, { sameEnd: number }> = {
  "LunarLander-v3": { sameEnd: 10 },
  "LunarLanderContinuous-v3": { sameEnd: 10 },
  "BipedalWalker-v3": { sameEnd: 7 },
};

for (const id of Object.keys(EXPECTED)) {
  Deno.test(`replay ${id}: recorded Gymnasium episodes (bit for bit)`, async () => {
    const data = load(id);
    const r = await replayBox2D(id, data);
    const want = EXPECTED[id];
    assert.equal(r.episodes, data.episodes.length);
    assert.equal(r.sameEnd, want.sameEnd, `${id}: same end`);
    assert.equal(r.mismatches, 0, `${id}: mismatches`);
    assert.ok(r.ok, `${id}: outside the replay tolerance`);
    assert.equal(r.within1e4, 1, `${id}: within 1e-4`);
    assert.equal(r.maxAbsObsError, 0, `${id}: observations not bit for bit`);
    assert.equal(r.maxResetObsError, 0, `${id}: reset observations not bit for bit`);
    assert.equal(r.maxRewardError, 0, `${id}: rewards not bit for bit`);
    assert.equal(r.maxReturnError, 0, `${id}: returns not bit for bit`);
    // Every episode that never left 1e-4 ends exactly as recorded, with its return.
    for (const e of r.episodeReports) {
      if (e.firstDivergence === -1) {
        assert.deepEqual(e.length[1], e.length[0], `${id} episode ${e.episode}`);
        assert.ok(Math.abs(e.return[1] - e.return[0]) < 0.05, `${id} episode ${e.episode}`);
      }
    }
  });
}

Deno.test("replay CLI: Box2D files print one JSON line with mismatches", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      new URL("../cli/replay.ts", import.meta.url).pathname,
      "LunarLanderContinuous-v3",
      new URL("LunarLanderContinuous-v3.json", dataDir).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const summary = JSON.parse(lines[lines.length - 1]);
  assert.equal(summary.env, "LunarLanderContinuous-v3");
  assert.equal(typeof summary.mismatches, "number");
  assert.equal(out.code, summary.ok ? 0 : 1);
});

Deno.test("LunarLander: terrain and bodies from the recorded draws match Gymnasium's", async () => {
  const data = load("LunarLander-v3");
  for (const ep of data.episodes.slice(0, 4)) {
    const env = await LunarLanderEnv.create();
    env.setDrawSource(new RecordedDraws(resetDraws(ep)));
    const obs = env.reset().observation;
    const expected = ep.reset.terrain.edge_points as number[][];
    assert.deepEqual(env.terrain, expected);
    for (let k = 0; k < 8; k++) assert.ok(Math.abs(obs[k] - ep.reset.obs[k]) < 1e-5);
  }
  const lander = await LunarLanderEnv.create();
  lander.reset({ seed: 0 });
  const body = lander.landerBody!;
  const ref = data.world.dynamic_bodies[0];
  assert.ok(Math.abs(body.getMass() - ref.mass) < 1e-6 * ref.mass);
  assert.ok(Math.abs(body.getInertia() - ref.inertia_about_origin) < 1e-6);
});

Deno.test("Box2D: leg boxes keep Box2D's SetAsBox vertex order (recorded fixtures)", async () => {
  const planck = await loadPlanck();
  const data = JSON.parse(Deno.readTextFileSync(new URL("LunarLander-v3.json", dataDir)));
  const leg = data.world.dynamic_bodies[1].fixtures[0].shape.vertices as number[][];
  const shape = box(planck, 2 / 30, 8 / 30) as unknown as {
    m_vertices: { x: number; y: number }[];
    m_normals: { x: number; y: number }[];
  };
  assert.deepEqual(shape.m_vertices.map((v) => [v.x, v.y]), leg);
  assert.deepEqual(shape.m_normals.map((n) => [n.x, n.y]), [[0, -1], [1, 0], [0, 1], [-1, 0]]);
});

Deno.test("Box2D: float32 joints lose momentum in free flight as pybox2d's do", async () => {
  // Episode 1 of the LunarLander file, steps 6-20: no engine fires, so only gravity and the
  // leg joints act. pybox2d's float32 joints change the total x momentum by ~-2.5e-6 per
  // step; planck's float64 joints kept it to 1e-11, so the port drifted from the recording.
  const data = JSON.parse(Deno.readTextFileSync(new URL("LunarLander-v3.json", dataDir)));
  const ep = data.episodes[1];
  const trs = data.transitions.filter((t: { episode: number }) => t.episode === 1)
    .sort((a: { t: number }, b: { t: number }) => a.t - b.t);
  const draws = resetDraws(ep);
  for (const t of trs) draws.push(...t.draws);
  const env = await LunarLanderEnv.create();
  env.setDrawSource(new RecordedDraws(draws));
  env.reset();
  const masses = data.world.dynamic_bodies.map((b: { mass: number }) => b.mass);
  const px = () => env.bodies().reduce((s, b, i) => s + masses[i] * b[3], 0);
  let drift = 0;
  let before = 0;
  for (let t = 0; t <= 20; t++) {
    env.step(trs[t].action);
    if (t === 5) before = px();
    if (t >= 6) assert.equal(trs[t].action, 0);
  }
  drift = (px() - before) / 15;
  assert.ok(drift < -1e-6 && drift > -5e-6, `x momentum drift per step ${drift}`);
});

Deno.test("BipedalWalker: terrain from the recorded draws matches Gymnasium's", async () => {
  const data = load("BipedalWalker-v3");
  for (const ep of data.episodes) {
    const env = await BipedalWalkerEnv.create();
    const draws = new RecordedDraws(resetDraws(ep));
    env.setDrawSource(draws);
    const obs = env.reset().observation;
    assert.equal(draws.remaining, 0, "every recorded reset draw consumed");
    const [xs, ys] = env.terrain;
    assert.deepEqual(xs, ep.reset.terrain.terrain_x);
    assert.deepEqual(ys, ep.reset.terrain.terrain_y);
    for (let k = 0; k < 24; k++) assert.ok(Math.abs(obs[k] - ep.reset.obs[k]) < 1e-5);
  }
});

Deno.test("registry: Box2D ids make asynchronously, then synchronously", async () => {
  for (const e of box2dEnvs) {
    const env = await make(e.id, { seed: 1 });
    assert.ok(env instanceof TimeLimit);
    assert.equal(env.maxEpisodeSteps, e.maxEpisodeSteps);
    assert.equal(spec(e.id).rewardThreshold, e.rewardThreshold);
    const r = env.reset({ seed: 2 });
    assert.ok(!(r instanceof Promise) && contains(env.observationSpace, r.observation));
  }
  const sync = makeSync("LunarLanderContinuous-v3", { seed: 3 });
  assert.equal(sync.actionSpace.type, "box");
  assert.equal((await make("LunarLander-v3")).actionSpace.type, "discrete");
  assert.equal(
    (await make("LunarLander-v3", { envOptions: { continuous: true } })).actionSpace.type,
    "box",
  );
});

Deno.test("LunarLander: options are validated", async () => {
  await assert.rejects(() => LunarLanderEnv.create({ gravity: -13 }), RangeError);
  await assert.rejects(
    () => LunarLanderEnv.create({ wind: true } as unknown as Record<string, never>),
    TypeError,
  );
  const windy = await LunarLanderEnv.create({ enableWind: true, windPower: 10 });
  windy.reset({ seed: 5 });
  const still = await LunarLanderEnv.create();
  still.reset({ seed: 5 });
  // Wind draws two phases at reset, so the streams differ after it; just check it runs.
  for (let i = 0; i < 20; i++) {
    windy.step(0);
    still.step(0);
  }
  assert.notDeepEqual(windy.bodies()[0], still.bodies()[0]);
});

function rollout(env: LunarLanderEnv | BipedalWalkerEnv, seed: number, steps: number) {
  const rng = new Rng(seed);
  const out: number[] = [];
  out.push(...Array.from(env.reset({ seed }).observation));
  for (let t = 0; t < steps; t++) {
    const r: StepResult = env.step(sample(env.actionSpace, rng));
    out.push(r.reward, ...Array.from(r.observation));
    if (r.terminated) out.push(...Array.from(env.reset().observation));
  }
  return out;
}

Deno.test("seeding: the same seed gives the same episodes", async () => {
  const a = await LunarLanderEnv.create({ continuous: true });
  const b = await LunarLanderEnv.create({ continuous: true });
  assert.deepEqual(rollout(a, 7, 300), rollout(b, 7, 300));
  const w1 = await BipedalWalkerEnv.create();
  const w2 = await BipedalWalkerEnv.create();
  assert.deepEqual(rollout(w1, 8, 150), rollout(w2, 8, 150));
});

Deno.test("LunarLander: random actions crash with −100", async () => {
  const env = await LunarLanderEnv.create();
  const rng = new Rng(3);
  env.reset({ seed: 3 });
  let last: StepResult | null = null;
  for (let t = 0; t < 1000; t++) {
    last = env.step(rng.integer(4));
    if (last.terminated) break;
  }
  assert.ok(last?.terminated);
  assert.equal(last?.reward, -100);
});

/** Draws that steer the hardcore generator: every obstacle is `kind`, sizes at their maximum. */
class SteeredDraws implements DrawSource {
  constructor(readonly kind: number, readonly push = 0) {}
  uniform(low: number, high: number): number {
    if (low === -5 && high === 5) return this.push;
    return (low + high) / 2;
  }
  integers(low: number, high: number): number {
    if (low === 1 && high === 4) return this.kind;
    return high - 1;
  }
  random(): number {
    return 0.75;
  }
}

Deno.test("BipedalWalkerHardcore: seeded terrain is deterministic and has every obstacle", async () => {
  const kinds = new Set<string>();
  for (let seed = 0; seed < 6; seed++) {
    const a = await BipedalWalkerEnv.create({ hardcore: true });
    const b = await BipedalWalkerEnv.create({ hardcore: true });
    a.reset({ seed });
    b.reset({ seed });
    assert.deepEqual(a.terrain, b.terrain);
    assert.deepEqual(a.obstacles, b.obstacles);
    for (const o of a.obstacles) kinds.add(o.kind);
    const [xs, ys] = a.terrain;
    assert.equal(xs.length, 200);
    assert.ok(ys.every(Number.isFinite));
  }
  assert.deepEqual([...kinds].sort(), ["pit", "stair", "stump"]);
  const plain = await BipedalWalkerEnv.create();
  plain.reset({ seed: 0 });
  assert.equal(plain.obstacles.length, 0);
});

Deno.test("BipedalWalkerHardcore: obstacle shapes follow Gymnasium's rules", async () => {
  for (const [kind, name] of [[1, "stump"], [2, "stair"], [3, "pit"]] as const) {
    const env = await BipedalWalkerEnv.create({ hardcore: true });
    env.setDrawSource(new SteeredDraws(kind));
    env.reset();
    const obstacles = env.obstacles;
    assert.ok(obstacles.length > 0 && obstacles.every((o) => o.kind === name), name);
    const step = 14 / 30;
    const first = obstacles[0].vertices;
    // The first obstacle starts where the 20-point start pad ends.
    assert.ok(Math.abs(first[0][0] - 20 * step) < 1e-9, `${name} at ${first[0][0]}`);
    if (name === "stump") assert.ok(Math.abs(first[2][1] - first[0][1] - 2 * step) < 1e-9);
    if (name === "pit") assert.ok(Math.abs(first[0][1] - first[2][1] - 4 * step) < 1e-9);
    const [, ys] = env.terrain;
    if (name === "pit") assert.ok(Math.abs(ys[21] - (ys[20] - 4 * step)) < 1e-9, "pit floor");
  }
});

Deno.test("BipedalWalkerHardcore: the walker falls on an obstacle", async () => {
  // A hard push (beyond Gymnasium's ±5 N, injected for the test) throws the walker forward.
  // On flat terrain it lands beyond the first obstacle's place; with a stump there it is
  // stopped by it and the episode ends with −100.
  const run = async (hardcore: boolean) => {
    const env = await BipedalWalkerEnv.create({ hardcore });
    env.setDrawSource(new SteeredDraws(1, 6000));
    env.reset();
    let r: StepResult | null = null;
    for (let t = 0; t < 300; t++) {
      r = env.step(new Float32Array(4));
      if (r.terminated) break;
    }
    return { r: r!, x: env.bodies()[0][0], obstacles: env.obstacles };
  };
  const hard = await run(true);
  const flat = await run(false);
  const stump = hard.obstacles[0].vertices;
  assert.ok(hard.r.terminated && hard.r.reward === -100, "falls on the stump");
  assert.ok(hard.x < stump[1][0], `stopped near the stump (x = ${hard.x})`);
  assert.ok(flat.x > hard.x + 2, `flat terrain lets it go further (${flat.x} vs ${hard.x})`);
});

Deno.test("a reused world gives the same episodes as a fresh world per episode", async () => {
  for (const make of [() => LunarLanderEnv.create(), () => BipedalWalkerEnv.create()]) {
    const drawsA = new Rng(21);
    const drawsB = new Rng(21);
    const actionsA = new Rng(22);
    const actionsB = new Rng(22);
    const reused = await make();
    reused.setDrawSource(new RngDraws(drawsA));
    const a: number[] = [];
    const b: number[] = [];
    for (let episode = 0; episode < 4; episode++) {
      const fresh = await make();
      fresh.setDrawSource(new RngDraws(drawsB));
      a.push(...Array.from(reused.reset().observation));
      b.push(...Array.from(fresh.reset().observation));
      for (let t = 0; t < 120; t++) {
        const ra = reused.step(sample(reused.actionSpace, actionsA));
        const rb = fresh.step(sample(fresh.actionSpace, actionsB));
        a.push(ra.reward, ...Array.from(ra.observation));
        b.push(rb.reward, ...Array.from(rb.observation));
        if (ra.terminated || rb.terminated) break;
      }
    }
    assert.deepEqual(a, b);
  }
});

// glibc 2.36 `sinf`/`cosf` results (x86-64) where the correctly rounded float differs:
// pybox2d's Box2D calls these in every rotation, and only glibc's values replay it bit for bit.
const GLIBC_TRIG: [number, "sin" | "cos", number][] = [
  [-2.999979257583618, "sin", -0.14114055037498474],
  [-2.099970817565918, "cos", -0.5048208832740784],
  [-1.1999675035476685, "sin", -0.932027280330658],
  [-0.2999670207500458, "sin", -0.29548871517181396],
  [0.6000339984893799, "sin", 0.5646705031394958],
  [1.5001311302185059, "cos", 0.07060640305280685],
  [2.400132894515991, "sin", 0.6753652095794678],
];

Deno.test("trig32: glibc's sinf/cosf, not the correctly rounded float", () => {
  for (const [x, fn, want] of GLIBC_TRIG) {
    const got = fn === "sin" ? sinf(x) : cosf(x);
    assert.equal(got, want, `${fn}f(${x})`);
    const rounded = Math.fround(fn === "sin" ? Math.sin(x) : Math.cos(x));
    assert.notEqual(rounded, want, `${fn}(${x}) rounds like glibc: not a distinguishing case`);
  }
});

Deno.test("Box2D: the float32 parts are installed per world, planck's own stay untouched", async () => {
  const planck = await loadPlanck();
  const plain = new planck.World({ gravity: { x: 0, y: -10 } });
  const ours = createWorld(planck, -10);
  const proto = Object.getPrototypeOf(plain) as Record<string, unknown>;
  type Solver = { solveWorldTOI: unknown; solveIsland: unknown };
  const solverOf = (w: unknown) => (w as { m_solver: Solver }).m_solver;
  const solverProto = Object.getPrototypeOf(solverOf(plain)) as Solver;
  for (const name of ["rayCast", "createContact"]) {
    assert.equal((plain as unknown as Record<string, unknown>)[name], proto[name], name);
    assert.notEqual((ours as unknown as Record<string, unknown>)[name], proto[name], name);
  }
  assert.equal(solverOf(plain).solveWorldTOI, solverProto.solveWorldTOI);
  assert.notEqual(solverOf(ours).solveWorldTOI, solverProto.solveWorldTOI);
  assert.notEqual(solverOf(ours).solveIsland, solverProto.solveIsland);
});
