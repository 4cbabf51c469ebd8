/**
 * Optimisers: one and two Adam steps computed by hand (PyTorch's formula), SGD with and
 * without momentum, RMSprop's two steps from numbers worked out by hand, global gradient-norm clipping, linear decay, and a state round trip
 * that continues bit-identically.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as nn from "../nn/mod.ts";

Deno.test("Adam: two steps by hand", () => {
  const w = new nn.Parameter("w", 1, 3, [1, -2, 0.5]);
  const lr = 0.01, b1 = 0.8, b2 = 0.9, eps = 1e-5;
  const opt = new nn.Adam([w], { lr, beta1: b1, beta2: b2, eps });
  const grads = [[0.5, -1, 2], [0.1, 0.3, -4]];
  const m = [0, 0, 0], v = [0, 0, 0], theta = [1, -2, 0.5].map(Math.fround);
  for (let t = 1; t <= 2; t++) {
    w.grad.set(grads[t - 1]);
    opt.step();
    for (let i = 0; i < 3; i++) {
      const g = Math.fround(grads[t - 1][i]);
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      const mHat = m[i] / (1 - b1 ** t), vHat = v[i] / (1 - b2 ** t);
      theta[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      assert.ok(
        Math.abs(w.data[i] - theta[i]) < 1e-6,
        `step ${t}, w[${i}] = ${w.data[i]}, by hand ${theta[i]}`,
      );
    }
  }
  // first step moves each weight by ≈ lr·sign(g)
  assert.equal(opt.stepCount, 2);
  assert.equal(opt.eps, 1e-5);
  assert.equal(new nn.Adam([w]).eps, 1e-5, "default ε is 1e-5");
});

Deno.test("Adam: state round trip continues bit for bit", () => {
  const run = (split: boolean) => {
    const rng = new Rng(3);
    const net = new nn.MLP({ sizes: [3, 8, 2], rng });
    let opt = new nn.Adam(net.parameters(), { lr: 1e-2 });
    const x = nn.tensor(new Float32Array(12).map(() => rng.uniformRange(-1, 1)), 4, 3);
    for (let s = 0; s < 6; s++) {
      if (split && s === 3) {
        const state = opt.getState();
        opt = new nn.Adam(net.parameters(), { lr: 123 });
        opt.setState(structuredClone(state));
      }
      opt.zeroGrad();
      nn.backward(nn.mean(nn.square(net.forward(x))));
      opt.step();
    }
    return nn.getFlatParams(net.parameters());
  };
  assert.deepEqual(run(true), run(false));
  const opt = new nn.Adam([new nn.Parameter("a", 1, 2)]);
  const bad = opt.getState();
  bad.buffers["m/a"] = new Float32Array(3);
  assert.throws(() => opt.setState(bad), /buffer "m\/a" has 3 values, parameter is 1×2/);
  delete bad.buffers["v/a"];
  bad.buffers["m/a"] = new Float32Array(2);
  assert.throws(() => opt.setState(bad), /missing buffer "v\/a"/);
  assert.throws(() => opt.setState({ ...bad, kind: "sgd" }), /state is for "sgd"/);
  assert.throws(
    () => new nn.Adam([new nn.Parameter("a", 1, 1), new nn.Parameter("a", 1, 1)]),
    /duplicate/,
  );
});

Deno.test("RMSprop: two steps against hand-computed values; state round trip", () => {
  // α 0.9, lr 0.01, ε 1e-5, θ = [1, −2], g₁ = [0.5, −1], g₂ = [0.25, 2]:
  // v₁ = 0.1·g₁² = [0.025, 0.1], θ₁ = θ − lr·g₁/(√v₁ + ε) = [0.968379…, −1.968378…]
  // v₂ = 0.9·v₁ + 0.1·g₂² = [0.02875, 0.49], θ₂ = [0.953636…, −1.996949…]
  const w = new nn.Parameter("w", 1, 2, [1, -2]);
  const opt = new nn.RMSprop([w], { lr: 0.01, alpha: 0.9, eps: 1e-5 });
  const expected = [
    { v: [0.025, 0.1], theta: [0.9683792232718331, -1.9683782233666944] },
    { v: [0.02875, 0.49], theta: [0.9536358971702796, -1.9969492437806886] },
  ];
  const grads = [[0.5, -1], [0.25, 2]];
  for (let t = 0; t < 2; t++) {
    w.grad.set(grads[t]);
    opt.step();
    const v = opt.getState().buffers["square_avg/w"];
    for (let i = 0; i < 2; i++) {
      assert.ok(Math.abs(v[i] - expected[t].v[i]) < 1e-7, `step ${t + 1}, v[${i}] = ${v[i]}`);
      assert.ok(
        Math.abs(w.data[i] - expected[t].theta[i]) < 1e-6,
        `step ${t + 1}, w[${i}] = ${w.data[i]}, by hand ${expected[t].theta[i]}`,
      );
    }
  }
  assert.equal(new nn.RMSprop([w]).alpha, 0.99, "default α is 0.99");
  assert.throws(() => new nn.RMSprop([w], { alpha: 1 }), /alpha < 1/);

  const run = (split: boolean) => {
    const rng = new Rng(5);
    const net = new nn.MLP({ sizes: [3, 8, 2], rng });
    let o = new nn.RMSprop(net.parameters(), { lr: 1e-2 });
    const x = nn.tensor(new Float32Array(12).map(() => rng.uniformRange(-1, 1)), 4, 3);
    for (let s = 0; s < 6; s++) {
      if (split && s === 3) {
        const state = o.getState();
        o = new nn.RMSprop(net.parameters(), { lr: 123 });
        o.setState(structuredClone(state));
      }
      o.zeroGrad();
      nn.backward(nn.mean(nn.square(net.forward(x))));
      o.step();
    }
    return nn.getFlatParams(net.parameters());
  };
  assert.deepEqual(run(true), run(false));
  assert.throws(() => opt.setState(new nn.Adam([w]).getState()), /state is for "adam"/);
});

Deno.test("SGD: plain and momentum steps; state round trip", () => {
  const w = new nn.Parameter("w", 1, 2, [1, 2]);
  const opt = new nn.SGD([w], { lr: 0.5 });
  w.grad.set([1, -2]);
  opt.step();
  assert.deepEqual([...w.data], [0.5, 3]);
  const u = new nn.Parameter("u", 1, 1, [0]);
  const mom = new nn.SGD([u], { lr: 1, momentum: 0.5 });
  u.grad[0] = 1;
  mom.step(); // b = 1, u = −1
  mom.step(); // b = 1.5, u = −2.5
  assert.equal(u.data[0], -2.5);
  const s = mom.getState();
  const mom2 = new nn.SGD([u], { lr: 1, momentum: 0.5 });
  mom2.setState(s);
  mom2.step(); // b = 1.75
  assert.equal(u.data[0], -4.25);
});

Deno.test("clipGradNorm, gradNorm and linearDecay", () => {
  const a = new nn.Parameter("a", 1, 2), b = new nn.Parameter("b", 1, 1);
  a.grad.set([3, 0]);
  b.grad.set([4]);
  assert.equal(nn.gradNorm([a, b]), 5);
  assert.equal(nn.clipGradNorm([a, b], 10), 5);
  assert.deepEqual([...a.grad, ...b.grad], [3, 0, 4], "no clipping below the bound");
  assert.equal(nn.clipGradNorm([a, b], 1), 5);
  assert.ok(Math.abs(nn.gradNorm([a, b]) - 1) < 1e-6);
  assert.throws(() => nn.clipGradNorm([a], 0), /maxNorm must be > 0/);
  assert.equal(nn.linearDecay(1e-3, 0, 100), 1e-3);
  assert.ok(Math.abs(nn.linearDecay(1e-3, 25, 100) - 7.5e-4) < 1e-15);
  assert.equal(nn.linearDecay(1e-3, 200, 100), 0);
  assert.ok(Math.abs(nn.linearDecay(1, 50, 100, 0.5) - 0.75) < 1e-15);
});

Deno.test("step(clipScale(‖∇‖, max)) equals clipGradNorm then step(), for every optimiser", () => {
  const make = (kind: string, ps: nn.Parameter[]): nn.Optimizer =>
    kind === "adam"
      ? new nn.Adam(ps, { lr: 1e-2 })
      : kind === "rmsprop"
      ? new nn.RMSprop(ps, { lr: 1e-2 })
      : new nn.SGD(ps, { lr: 1e-2, momentum: 0.9 });
  for (const kind of ["adam", "rmsprop", "sgd"]) {
    const rng = new Rng(3);
    const init = Array.from({ length: 10 }, () => rng.normal());
    const grads = Array.from(
      { length: 3 },
      () => Array.from({ length: 10 }, () => 5 * rng.normal()),
    );
    const clipped = new nn.Parameter("w", 2, 5, init), scaled = new nn.Parameter("w", 2, 5, init);
    const a = make(kind, [clipped]), b = make(kind, [scaled]);
    for (const g of grads) {
      clipped.grad.set(g);
      scaled.grad.set(g);
      nn.clipGradNorm([clipped], 1);
      a.step();
      b.step(nn.clipScale(nn.gradNorm([scaled]), 1));
      assert.deepEqual(scaled.data, clipped.data, kind);
      assert.notDeepEqual(scaled.grad, clipped.grad, "the stored gradient is left unscaled");
    }
  }
});
