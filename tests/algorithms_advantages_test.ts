import assert from "node:assert/strict";
import {
  explainedVariance,
  gae,
  normalize,
  nStepAdvantages,
  returnsToGo,
  tdErrors,
} from "../algorithms/advantages.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

Deno.test("returnsToGo: hand-computed discounted sums", () => {
  const g = returnsToGo([1, 2, 3], 0.9);
  close(g[2], 3);
  close(g[1], 2 + 0.9 * 3);
  close(g[0], 1 + 0.9 * 2 + 0.81 * 3);
  const b = returnsToGo([1, 2], 0.5, 10);
  close(b[1], 2 + 5);
  close(b[0], 1 + 0.5 * 7);
  assert.equal(returnsToGo([], 0.9).length, 0);
  assert.throws(() => returnsToGo([1], 1.5), /gamma must be in \[0, 1\], got 1.5/);
});

Deno.test("gae: single env, no episode end, matches hand computation", () => {
  const gamma = 0.9, lambda = 0.8;
  const r = [1, 0, 2], v = [0.5, 0.2, 0.1], last = 0.3;
  const res = gae({
    numSteps: 3,
    numEnvs: 1,
    rewards: r,
    values: v,
    terminated: [0, 0, 0],
    truncated: [0, 0, 0],
    finalValues: [0, 0, 0],
    lastValues: [last],
    gamma,
    lambda,
  });
  const d2 = 2 + gamma * last - 0.1;
  const d1 = 0 + gamma * 0.1 - 0.2;
  const d0 = 1 + gamma * 0.2 - 0.5;
  const a2 = d2, a1 = d1 + gamma * lambda * a2, a0 = d0 + gamma * lambda * a1;
  close(res.advantages[0], a0);
  close(res.advantages[1], a1);
  close(res.advantages[2], a2);
  close(res.returns[0], a0 + 0.5);
});

Deno.test("gae: termination does not bootstrap, truncation bootstraps from V(final obs)", () => {
  // 2 steps × 2 envs. Env 0 terminates at t=0, env 1 is truncated at t=0.
  const gamma = 0.5, lambda = 0.9;
  const res = gae({
    numSteps: 2,
    numEnvs: 2,
    rewards: [1, 1, 1, 1],
    values: [0.4, 0.4, 100, 100], // row 1 belongs to new episodes: must not leak into t=0
    terminated: [1, 0, 0, 0],
    truncated: [0, 1, 0, 0],
    finalValues: [7, 3, 0, 0], // env 0's final value must be ignored (terminated)
    lastValues: [2, 2],
    gamma,
    lambda,
  });
  close(res.advantages[0], 1 - 0.4); // δ = r − V, no continuation
  close(res.advantages[1], 1 + gamma * 3 - 0.4); // bootstrap from V(final obs) = 3
  close(res.advantages[2], 1 + gamma * 2 - 100);
  close(res.advantages[3], 1 + gamma * 2 - 100);
});

Deno.test("gae: terminated and truncated on the same step does not bootstrap", () => {
  const res = gae({
    numSteps: 1,
    numEnvs: 1,
    rewards: [1],
    values: [0],
    terminated: [1],
    truncated: [1],
    finalValues: [5],
    lastValues: [9],
    gamma: 0.9,
    lambda: 0.95,
  });
  close(res.advantages[0], 1);
});

Deno.test("gae: λ = 1 equals returns-to-go minus baseline; λ = 0 equals TD errors", () => {
  const T = 6, gamma = 0.97;
  const rewards = [0.3, -1, 2, 0.5, 1, -0.2];
  const values = [0.1, 0.2, -0.3, 0.4, 0.5, 0.6];
  const zeros = new Array(T).fill(0);
  const terminated = [...zeros];
  terminated[T - 1] = 1;
  const base = {
    numSteps: T,
    numEnvs: 1,
    rewards,
    values,
    terminated,
    truncated: zeros,
    finalValues: zeros,
    lastValues: [123],
    gamma,
  };
  const mc = nStepAdvantages(base);
  const g = returnsToGo(rewards, gamma);
  for (let t = 0; t < T; t++) {
    close(mc.advantages[t], g[t] - values[t], 1e-12);
    close(mc.returns[t], g[t], 1e-12);
  }
  const td = tdErrors(base);
  for (let t = 0; t < T - 1; t++) {
    close(td.advantages[t], rewards[t] + gamma * values[t + 1] - values[t]);
  }
  close(td.advantages[T - 1], rewards[T - 1] - values[T - 1]);
});

Deno.test("gae: n-step advantage bootstraps from the last value", () => {
  const gamma = 0.9;
  const res = nStepAdvantages({
    numSteps: 3,
    numEnvs: 1,
    rewards: [1, 1, 1],
    values: [0, 0, 0],
    terminated: [0, 0, 0],
    truncated: [0, 0, 0],
    finalValues: [0, 0, 0],
    lastValues: [10],
    gamma,
  });
  close(res.advantages[0], 1 + gamma + gamma ** 2 + gamma ** 3 * 10);
});

Deno.test("gae: length errors name the field", () => {
  assert.throws(
    () =>
      gae({
        numSteps: 2,
        numEnvs: 2,
        rewards: [1, 2, 3],
        values: [0, 0, 0, 0],
        terminated: [0, 0, 0, 0],
        truncated: [0, 0, 0, 0],
        finalValues: [0, 0, 0, 0],
        lastValues: [0, 0],
        gamma: 0.9,
        lambda: 0.9,
      }),
    /rewards has length 3, expected numSteps × numEnvs = 2 × 2 = 4/,
  );
});

Deno.test("explainedVariance and normalize", () => {
  close(explainedVariance([1, 2, 3], [1, 2, 3]), 1);
  close(explainedVariance([2, 2, 2], [1, 2, 3]), 0);
  assert.ok(Number.isNaN(explainedVariance([1, 2], [1, 1])));
  const x = normalize(new Float64Array([1, 2, 3, 4]));
  close(x.reduce((a, b) => a + b, 0), 0, 1e-12);
  const ss = x.reduce((a, b) => a + b * b, 0) / 3;
  close(ss, 1, 1e-6);
});
