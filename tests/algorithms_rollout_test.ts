import assert from "node:assert/strict";
import "./algorithms_toy_envs.ts";
import { Rng } from "../random.ts";
import { backward, conjugateGradient, Parameter, sum, tensor } from "../nn/mod.ts";
import { ActorCritic } from "../policies/actor_critic.ts";
import { adaptKlCoef, collectRollout, RolloutBuffer } from "../algorithms/mod.ts";
import { makeVectorEnv } from "../envs/vector.ts";
import { RolloutScratch } from "../algorithms/rollout.ts";
import {
  clippedSurrogateLoss,
  clippedValueLoss,
  klPenaltyLoss,
  policyGradientLoss,
} from "../algorithms/losses.ts";

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

Deno.test("clipped surrogate: value and gradient match hand computation", () => {
  const ratio = new Parameter("r", 3, 1, [0.5, 1, 1.5]);
  const adv = tensor([1, -1, 2], 3, 1);
  const loss = clippedSurrogateLoss(ratio, adv, 0.2);
  // −mean(min(0.5, 0.8), min(−1, −1), min(3, 2.4)) = −(0.5 − 1 + 2.4)/3
  close(loss.item(), -(0.5 - 1 + 2.4) / 3);
  backward(loss);
  close(ratio.grad[0], -1 / 3); // unclipped: −A/n
  close(ratio.grad[1], 1 / 3);
  close(ratio.grad[2], 0); // clipped: no gradient
});

Deno.test("value, KL-penalty and policy-gradient losses match hand computation", () => {
  const v = tensor([1, 3], 2, 1), old = tensor([2, 2], 2, 1), R = tensor([0, 0], 2, 1);
  close(clippedValueLoss(v, old, R, 0.5).item(), 0.5 * (2.25 + 9) / 2);
  const kl = klPenaltyLoss(tensor([1, 2], 2, 1), tensor([1, 1], 2, 1), tensor([0.1, 0.3], 2, 1), 2);
  close(kl.item(), -1.5 + 2 * 0.2);
  const lp = new Parameter("lp", 2, 1, [-0.5, -1]);
  const pg = policyGradientLoss(lp, tensor([2, -1], 2, 1));
  close(pg.item(), -(-1 + 1) / 2);
  backward(sum(pg));
  close(lp.grad[0], -1);
  close(lp.grad[1], 0.5);
});

Deno.test("PPO-KL β doubles above 1.5·target and halves below target/1.5", () => {
  assert.equal(adaptKlCoef(1, 0.02, 0.01), 2);
  assert.equal(adaptKlCoef(1, 0.005, 0.01), 0.5);
  assert.equal(adaptKlCoef(1, 0.01, 0.01), 1);
});

Deno.test("conjugate gradient solves a small SPD system", () => {
  const A = [[4, 1], [1, 3]];
  const x = conjugateGradient(
    (v) => Float64Array.from([A[0][0] * v[0] + A[0][1] * v[1], A[1][0] * v[0] + A[1][1] * v[1]]),
    Float64Array.from([1, 2]),
    10,
  );
  close(x[0], 1 / 11, 1e-12);
  close(x[1], 7 / 11, 1e-12);
});

async function rollout(env: string, T: number) {
  const envs = await makeVectorEnv(env, 1, { seedStreams: true });
  envs.reset(0);
  const policy = new ActorCritic({
    observationSpace: envs.singleObservationSpace,
    actionSpace: envs.singleActionSpace,
    hiddenSizes: [4],
    rng: new Rng(1),
  });
  const buf = new RolloutBuffer(policy, T, 1);
  const ok = await collectRollout(
    { policy, envs, rng: new Rng(2), toEnvActions: (a) => a, onStep: () => true },
    buf,
    new RolloutScratch(policy, 1),
  );
  assert.ok(ok);
  const v = (x: number) => policy.valuesInto(new Float32Array([x]), 1, new Float32Array(1))[0];
  return { buf, v };
}

Deno.test("rollout: a truncated episode bootstraps from v(final observation)", async () => {
  const { buf, v } = await rollout("TestStill-v0", 5);
  // Steps see observations 0, 1, 2 | 0, 1; the third step is cut by the time limit.
  assert.deepEqual(Array.from(buf.obs), [0, 1, 2, 0, 1]);
  assert.deepEqual(Array.from(buf.truncated), [0, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(buf.terminated), [0, 0, 0, 0, 0]);
  close(buf.finalValues[2], v(3));
  close(buf.lastValues[0], v(2));
  buf.computeAdvantages(0.9, 1);
  // A_2 = r + γ v(final obs 3) − v(2); the next row (a new episode) is not used.
  close(buf.advantages[2], 1 + 0.9 * v(3) - v(2), 1e-5);
  close(buf.advantages[4], 1 + 0.9 * v(2) - v(1), 1e-5);
});

Deno.test("rollout: a terminated episode does not bootstrap", async () => {
  const { buf } = await rollout("TestBandit-v0", 3);
  assert.deepEqual(Array.from(buf.terminated), [1, 1, 1]);
  assert.deepEqual(Array.from(buf.finalValues), [0, 0, 0]);
  buf.computeAdvantages(0.99, 0.95);
  for (let t = 0; t < 3; t++) close(buf.advantages[t], buf.rewards[t] - buf.values[t], 1e-6);
});

Deno.test("VectorEnv state round trip continues identically", async () => {
  const opts = { normalizeObservation: { clip: 10 }, seedStreams: true };
  const a = await makeVectorEnv("CartPole-v1", 2, opts);
  a.reset(5);
  const acts = new Int32Array([1, 0]);
  for (let i = 0; i < 30; i++) a.step(acts);
  const state = a.getState();
  assert.ok(state.exact);
  const b = await makeVectorEnv("CartPole-v1", 2, opts);
  await b.setState(JSON.parse(JSON.stringify(state)));
  for (let i = 0; i < 200; i++) {
    acts[0] = i % 2;
    acts[1] = (i >> 1) % 2;
    const ra = a.step(acts), rb = b.step(acts);
    if (ra instanceof Promise || rb instanceof Promise) throw new Error("sync expected");
    assert.deepEqual(rb.observations, ra.observations);
    assert.deepEqual(rb.terminated, ra.terminated);
  }
});
