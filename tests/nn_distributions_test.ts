/**
 * Categorical and DiagGaussian: closed-form entropy and KL against Monte Carlo estimates
 * from the distributions' own samplers (N = 100,000 draws; tolerance 5 standard errors of
 * the estimate, computed from the sample variance), sampling frequencies and moments,
 * log-probabilities against direct formulas, seeded determinism and shape errors.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as nn from "../nn/mod.ts";

const N = 100_000;

/** Mean and standard error of `values`. */
function meanSe(values: Float64Array): [number, number] {
  let s = 0, s2 = 0;
  for (const v of values) {
    s += v;
    s2 += v * v;
  }
  const m = s / values.length;
  return [m, Math.sqrt(Math.max(s2 / values.length - m * m, 0) / values.length)];
}

function assertMc(name: string, closed: number, samples: Float64Array): void {
  const [m, se] = meanSe(samples);
  assert.ok(
    Math.abs(m - closed) <= 5 * se + 1e-6,
    `${name}: closed form ${closed}, Monte Carlo ${m} ± ${se}`,
  );
}

Deno.test("Categorical: entropy and KL match Monte Carlo; sample frequencies match probs", () => {
  const p = nn.tensor([0.3, -1.2, 1.5, 0.1], 1, 4), q = nn.tensor([-0.4, 0.8, 0.2, 0.0], 1, 4);
  const dp = new nn.Categorical(p), dq = new nn.Categorical(q);
  const lp = dp.logProbs.data, lq = dq.logProbs.data, probs = dp.probs.data;
  const rng = new Rng(1);
  const negLogP = new Float64Array(N), logRatio = new Float64Array(N);
  const counts = [0, 0, 0, 0];
  const a = new Int32Array(1);
  for (let i = 0; i < N; i++) {
    dp.sample(rng, a);
    counts[a[0]]++;
    negLogP[i] = -lp[a[0]];
    logRatio[i] = lp[a[0]] - lq[a[0]];
  }
  assertMc("Categorical entropy", dp.entropy().item(), negLogP);
  assertMc("Categorical KL", dp.kl(dq).item(), logRatio);
  for (let j = 0; j < 4; j++) {
    const se = Math.sqrt((probs[j] * (1 - probs[j])) / N);
    assert.ok(Math.abs(counts[j] / N - probs[j]) < 5 * se, `frequency of action ${j}`);
  }
  // closed forms against direct sums
  let h = 0, kl = 0;
  for (let j = 0; j < 4; j++) {
    h -= Math.exp(lp[j]) * lp[j];
    kl += Math.exp(lp[j]) * (lp[j] - lq[j]);
  }
  assert.ok(Math.abs(dp.entropy().item() - h) < 1e-6);
  assert.ok(Math.abs(dp.kl(dq).item() - kl) < 1e-6);
  assert.ok(Math.abs(dp.kl(dp).item()) < 1e-7, "KL(p‖p) = 0");
});

Deno.test("Categorical: logProb, mode, several rows, determinism, errors", () => {
  const logits = nn.tensor([1, 2, 3, 3, 2, 1], 2, 3);
  const d = new nn.Categorical(logits);
  const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
  assert.ok(Math.abs(d.logProb([2, 1]).data[0] - (3 - lse)) < 1e-6);
  assert.ok(Math.abs(d.logProb([2, 1]).data[1] - (2 - lse)) < 1e-6);
  assert.deepEqual([...d.mode()], [2, 0]);
  assert.deepEqual([...d.sample(new Rng(9))], [...d.sample(new Rng(9))]);
  assert.throws(() => d.logProb([0]), /gather: 1 indices for a 2×3 tensor/);
  assert.throws(() => d.logProb([0, 3]), /index 3 at row 1 is outside \[0, 3\)/);
  assert.throws(
    () => d.kl(new nn.Categorical(nn.tensor([0, 0], 1, 2))),
    /Categorical.kl: shapes 2×3 and 1×2/,
  );
});

Deno.test("MultiCategorical: sums of the factors; entropy and KL match Monte Carlo", () => {
  const nvec = [3, 2];
  const p = nn.tensor([0.3, -1.2, 1.5, 0.4, -0.1, 1, 1, 1, 2, -2], 2, 5);
  const q = nn.tensor([-0.4, 0.8, 0.2, 0.0, 1.1, 0, 1, 0, 0, 0], 2, 5);
  const dp = new nn.MultiCategorical(p, nvec), dq = new nn.MultiCategorical(q, nvec);
  // against the two categoricals built by hand
  for (let i = 0; i < 2; i++) {
    const row = (t: nn.Tensor, o: number, w: number) =>
      new nn.Categorical(nn.tensor(t.data.slice(i * 5 + o, i * 5 + o + w), 1, w));
    const [p0, p1, q0, q1] = [row(p, 0, 3), row(p, 3, 2), row(q, 0, 3), row(q, 3, 2)];
    const h = p0.entropy().item() + p1.entropy().item();
    const kl = p0.kl(q0).item() + p1.kl(q1).item();
    const lp = p0.logProb([2]).item() + p1.logProb([1]).item();
    assert.ok(Math.abs(dp.entropy().data[i] - h) < 1e-6, `entropy of row ${i}`);
    assert.ok(Math.abs(dp.kl(dq).data[i] - kl) < 1e-6, `KL of row ${i}`);
    assert.ok(Math.abs(dp.logProb([2, 1, 2, 1]).data[i] - lp) < 1e-6, `logProb of row ${i}`);
  }
  // Monte Carlo over joint samples of row 0 (samples from sample() and the rollout sampler)
  const rng = new Rng(4), one = new nn.MultiCategorical(nn.tensor(p.data.slice(0, 5), 1, 5), nvec);
  const oneQ = new nn.MultiCategorical(nn.tensor(q.data.slice(0, 5), 1, 5), nvec);
  const negLogP = new Float64Array(N), logRatio = new Float64Array(N);
  const a = new Int32Array(2), lps = new Float32Array(1), scratch = new Float64Array(3);
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) one.sample(rng, a);
    else nn.sampleMultiCategoricalRows(p.data, 1, nvec, rng, a, lps, false, scratch);
    const lp = one.logProb(a).item();
    if (i % 2 === 1) assert.ok(Math.abs(lps[0] - lp) < 1e-5, "sampler logProb");
    negLogP[i] = -lp;
    logRatio[i] = lp - oneQ.logProb(a).item();
  }
  assertMc("MultiCategorical entropy", one.entropy().item(), negLogP);
  assertMc("MultiCategorical KL", one.kl(oneQ).item(), logRatio);
  // deterministic: each block's arg-max
  const acts = new Int32Array(4), lp2 = new Float32Array(2);
  nn.sampleMultiCategoricalRows(p.data, 2, nvec, rng, acts, lp2, true, scratch);
  assert.deepEqual([...acts], [2, 0, 0, 0]); // row 1: first of the tied [1, 1, 1]
  assert.throws(() => new nn.MultiCategorical(p, [3, 3]), /nvec \[3,3\] needs 6 columns/);
  assert.throws(() => dp.logProb([0, 0]), /2 actions for 2 rows × 2/);
  assert.throws(() => dp.kl(new nn.MultiCategorical(p, [2, 3])), /nvec \[3,2\] and \[2,3\] differ/);
});

Deno.test("DiagGaussian: entropy and KL match Monte Carlo; sample moments", () => {
  const d = 3;
  const mean = nn.tensor([0.5, -1, 2], 1, d), logStd = nn.tensor([-0.5, 0.3, 0], 1, d);
  const mean2 = nn.tensor([0, -0.5, 2.5], 1, d), logStd2 = nn.tensor([0.1, 0.1, -0.4], 1, d);
  const p = new nn.DiagGaussian(mean, logStd), q = new nn.DiagGaussian(mean2, logStd2);
  const rng = new Rng(2);
  const samples = new Float32Array(N * d);
  const a = new Float32Array(d);
  for (let i = 0; i < N; i++) samples.set(p.sample(rng, a), i * d);
  const many = (m: nn.Tensor) => nn.add(m, new nn.Tensor(N, d));
  const lpP = new nn.DiagGaussian(many(mean), logStd).logProb(samples).data;
  const lpQ = new nn.DiagGaussian(many(mean2), logStd2).logProb(samples).data;
  assertMc("Gaussian entropy", p.entropy().item(), Float64Array.from(lpP, (v) => -v));
  assertMc("Gaussian KL", p.kl(q).item(), Float64Array.from(lpP, (v, i) => v - lpQ[i]));
  for (let j = 0; j < d; j++) {
    const col = Float64Array.from({ length: N }, (_, i) => samples[i * d + j]);
    const [m, se] = meanSe(col);
    const sd = Math.exp(logStd.data[j]);
    assert.ok(Math.abs(m - mean.data[j]) < 5 * se, `sample mean of dim ${j}`);
    const varEst = col.reduce((s, v) => s + (v - m) ** 2, 0) / N;
    assert.ok(Math.abs(Math.sqrt(varEst) - sd) < 0.01 * sd, `sample std of dim ${j}`);
  }
  assert.ok(Math.abs(p.kl(p).item()) < 1e-7, "KL(p‖p) = 0");
});

Deno.test("DiagGaussian: logProb formula, rows, determinism, errors", () => {
  const mean = nn.tensor([0, 1, 2, 3], 2, 2),
    logStd = new nn.Parameter("logStd", 1, 2, [0, Math.log(2)]);
  const g = new nn.DiagGaussian(mean, logStd);
  const act = new Float32Array([1, 1, 2, 5]);
  const lp = g.logProb(act).data;
  const direct = (x: number, m: number, s: number) =>
    -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
  assert.ok(Math.abs(lp[0] - (direct(1, 0, 1) + direct(1, 1, 2))) < 1e-5);
  assert.ok(Math.abs(lp[1] - (direct(2, 2, 1) + direct(5, 3, 2))) < 1e-5);
  assert.equal(g.entropy().rows, 2);
  assert.deepEqual(g.sample(new Rng(4)), g.sample(new Rng(4)));
  assert.deepEqual([...g.mode()], [0, 1, 2, 3]);
  assert.throws(
    () => new nn.DiagGaussian(mean, nn.tensor([0, 0, 0], 1, 3)),
    /DiagGaussian.*2×2 and 1×3/,
  );
  assert.throws(() => g.logProb(nn.tensor([1, 2], 1, 2)), /logProb.*2×2 and 1×2/);
});
