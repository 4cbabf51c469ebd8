import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { CartPoleEnv, MountainCarContinuousEnv } from "../envs/classic/mod.ts";
import { EnvError } from "../envs/errors.ts";
import { RunningMeanStd } from "../envs/running_stats.ts";
import {
  type Action,
  type Env,
  isPromiseLike,
  type MaybePromise,
  type ResetOptions,
  type StepResult,
} from "../envs/types.ts";
import { makeVectorEnv, VectorEnv, type VectorStepResult } from "../envs/vector.ts";
import { TimeLimit } from "../envs/wrappers/time_limit.ts";
import { Wrapper } from "../envs/wrappers/wrapper.ts";
import "../envs/builtin.ts";

/** obs = [t, id]; reward = t·(id+1); terminates when t reaches `end`. */
class Counter implements Env {
  readonly observationSpace = { type: "box" as const, low: 0, high: 100, shape: [2] };
  readonly actionSpace = { type: "discrete" as const, n: 3 };
  t = 0;
  seeds: (number | undefined)[] = [];
  actions: number[] = [];
  constructor(readonly id: number, readonly end: number, readonly async = false) {}
  reset(o?: ResetOptions) {
    this.seeds.push(o?.seed);
    this.t = 0;
    const r = { observation: [0, this.id], info: {} };
    return this.async ? new Promise<typeof r>((ok) => setTimeout(() => ok(r), 1)) : r;
  }
  step(a: Action): MaybePromise<StepResult> {
    this.actions.push(a as number);
    this.t++;
    const r = {
      observation: [this.t, this.id],
      reward: this.t * (this.id + 1),
      terminated: this.t >= this.end,
      truncated: false,
      info: {},
    };
    return this.async ? new Promise((ok) => setTimeout(() => ok(r), 1)) : r;
  }
}

const syncStep = (v: VectorEnv, a: Int32Array | Float32Array): VectorStepResult => {
  const r = v.step(a);
  assert.ok(!isPromiseLike(r), "sync envs must step synchronously");
  return r;
};

function randomActions(rng: Rng, n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.integer(2);
  return a;
}

Deno.test("vector: SAME-STEP autoreset, finalObservations and raw finished episodes", () => {
  const envs = [new Counter(0, 2), new Counter(1, 3)];
  const v = VectorEnv.fromEnvs(envs, { id: "Counter-v0" });
  assert.equal(v.fastPath, false);
  assert.deepEqual(Array.from(v.reset(10) as Float32Array), [0, 0, 0, 1]);
  assert.deepEqual(envs.map((e) => e.seeds[0]), [10, 11], "env i is seeded with seed + i");
  let r = syncStep(v, new Int32Array([2, 1]));
  assert.deepEqual(envs.map((e) => e.actions[0]), [2, 1]);
  assert.deepEqual(Array.from(r.observations), [1, 0, 1, 1]);
  assert.deepEqual(Array.from(r.terminated), [0, 0]);
  r = syncStep(v, new Int32Array(2));
  // env 0 ended: its row holds the next episode's first observation, finalObservations the last.
  assert.deepEqual(Array.from(r.observations), [0, 0, 2, 1]);
  assert.deepEqual(Array.from(r.terminated), [1, 0]);
  assert.deepEqual(Array.from(r.finalObservations.subarray(0, 2)), [2, 0]);
  assert.deepEqual(Array.from(r.rewards), [2, 4]);
  assert.deepEqual(r.finishedEpisodes, [{ env: 0, return: 3, length: 2 }]);
  const again = syncStep(v, new Int32Array(2));
  assert.equal(again, r, "the result object is reused");
  assert.deepEqual(Array.from(again.observations), [1, 0, 0, 1]);
  assert.deepEqual(again.finishedEpisodes, [{ env: 1, return: 12, length: 3 }]);
  assert.deepEqual(Array.from(again.finalObservations.subarray(2, 4)), [3, 1]);
});

Deno.test("vector: the CartPole fast path equals the generic path and a hand-run single env", () => {
  const n = 4;
  const limit = 40;
  const fast = VectorEnv.fromEnvs(
    Array.from({ length: n }, () => new TimeLimit(new CartPoleEnv(), limit)),
  );
  const slow = VectorEnv.fromEnvs(
    Array.from({ length: n }, () => new TimeLimit(new Wrapper(new CartPoleEnv()), limit)),
  );
  assert.ok(fast.fastPath);
  assert.ok(!slow.fastPath);
  const single = new TimeLimit(new CartPoleEnv(), limit);
  const a = fast.reset(7) as Float32Array;
  const b = slow.reset(7) as Float32Array;
  assert.deepEqual(a, b);
  let obs0 = (single.reset({ seed: 7 }) as { observation: Float32Array }).observation;
  assert.deepEqual(Array.from(a.subarray(0, 4)), Array.from(obs0));
  const rng = new Rng(1);
  let truncations = 0;
  let terminations = 0;
  for (let t = 0; t < 300; t++) {
    const acts = randomActions(rng, n);
    const rf = syncStep(fast, acts);
    const rs = syncStep(slow, acts);
    assert.deepEqual(rf.observations, rs.observations);
    assert.deepEqual(rf.rewards, rs.rewards);
    assert.deepEqual(rf.terminated, rs.terminated);
    assert.deepEqual(rf.truncated, rs.truncated);
    assert.deepEqual(rf.finishedEpisodes, rs.finishedEpisodes);
    for (let i = 0; i < n; i++) {
      if (rf.terminated[i] || rf.truncated[i]) {
        assert.deepEqual(
          rf.finalObservations.subarray(i * 4, i * 4 + 4),
          rs.finalObservations.subarray(i * 4, i * 4 + 4),
        );
      }
    }
    // Env 0 against a single env stepped by hand with the same actions.
    const s = single.step(acts[0]) as StepResult;
    assert.equal(rf.rewards[0], s.reward);
    assert.equal(rf.terminated[0], s.terminated ? 1 : 0);
    assert.equal(rf.truncated[0], s.truncated ? 1 : 0);
    if (s.terminated || s.truncated) {
      assert.deepEqual(
        Array.from(rf.finalObservations.subarray(0, 4)),
        Array.from(s.observation as Float32Array),
      );
      obs0 = (single.reset() as { observation: Float32Array }).observation;
    } else obs0 = s.observation as Float32Array;
    assert.deepEqual(Array.from(rf.observations.subarray(0, 4)), Array.from(obs0));
    truncations += rf.truncated.reduce((x, y) => x + y, 0);
    terminations += rf.terminated.reduce((x, y) => x + y, 0);
    for (const ep of rf.finishedEpisodes) assert.ok(ep.length <= limit);
  }
  assert.ok(terminations > 10, "random CartPole terminates often");
  assert.ok(truncations > 0, "some random episodes reach the limit of 40 steps");

  // Truncation: a limit of 3 truncates every episode, and the final observation is the
  // bootstrap state (not the reset state).
  const short = VectorEnv.fromEnvs([
    new TimeLimit(new CartPoleEnv(), 3),
    new TimeLimit(new CartPoleEnv(), 3),
  ]);
  short.reset(0);
  syncStep(short, new Int32Array([0, 1]));
  syncStep(short, new Int32Array([1, 0]));
  const r = syncStep(short, new Int32Array([0, 1]));
  assert.deepEqual(Array.from(r.truncated), [1, 1]);
  assert.deepEqual(Array.from(r.terminated), [0, 0]);
  assert.notDeepEqual(r.finalObservations.subarray(0, 4), r.observations.subarray(0, 4));
  assert.deepEqual(r.finishedEpisodes.map((e) => [e.env, e.length, e.return]), [[0, 3, 3], [
    1,
    3,
    3,
  ]]);
});

Deno.test("vector: async environments (all or some) step through Promise.all", async () => {
  const sync = VectorEnv.fromEnvs([new Counter(0, 2), new Counter(1, 3), new Counter(2, 4)]);
  const mixed = VectorEnv.fromEnvs([
    new Counter(0, 2, true),
    new Counter(1, 3),
    new Counter(2, 4, true),
  ]);
  const r0 = mixed.reset(1);
  assert.ok(isPromiseLike(r0));
  assert.deepEqual(await r0, sync.reset(1));
  for (let t = 0; t < 10; t++) {
    const acts = new Int32Array([t % 3, 1, 2]);
    const p = mixed.step(acts);
    assert.ok(isPromiseLike(p));
    const a = await p;
    const b = syncStep(sync, acts);
    assert.deepEqual(a.observations, b.observations);
    assert.deepEqual(a.rewards, b.rewards);
    assert.deepEqual(a.terminated, b.terminated);
    assert.deepEqual(a.finalObservations, b.finalObservations);
    assert.deepEqual(a.finishedEpisodes, b.finishedEpisodes);
  }
  await mixed.close();
});

Deno.test("vector: box actions are split per copy; makeVectorEnv seeds copy i with seed + i", async () => {
  const v = await makeVectorEnv("MountainCarContinuous-v0", 3, { seed: 5 });
  assert.ok(v.fastPath);
  assert.equal(v.actDim, 1);
  v.reset(20);
  const singles = [0, 1, 2].map(() => new TimeLimit(new MountainCarContinuousEnv(), 999));
  const singleObs = singles.map((e, i) =>
    (e.reset({ seed: 20 + i }) as { observation: Float32Array }).observation
  );
  const r = syncStep(v, new Float32Array([1, -0.5, 0.25]));
  const expected = singles.map((e, i) =>
    (e.step(new Float32Array([[1, -0.5, 0.25][i]])) as { observation: Float32Array }).observation
  );
  assert.ok(singleObs.length === 3);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(
      Array.from(r.observations.subarray(i * 2, i * 2 + 2)),
      Array.from(expected[i]),
    );
  }
  const cp = await makeVectorEnv("CartPole-v1", 2, { seed: 1 });
  const cp2 = await makeVectorEnv("CartPole-v1", 2, { seed: 1 });
  assert.deepEqual(cp.reset(), cp2.reset(), "creation seeds make unseeded resets reproducible");
});

Deno.test("vector: errors name id, method, path and value", async () => {
  const v = VectorEnv.fromEnvs([new Counter(0, 2), new Counter(1, 2)], { id: "Counter-v0" });
  const err = (f: () => unknown): EnvError => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof EnvError);
      return e;
    }
    throw new Error("expected an EnvError");
  };
  const before = err(() => v.step(new Int32Array(2)));
  assert.match(before.message, /\[Counter-v0\] step: .*reset\(\)/);
  v.reset();
  const e = err(() => v.step(new Int32Array(3)));
  assert.equal(e.envId, "Counter-v0");
  assert.equal(e.method, "step");
  assert.equal(e.path, "actions.length");
  assert.equal(e.value, 3);
  const bad = new Counter(2, 2);
  (bad as { observationSpace: unknown }).observationSpace = {
    type: "box",
    low: 0,
    high: 1,
    shape: [3],
  };
  const m = err(() => VectorEnv.fromEnvs([new Counter(0, 2), bad], { id: "Counter-v0" }));
  assert.equal(m.path, "envs.1.observationSpace");
  const short = new Counter(0, 2);
  short.step = () => ({
    observation: [1],
    reward: 0,
    terminated: false,
    truncated: false,
    info: {},
  });
  const w = VectorEnv.fromEnvs([short], { id: "Short-v0" });
  w.reset();
  const o = err(() => w.step(new Int32Array(1)));
  assert.equal(o.path, "envs.0.observation");
  await assert.rejects(() => makeVectorEnv("CartPole-v9", 2), /did you mean CartPole-v1/);
});

Deno.test("vector: observation and reward normalisation (shared statistics, raw episode returns)", async () => {
  const n = 3;
  const gamma = 0.9;
  const raw = await makeVectorEnv("CartPole-v1", n, { maxEpisodeSteps: 30 });
  const norm = await makeVectorEnv("CartPole-v1", n, {
    maxEpisodeSteps: 30,
    normalizeObservation: { clip: 10 },
    normalizeReward: { gamma },
  });
  assert.ok(norm.obsNormalizer && norm.rewardNormalizer);
  const rms = new RunningMeanStd(4);
  const retRms = new RunningMeanStd(1);
  const returns = new Float64Array(n);
  const expectObs = (rawBuf: Float32Array, rows: number[], got: Float32Array) => {
    for (const i of rows) {
      for (let j = 0; j < 4; j++) {
        let x = (rawBuf[i * 4 + j] - rms.mean[j]) / Math.sqrt(rms.var[j] + 1e-8);
        x = Math.max(-10, Math.min(10, x));
        assert.equal(got[i * 4 + j], Math.fround(x));
      }
    }
  };
  const r0 = raw.reset(3) as Float32Array;
  const n0 = norm.reset(3) as Float32Array;
  rms.update(r0, n);
  expectObs(r0, [0, 1, 2], n0);
  const rng = new Rng(2);
  let finished = 0;
  for (let t = 0; t < 120; t++) {
    const acts = randomActions(rng, n);
    const a = syncStep(raw, acts);
    const b = syncStep(norm, acts);
    rms.update(a.observations, n);
    expectObs(a.observations, [0, 1, 2], b.observations);
    const ended = [0, 1, 2].filter((i) => a.terminated[i] || a.truncated[i]);
    expectObs(a.finalObservations, ended, b.finalObservations);
    for (let i = 0; i < n; i++) returns[i] = returns[i] * gamma + a.rewards[i];
    retRms.update(returns, n);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(b.rewards[i] - a.rewards[i] / Math.sqrt(retRms.var[0] + 1e-8)) < 1e-12);
      if (a.terminated[i] || a.truncated[i]) returns[i] = 0;
    }
    assert.deepEqual(
      b.finishedEpisodes,
      a.finishedEpisodes,
      "finished episodes report raw returns",
    );
    finished += b.finishedEpisodes.length;
  }
  assert.ok(finished > 5);

  // Save/restore: a fresh vector env with the saved statistics behaves identically.
  const obsState = JSON.parse(JSON.stringify(norm.obsNormalizer!.getState()));
  const rewState = JSON.parse(JSON.stringify(norm.rewardNormalizer!.getState()));
  const copy = await makeVectorEnv("CartPole-v1", n, {
    maxEpisodeSteps: 30,
    normalizeObservation: true,
    normalizeReward: true,
  });
  copy.obsNormalizer!.setState(obsState);
  copy.rewardNormalizer!.setState(rewState);
  assert.equal(copy.obsNormalizer!.clip, 10);
  assert.equal(copy.rewardNormalizer!.gamma, gamma);
  for (const v of [norm, copy]) {
    v.obsNormalizer!.training = false;
    v.rewardNormalizer!.training = false;
  }
  assert.deepEqual(norm.reset(99), copy.reset(99));
  for (let t = 0; t < 40; t++) {
    const acts = randomActions(rng, n);
    const a = syncStep(norm, acts);
    const b = syncStep(copy, acts);
    assert.deepEqual(a.observations, b.observations);
    assert.deepEqual(a.rewards, b.rewards);
  }
  assert.deepEqual(norm.obsNormalizer!.getState(), obsState, "frozen statistics do not move");
  const spec = norm.obsNormalizer!.toSpec();
  assert.deepEqual(Array.from(spec.mean), obsState.rms.mean);
  assert.equal(spec.clip, 10);
});

Deno.test("vector: nested TimeLimits keep the fast path with the tightest limit", () => {
  const v = VectorEnv.fromEnvs([new TimeLimit(new TimeLimit(new CartPoleEnv(), 2), 5)]);
  assert.ok(v.fastPath);
  v.reset(0);
  assert.equal(syncStep(v, new Int32Array([0])).truncated[0], 0);
  assert.equal(syncStep(v, new Int32Array([1])).truncated[0], 1);
});

/** A stateful env with no fast path: x ← x + a − ½ + noise(seeded at reset), never ends. */
class Drift implements Env {
  readonly observationSpace = { type: "box" as const, low: -100, high: 100, shape: [1] };
  readonly actionSpace = { type: "discrete" as const, n: 2 };
  #x = 0;
  #rng = new Rng(0);
  reset(o?: ResetOptions) {
    if (o?.seed !== undefined) this.#rng.seed(o.seed);
    this.#x = this.#rng.uniform();
    return { observation: [this.#x], info: {} };
  }
  step(a: Action): StepResult {
    this.#x += (a as number) - 0.5;
    return {
      observation: [this.#x],
      reward: this.#x,
      terminated: false,
      truncated: false,
      info: {},
    };
  }
  getState(): number[] {
    return [this.#x];
  }
  setState(s: ArrayLike<number>): void {
    this.#x = s[0];
  }
}

/** CartPole without its fast path (getState/setState kept): the generic path. */
class SlowCartPole extends Wrapper<CartPoleEnv> {
  getState(): number[] {
    return this.env.getState();
  }
  setState(s: ArrayLike<number>): void {
    this.env.setState(s);
  }
}

const stateOpts = {
  normalizeObservation: { clip: 10 },
  normalizeReward: { gamma: 0.9, clip: 10 },
  seedStreams: true,
};

/** Steps `v` `steps` times with actions from `Rng(seed)`; snapshots every result. */
function trace(v: VectorEnv, steps: number, rng: Rng) {
  const out = [];
  for (let t = 0; t < steps; t++) {
    const r = syncStep(v, randomActions(rng, v.numEnvs));
    out.push(JSON.parse(JSON.stringify({
      observations: Array.from(r.observations),
      rewards: Array.from(r.rewards),
      terminated: Array.from(r.terminated),
      truncated: Array.from(r.truncated),
      finalObservations: Array.from(r.finalObservations).map((x, j) =>
        r.terminated[Math.floor(j / v.obsDim)] || r.truncated[Math.floor(j / v.obsDim)] ? x : 0
      ),
      finished: r.finishedEpisodes,
    })));
  }
  return out;
}

/** An uninterrupted run against one saved after `cut` steps and resumed in a new vector env. */
function assertResumeExact(make: () => VectorEnv, steps: number, cut: number) {
  const whole = make();
  whole.reset(3);
  const expected = trace(whole, steps, new Rng(4));
  const first = make();
  first.reset(3);
  const rng = new Rng(4);
  const head = trace(first, cut, rng);
  const state = JSON.parse(JSON.stringify(first.getState()));
  assert.ok(state.exact);
  const second = make();
  const done = second.setState(state);
  assert.ok(!isPromiseLike(done), "an exact state of sync envs restores synchronously");
  assert.deepEqual([...head, ...trace(second, steps - cut, rng)], expected);
  return expected;
}

Deno.test("vector: the generic path counts the time limit across a resume (5-step limit)", () => {
  const make = () =>
    VectorEnv.fromEnvs([new TimeLimit(new Drift(), 5), new TimeLimit(new Drift(), 5)], stateOpts);
  assert.equal(make().fastPath, false);
  for (const cut of [2, 5, 7]) {
    const steps = assertResumeExact(make, 23, cut);
    // Every episode is cut at its 5th step (steps 5, 10, 15, 20), uninterrupted or resumed.
    const truncatedAt = steps.flatMap((s, t) => (s.truncated[0] ? [t + 1] : []));
    assert.deepEqual(truncatedAt, [5, 10, 15, 20]);
    for (const s of steps) for (const e of s.finished) assert.equal(e.length, 5);
  }
});

Deno.test("vector: resume is bit-identical on the fast and the generic path (normalised, time limit)", () => {
  const fast = () =>
    VectorEnv.fromEnvs(
      [0, 1, 2].map(() => new TimeLimit(new CartPoleEnv(), 9)),
      stateOpts,
    );
  const slow = () =>
    VectorEnv.fromEnvs(
      [0, 1, 2].map(() => new TimeLimit(new SlowCartPole(new CartPoleEnv()), 9)),
      stateOpts,
    );
  assert.ok(fast().fastPath);
  assert.ok(!slow().fastPath);
  const a = assertResumeExact(fast, 120, 31);
  const b = assertResumeExact(slow, 120, 31);
  assert.deepEqual(a, b, "both paths step the same episodes");
  assert.ok(a.some((s) => s.terminated.includes(1)), "some episodes terminate");
  assert.ok(a.some((s) => s.truncated.includes(1)), "some episodes are truncated");
  // Later episodes are seeded from the streams, so copies diverge from their first seeds.
  const v = fast();
  v.reset(3);
  const restarted = v.setState({ ...v.getState(), exact: false, envStates: [null, null, null] });
  assert.ok(!isPromiseLike(restarted));
  assert.equal(v.getState().lengths.join(), "0,0,0", "an inexact state restarts the episodes");
});
