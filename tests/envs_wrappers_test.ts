import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { RunningMeanStd } from "../envs/running_stats.ts";
import {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  ObservationNormalizer,
  RecordEpisodeStatistics,
  RewardNormalizer,
  TimeLimit,
  Wrapper,
} from "../envs/wrappers/mod.ts";
import {
  type Action,
  type Env,
  isFastStepEnv,
  isPromiseLike,
  type MaybePromise,
  type ResetOptions,
  type StepResult,
} from "../envs/types.ts";
import { CartPoleEnv } from "../envs/classic/mod.ts";

/** Scripted env: observation = [t, noise], reward = scripted, terminates at step `endAt`. */
class Script implements Env {
  readonly observationSpace = { type: "box" as const, low: -Infinity, high: Infinity, shape: [2] };
  readonly actionSpace = { type: "box" as const, low: [-1, 0], high: [1, 2], shape: [2] };
  t = 0;
  lastAction: Float32Array | null = null;
  #rng = new Rng(0);
  constructor(readonly endAt = 1e9, readonly rewards: number[] = [], readonly async = false) {}
  #obs() {
    return new Float32Array([this.t, this.#rng.normal() * 3 + 1]);
  }
  reset(o?: ResetOptions) {
    if (o?.seed !== undefined) this.#rng.seed(o.seed);
    this.t = 0;
    const r = { observation: this.#obs(), info: {} };
    return this.async ? Promise.resolve(r) : r;
  }
  step(a: Action): MaybePromise<StepResult> {
    this.lastAction = a as Float32Array;
    this.t++;
    const r = {
      observation: this.#obs(),
      reward: this.rewards[(this.t - 1) % Math.max(1, this.rewards.length)] ?? 1,
      terminated: this.t >= this.endAt,
      truncated: false,
      info: { t: this.t },
    };
    return this.async ? Promise.resolve(r) : r;
  }
}

const sync = <T>(x: MaybePromise<T>): T => {
  assert.ok(!isPromiseLike(x), "a sync env must stay sync through wrappers");
  return x as T;
};

Deno.test("TimeLimit truncates at the limit; both flags can be true; reset restarts the count", () => {
  const env = new TimeLimit(new Script(), 3);
  sync(env.reset());
  assert.equal(sync(env.step(new Float32Array(2))).truncated, false);
  assert.equal(sync(env.step(new Float32Array(2))).truncated, false);
  const third = sync(env.step(new Float32Array(2)));
  assert.equal(third.truncated, true);
  assert.equal(third.terminated, false);
  sync(env.reset());
  assert.equal(env.elapsedSteps, 0);

  const both = new TimeLimit(new Script(2), 2);
  both.reset();
  both.step(new Float32Array(2));
  const r = sync(both.step(new Float32Array(2)));
  assert.ok(r.terminated && r.truncated, "terminal step at the limit carries both flags");
  assert.throws(() => new TimeLimit(new Script(), 0), /positive integer, got 0/);
});

Deno.test("TimeLimit forwards getState/setState and the fast path only when present", () => {
  const plain = new TimeLimit(new Script(), 5);
  assert.equal(plain.getState, undefined);
  assert.ok(!isFastStepEnv(plain));
  assert.equal(plain.fastEnv, null);

  const cp = new CartPoleEnv();
  const env = new TimeLimit(cp, 500);
  assert.ok(isFastStepEnv(env));
  assert.equal(env.fastEnv, cp);
  env.reset({ seed: 3 });
  env.setState!([0.1, 0.2, 0.03, 0.04]);
  assert.deepEqual(env.getState!(), cp.getState());
  assert.deepEqual(env.getState!(), [0.1, 0.2, 0.03, 0.04]);
  const out = new Float32Array(4);
  const flags = new Uint8Array(1);
  env.resetInto!(out, 0, 1);
  env.stepInto!(1, out, 0, flags, 0);
  assert.equal(env.elapsedSteps, 1);
});

Deno.test("wrappers stay async for async envs", async () => {
  const env = new TimeLimit(new RecordEpisodeStatistics(new Script(2, [], true)), 10);
  const r0 = env.reset();
  assert.ok(isPromiseLike(r0));
  await r0;
  await env.step(new Float32Array(2));
  const r = await env.step(new Float32Array(2));
  assert.deepEqual((r.info.episode as { r: number; l: number }).l, 2);
  assert.ok(env.unwrapped instanceof Script);
});

Deno.test("RecordEpisodeStatistics adds info.episode = {r, l, t} at the end only", () => {
  const env = new RecordEpisodeStatistics(new Script(3, [0.5, 2, -1]));
  env.reset();
  const a = new Float32Array(2);
  assert.equal(sync(env.step(a)).info.episode, undefined);
  env.step(a);
  const last = sync(env.step(a));
  const ep = last.info.episode as { r: number; l: number; t: number };
  assert.equal(ep.r, 1.5);
  assert.equal(ep.l, 3);
  assert.ok(ep.t >= 0);
  assert.equal(last.info.t, 3, "the inner info is kept");
  env.reset();
  for (let i = 0; i < 3; i++) env.step(a);
  assert.deepEqual(env.returnQueue, [1.5, 1.5]);
  assert.deepEqual(env.lengthQueue, [3, 3]);
});

Deno.test("RunningMeanStd: Chan's merge equals the statistics of all rows", () => {
  const rng = new Rng(4);
  const rows = 500;
  const data = new Float32Array(rows * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * (1 + (i % 3)) + (i % 3) * 10;
  const batched = new RunningMeanStd(3);
  for (let r = 0; r < rows; r += 50) batched.update(data, 50, r * 3);
  const single = new RunningMeanStd(3);
  for (let r = 0; r < rows; r++) single.update(data, 1, r * 3);
  for (let j = 0; j < 3; j++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += data[r * 3 + j];
    m /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (data[r * 3 + j] - m) ** 2;
    v /= rows;
    // The initial ε count (1e-4 of a row at mean 0, var 1) shifts results by ~1e-6 relative.
    assert.ok(
      Math.abs(batched.mean[j] - m) < 1e-5 * (1 + Math.abs(m)),
      `mean ${batched.mean[j]} vs ${m}`,
    );
    assert.ok(Math.abs(batched.var[j] - v) < 1e-4 * (1 + v), `var ${batched.var[j]} vs ${v}`);
    assert.ok(Math.abs(single.mean[j] - batched.mean[j]) < 1e-9);
    assert.ok(Math.abs(single.var[j] - batched.var[j]) < 1e-9);
  }
  assert.ok(Math.abs(batched.count - (rows + 1e-4)) < 1e-9);
  const copy = new RunningMeanStd(3);
  copy.setState(JSON.parse(JSON.stringify(batched.getState())));
  assert.deepEqual(copy.mean, batched.mean);
  assert.deepEqual(copy.var, batched.var);
  assert.throws(() => copy.setState({ mean: [0], var: [1], count: 1 }), /3 finite numbers/);
});

Deno.test("NormalizeObservation: Gymnasium's formula, freezing, clipping, state save/restore", () => {
  const env = new NormalizeObservation(new Script(), {});
  const inner = new Script();
  const rms = new RunningMeanStd(2);
  const check = (normalised: ArrayLike<number>, raw: ArrayLike<number>) => {
    rms.update(raw, 1);
    for (let j = 0; j < 2; j++) {
      const expected = Math.fround((raw[j] - rms.mean[j]) / Math.sqrt(rms.var[j] + 1e-8));
      assert.equal(normalised[j], expected);
    }
  };
  check(sync(env.reset({ seed: 1 })).observation, sync(inner.reset({ seed: 1 })).observation);
  const a = new Float32Array(2);
  for (let i = 0; i < 20; i++) {
    check(sync(env.step(a)).observation, sync(inner.step(a)).observation);
  }
  assert.equal(env.observationSpace.type === "box" && env.observationSpace.low, -Infinity);

  // Freeze: statistics stop changing.
  env.training = false;
  const frozen = env.getNormState();
  env.step(a);
  assert.deepEqual(env.getNormState(), frozen);
  env.training = true;

  // Save/restore: a fresh wrapper with the saved state normalises identically.
  const saved = JSON.parse(JSON.stringify(env.getNormState()));
  const other = new NormalizeObservation(new Script(), {});
  other.setNormState(saved);
  other.training = false;
  env.training = false;
  const o1 = env.normalizer.normalize([3, -2]);
  const o2 = other.normalizer.normalize([3, -2]);
  assert.deepEqual(o1, o2);
  const spec = other.toSpec();
  assert.deepEqual(Array.from(spec.mean), saved.rms.mean);
  assert.equal(spec.clip, Infinity);
  assert.equal(spec.epsilon, 1e-8);

  const clipped = new NormalizeObservation(new Script(), { clip: 0.5 });
  clipped.reset({ seed: 2 });
  for (let i = 0; i < 10; i++) {
    for (const v of sync(clipped.step(a)).observation as Float32Array) {
      assert.ok(Math.abs(v) <= 0.5);
    }
  }
  assert.equal(clipped.getNormState().clip, 0.5);
  assert.throws(() => new ObservationNormalizer(2, { clip: 0 }), /clip must be > 0/);
});

Deno.test("NormalizeReward: Gymnasium's G ← G·γ·(1 − terminated) + r, r / √(var + ε)", () => {
  const rewards = [1, -2, 0.5, 3, 0, 1];
  const gamma = 0.9;
  const env = new NormalizeReward(new Script(4, rewards), { gamma });
  env.reset();
  const inner = new Script(4, rewards);
  inner.reset();
  // Independent reference: returns list and population variance with the ε count.
  let g = 0;
  const seen: number[] = [];
  const a = new Float32Array(2);
  for (let i = 0; i < 12; i++) {
    const raw = sync(inner.step(a));
    const got = sync(env.step(a));
    if (raw.terminated) {
      inner.reset();
      env.reset();
    }
    g = g * gamma * (raw.terminated ? 0 : 1) + raw.reward;
    seen.push(g);
    const count = seen.length + 1e-4;
    const mean = seen.reduce((x, y) => x + y, 0) / count;
    // The ε count 1e-4 is a pseudo-sample with mean 0 and variance 1 (second moment 1).
    const variance = (1e-4 * 1 + seen.reduce((x, y) => x + y * y, 0)) / count - mean * mean;
    const expected = raw.reward / Math.sqrt(variance + 1e-8);
    assert.ok(
      Math.abs(got.reward - expected) < 1e-9 * (1 + Math.abs(expected)),
      `${got.reward} vs ${expected}`,
    );
  }
  const saved = JSON.parse(JSON.stringify(env.getNormState()));
  const other = new NormalizeReward(new Script(4, rewards), { gamma });
  other.setNormState(saved);
  assert.deepEqual(other.getNormState(), saved);

  const clipped = new NormalizeReward(new Script(1e9, [100]), { clip: 2 });
  clipped.reset();
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(sync(clipped.step(a)).reward) <= 2);
  assert.throws(() => new RewardNormalizer(2, { gamma: 2 }), /gamma must be in \[0, 1\]/);
});

Deno.test("ClipAction clips into the inner box and widens the advertised space", () => {
  const inner = new Script();
  const env = new ClipAction(inner);
  env.reset();
  env.step(new Float32Array([5, -3]));
  assert.deepEqual(Array.from(inner.lastAction!), [1, 0]);
  env.step(new Float32Array([-0.5, 1.5]));
  assert.deepEqual(Array.from(inner.lastAction!), [-0.5, 1.5]);
  assert.equal(env.actionSpace.type === "box" && env.actionSpace.high, Infinity);
  assert.throws(() => env.step(new Float32Array(3)), /2 elements/);
  assert.throws(
    () =>
      new ClipAction(
        { ...new Script(), actionSpace: { type: "discrete", n: 2 } } as unknown as Env,
      ),
    /box action space/,
  );
});

Deno.test("Wrapper forwards close and render", async () => {
  let closed = false;
  const env: Env = {
    observationSpace: { type: "discrete", n: 1 },
    actionSpace: { type: "discrete", n: 1 },
    reset: () => ({ observation: [0], info: {} }),
    step: () => ({ observation: [0], reward: 0, terminated: true, truncated: false, info: {} }),
    close: () => {
      closed = true;
    },
    render: () => "frame",
  };
  const w = new Wrapper(new Wrapper(env));
  assert.equal(await w.render(), "frame");
  await w.close();
  assert.ok(closed);
});
