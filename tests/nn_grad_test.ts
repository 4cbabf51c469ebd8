/**
 * Gradient checks of every tape op and every distribution function: the analytic
 * gradient from `backward` against central finite differences `(f(x+h) − f(x−h))/2h`
 * with h = 1e-2, where f is recomputed through the same float32 ops. The loss is a
 * random projection `Σ y ⊙ R` of the op's output, so every output element is checked.
 * Tolerance: |analytic − numeric| ≤ 2e-3 + 5e-3·|numeric| (float32 rounding of f is
 * ~1e-7·|f|, amplified by 1/2h = 50; the O(h²) truncation error is ~1e-4 for these
 * smooth functions on O(1) inputs). Inputs are kept away from kinks (relu, abs, clip,
 * min/max) by more than h.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as nn from "../nn/mod.ts";
import { Parameter, type Tensor } from "../nn/mod.ts";

const H = 1e-2;

function randParam(
  rng: Rng,
  name: string,
  rows: number,
  cols: number,
  lo = -2,
  hi = 2,
  avoid: number[] = [],
) {
  const p = new Parameter(name, rows, cols);
  for (let q = 0; q < p.size; q++) {
    let v: number;
    do v = rng.uniformRange(lo, hi); while (avoid.some((k) => Math.abs(v - k) < 3 * H));
    p.data[q] = v;
  }
  return p;
}

/** Checks d(Σ f(params) ⊙ R)/dparams against central differences. */
function gradCheck(
  name: string,
  params: Parameter[],
  f: () => Tensor,
  rng = new Rng(7),
  h = H,
): void {
  const y0 = f();
  const r = new Float32Array(y0.size);
  for (let q = 0; q < r.length; q++) r[q] = rng.uniformRange(-1, 1);
  const loss = () => {
    const y = f();
    assert.equal(y.size, r.length, `${name}: output size changed`);
    let s = 0;
    for (let q = 0; q < r.length; q++) s += y.data[q] * r[q];
    return s;
  };
  nn.zeroGrad(params);
  nn.backward(nn.sum(nn.mul(f(), nn.tensor(r, y0.rows, y0.cols))));
  for (const p of params) {
    for (let q = 0; q < p.size; q++) {
      const old = p.data[q];
      p.data[q] = old + h;
      const up = loss();
      p.data[q] = old - h;
      const down = loss();
      p.data[q] = old;
      // use the actually represented step (float32 rounding of old ± H)
      const num = (up - down) / (Math.fround(old + h) - Math.fround(old - h));
      const ana = p.grad[q];
      const tol = 2e-3 + 5e-3 * Math.abs(num);
      assert.ok(
        Math.abs(ana - num) <= tol,
        `${name}: ∂/∂${p.name}[${q}] analytic ${ana} vs numeric ${num}`,
      );
    }
  }
}

const shapes: [number, number][] = [[3, 4], [1, 4], [3, 1], [1, 1]];

Deno.test("grad: broadcasting binary ops", () => {
  const rng = new Rng(1);
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, number, number][] = [
    ["add", nn.add, -2, 2],
    ["sub", nn.sub, -2, 2],
    ["mul", nn.mul, -2, 2],
    ["div", nn.div, 0.5, 2],
  ];
  for (const [name, op, lo, hi] of ops) {
    for (const sa of shapes) {
      for (const sb of shapes) {
        const rows = Math.max(sa[0], sb[0]), cols = Math.max(sa[1], sb[1]);
        if ((sa[0] !== rows && sa[0] !== 1) || (sb[1] !== cols && sb[1] !== 1)) continue;
        const a = randParam(rng, "a", ...sa, lo, hi), b = randParam(rng, "b", ...sb, lo, hi);
        gradCheck(`${name} ${a.shape}, ${b.shape}`, [a, b], () => op(a, b));
      }
    }
  }
});

Deno.test("grad: minimum and maximum (away from ties)", () => {
  const rng = new Rng(2);
  const a = randParam(rng, "a", 4, 3);
  const b = randParam(rng, "b", 4, 3);
  for (let q = 0; q < a.size; q++) if (Math.abs(a.data[q] - b.data[q]) < 0.1) b.data[q] += 0.3;
  gradCheck("minimum", [a, b], () => nn.minimum(a, b));
  gradCheck("maximum", [a, b], () => nn.maximum(a, b));
  const row = randParam(rng, "row", 1, 3, 3, 4);
  gradCheck("minimum broadcast", [a, row], () => nn.minimum(a, row));
});

Deno.test("grad: unary ops", () => {
  const rng = new Rng(3);
  const cases: [string, (x: Tensor) => Tensor, number, number, number[]][] = [
    ["neg", nn.neg, -2, 2, []],
    ["exp", nn.exp, -2, 2, []],
    ["log", nn.log, 0.2, 3, []],
    ["tanh", nn.tanh, -3, 3, []],
    ["relu", nn.relu, -2, 2, [0]],
    ["square", nn.square, -2, 2, []],
    ["sqrt", nn.sqrt, 0.2, 3, []],
    ["abs", nn.abs, -2, 2, [0]],
    ["sigmoid", nn.sigmoid, -3, 3, []],
    ["clip", (x) => nn.clip(x, -0.5, 0.8), -2, 2, [-0.5, 0.8]],
    ["addScalar", (x) => nn.addScalar(x, 1.5), -2, 2, []],
    ["mulScalar", (x) => nn.mulScalar(x, -1.5), -2, 2, []],
    ["powScalar", (x) => nn.powScalar(x, 1.7), 0.3, 2, []],
    ["broadcastTo", (x) => nn.broadcastTo(x, 5, x.cols), -2, 2, []],
  ];
  for (const [name, op, lo, hi, avoid] of cases) {
    const x = randParam(rng, "x", name === "broadcastTo" ? 1 : 4, 5, lo, hi, avoid);
    gradCheck(name, [x], () => op(x));
  }
});

Deno.test("grad: where", () => {
  const rng = new Rng(4);
  const a = randParam(rng, "a", 3, 3), b = randParam(rng, "b", 3, 3);
  const mask = [1, 0, 1, 1, 0, 0, 1, 0, 1];
  gradCheck("where", [a, b], () => nn.where(mask, a, b));
});

Deno.test("grad: reductions, softmax, gather", () => {
  const rng = new Rng(5);
  const x = randParam(rng, "x", 4, 5);
  gradCheck("sum all", [x], () => nn.sum(x));
  gradCheck("sum rows", [x], () => nn.sum(x, 1));
  gradCheck("sum cols", [x], () => nn.sum(x, 0));
  gradCheck("mean all", [x], () => nn.mean(x));
  gradCheck("mean rows", [x], () => nn.mean(x, 1));
  gradCheck("mean cols", [x], () => nn.mean(x, 0));
  gradCheck("softmax", [x], () => nn.softmax(x));
  gradCheck("logSoftmax", [x], () => nn.logSoftmax(x));
  gradCheck("gather", [x], () => nn.gather(x, [4, 0, 2, 2]));
  gradCheck("columns", [x], () => nn.columns(x, 1, 3));
});

for (const kern of [nn.wasmKernels!, nn.tsKernels]) {
  Deno.test(`grad: linear, dense and matmul (${kern.name} kernels)`, () => {
    const prev = nn.setKernels(kern);
    try {
      linearChecks();
    } finally {
      nn.setKernels(prev);
    }
  });
}

function linearChecks(): void {
  const rng = new Rng(6);
  const x = randParam(rng, "x", 5, 7, -1, 1);
  const w = randParam(rng, "w", 6, 7, -1, 1);
  const b = randParam(rng, "b", 1, 6, -1, 1);
  gradCheck("linear", [x, w, b], () => nn.linear(x, w, b));
  gradCheck("linear no bias", [x, w], () => nn.linear(x, w));
  for (const act of ["none", "tanh", "relu"] as const) {
    // relu: a step small enough that no pre-activation crosses 0 (checked below)
    const h = act === "relu" ? 1e-3 : H;
    const z = nn.noGrad(() => nn.linear(x, w, b));
    if (act === "relu") {
      assert.ok(Math.min(...z.data.map(Math.abs)) > 0.01, "test inputs near the relu kink");
    }
    gradCheck(`dense ${act}`, [x, w, b], () => nn.dense(x, w, b, act), rng, h);
    gradCheck(`dense ${act} no bias`, [x, w], () => nn.dense(x, w, null, act), rng, h);
  }
  const m = randParam(rng, "m", 7, 3, -1, 1);
  gradCheck("matmul", [x, m], () => nn.matmul(x, m));
}

/** Smallest |pre-activation| of the hidden layers of `mlp` on `x`. */
function minPreActivation(mlp: nn.MLP, x: Tensor): number {
  let h = x, m = Infinity;
  for (const layer of mlp.layers.slice(0, -1)) {
    const z = nn.noGrad(() => layer.forward(h));
    for (const v of z.data) m = Math.min(m, Math.abs(v));
    h = nn.relu(z);
  }
  return m;
}

Deno.test("grad: MLP forward (tanh and relu)", () => {
  for (const activation of ["tanh", "relu"] as const) {
    // relu: pick the first seed whose pre-activations stay 10× the step away from the kink
    for (let seed = 7;; seed++) {
      const rng = new Rng(seed);
      const mlp = new nn.MLP({ sizes: [3, 8, 8, 2], activation, rng, name: activation });
      for (const p of mlp.parameters()) {
        if (p.rows === 1) {
          for (let q = 0; q < p.size; q++) p.data[q] = rng.uniformRange(-0.5, 0.5);
        }
      }
      const x = randParam(rng, "x", 6, 3);
      const h = activation === "relu" ? 1e-3 : H;
      if (activation === "relu" && minPreActivation(mlp, x) < 0.02) continue;
      gradCheck(`MLP ${activation}`, [...mlp.parameters(), x], () => mlp.forward(x), rng, h);
      break;
    }
  }
});

Deno.test("grad: Categorical logProb, entropy, kl (both arguments)", () => {
  const rng = new Rng(8);
  const la = randParam(rng, "logitsA", 4, 3), lb = randParam(rng, "logitsB", 4, 3);
  const actions = [0, 2, 1, 2];
  gradCheck("Categorical.logProb", [la], () => new nn.Categorical(la).logProb(actions));
  gradCheck("Categorical.entropy", [la], () => new nn.Categorical(la).entropy());
  gradCheck("Categorical.kl", [la, lb], () => new nn.Categorical(la).kl(new nn.Categorical(lb)));
  gradCheck("Categorical.probs", [la], () => new nn.Categorical(la).probs);
});

Deno.test("grad: MultiCategorical logProb, entropy, kl (both arguments)", () => {
  const rng = new Rng(10);
  const nvec = [2, 3, 2];
  const la = randParam(rng, "logitsA", 3, 7), lb = randParam(rng, "logitsB", 3, 7);
  const actions = [1, 2, 0, 0, 0, 1, 1, 1, 1];
  const multi = (l: Tensor) => new nn.MultiCategorical(l, nvec);
  gradCheck("MultiCategorical.logProb", [la], () => multi(la).logProb(actions));
  gradCheck("MultiCategorical.entropy", [la], () => multi(la).entropy());
  gradCheck("MultiCategorical.kl", [la, lb], () => multi(la).kl(multi(lb)));
});

Deno.test("grad: DiagGaussian logProb, entropy, kl (both arguments)", () => {
  const rng = new Rng(9);
  const ma = randParam(rng, "meanA", 4, 2), mb = randParam(rng, "meanB", 4, 2);
  const sa = randParam(rng, "logStdA", 1, 2, -0.7, 0.5),
    sb = randParam(rng, "logStdB", 1, 2, -0.7, 0.5);
  const actions = new Float32Array(8).map(() => rng.uniformRange(-2, 2));
  gradCheck("DiagGaussian.logProb", [ma, sa], () => new nn.DiagGaussian(ma, sa).logProb(actions));
  gradCheck("DiagGaussian.entropy", [sa], () => new nn.DiagGaussian(ma, sa).entropy());
  gradCheck(
    "DiagGaussian.kl",
    [ma, sa, mb, sb],
    () => new nn.DiagGaussian(ma, sa).kl(new nn.DiagGaussian(mb, sb)),
  );
});

Deno.test("grad: a PPO clip loss composed of ops", () => {
  const rng = new Rng(10);
  const logits = randParam(rng, "logits", 6, 3);
  const oldLogp = new Float32Array(6).map(() => rng.uniformRange(-1.5, -0.8));
  const adv = new Float32Array(6).map(() => rng.uniformRange(-1, 1));
  const actions = [0, 1, 2, 0, 1, 2];
  const loss = () => {
    const pi = new nn.Categorical(logits);
    const ratio = nn.exp(nn.sub(pi.logProb(actions), nn.tensor(oldLogp, 6, 1)));
    const a = nn.tensor(adv, 6, 1);
    const surr = nn.minimum(nn.mul(ratio, a), nn.mul(nn.clip(ratio, 0.8, 1.2), a));
    return nn.sub(nn.neg(nn.mean(surr)), nn.mulScalar(nn.mean(pi.entropy()), 0.01));
  };
  gradCheck("ppo loss", [logits], loss);
});

Deno.test("grad: accumulation, zeroGrad, seeds and errors", () => {
  const w = new Parameter("w", 1, 2, [1, 2]);
  nn.backward(nn.sum(nn.mul(w, 3)));
  nn.backward(nn.sum(nn.mul(w, 3)));
  assert.deepEqual([...w.grad], [6, 6]);
  nn.zeroGrad([w]);
  assert.deepEqual([...w.grad], [0, 0]);
  nn.backward(nn.mul(w, w), [1, 10]);
  assert.deepEqual([...w.grad], [2, 40]);
  assert.throws(() => nn.backward(nn.mul(w, w)), /root of op "mul" is 1×2/);
  assert.throws(
    () => nn.add(nn.tensor([1, 2, 3, 4, 5, 6], 2, 3), nn.tensor([1, 2], 1, 2)),
    /add: .*2×3 and 1×2/,
  );
  assert.throws(
    () => nn.linear(nn.tensor([1, 2], 1, 2), nn.tensor([1, 2, 3], 1, 3)),
    /linear.*1×2 and 1×3/,
  );
  const y = nn.noGrad(() => nn.mul(w, w));
  assert.equal(y.requiresGrad, false);
  assert.throws(() => nn.backward(nn.sum(y)), /does not depend on any parameter/);
  // A node used twice gets both contributions.
  nn.zeroGrad([w]);
  const s = nn.mul(w, 2);
  nn.backward(nn.sum(nn.add(s, s)));
  assert.deepEqual([...w.grad], [4, 4]);
});
