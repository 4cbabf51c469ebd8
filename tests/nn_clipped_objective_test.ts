import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import {
  add,
  backward,
  Categorical,
  categoricalClippedObjective,
  clip,
  clippedSquaredError,
  exp,
  maximum,
  mean,
  mul,
  mulScalar,
  Parameter,
  square,
  sub,
  tensor,
} from "../nn/mod.ts";

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])),
      `${what}[${i}]: ${a[i]} vs ${b[i]}`,
    );
  }
}

/** A batch where about half the ratios leave [1 − ε, 1 + ε] (both signs of Â). */
function batch(rows: number, k: number, seed: number) {
  const rng = new Rng(seed);
  const z = Float32Array.from({ length: rows * k }, () => rng.normal());
  const actions = Int32Array.from({ length: rows }, () => rng.integer(k));
  const logp = new Categorical(tensor(z, rows, k)).logProb(actions).data;
  const old = Float32Array.from(logp, (l) => l + 0.4 * rng.normal());
  old[0] = logp[0]; // r = 1 exactly: the tie of the two terms
  const adv = Float32Array.from({ length: rows }, () => rng.normal());
  return { z, actions, old, adv };
}

for (const k of [2, 3, 6]) {
  Deno.test(`categoricalClippedObjective (k = ${k}) matches the composed ops`, () => {
    const rows = 37, eps = 0.2, entCoef = 0.05;
    const d = batch(rows, k, k);
    const fusedZ = new Parameter("z", rows, k, d.z);
    const composedZ = new Parameter("z", rows, k, d.z);
    const old = tensor(d.old, rows, 1), adv = tensor(d.adv, rows, 1);
    const o = categoricalClippedObjective(fusedZ, d.actions, old, adv, eps, entCoef);
    backward(o.loss);
    const pi = new Categorical(composedZ);
    const logRatio = sub(pi.logProb(d.actions), old);
    const ratio = exp(logRatio);
    const negAdv = mulScalar(adv, -1);
    const pg = mean(maximum(mul(negAdv, ratio), mul(negAdv, clip(ratio, 1 - eps, 1 + eps))));
    const ent = mean(pi.entropy());
    const loss = sub(pg, mulScalar(ent, entCoef));
    backward(loss);
    close(
      [o.loss.item(), o.policyLoss, o.entropy],
      [loss.item(), pg.item(), ent.item()],
      1e-6,
      "values",
    );
    let kl = 0, clipped = 0;
    for (let i = 0; i < rows; i++) {
      kl += ratio.data[i] - 1 - logRatio.data[i];
      if (Math.abs(ratio.data[i] - 1) > eps) clipped++;
    }
    assert.ok(clipped > 3 && clipped < rows - 3, `the batch exercises both branches (${clipped})`);
    assert.equal(o.clipped, clipped);
    close([o.approxKl], [kl / rows], 1e-6, "approxKl");
    close(fusedZ.grad, composedZ.grad, 2e-6, "∂/∂logits");
  });
}

Deno.test("categoricalClippedObjective names a bad action and a bad shape", () => {
  const z = tensor([0, 0, 0, 0], 2, 2), col = tensor([0, 0], 2, 1);
  assert.throws(
    () => categoricalClippedObjective(z, [0, 2], col, col, 0.2, 0),
    /action 2 at row 1/,
  );
  assert.throws(
    () => categoricalClippedObjective(z, [0, 1], tensor([0], 1, 1), col, 0.2, 0),
    /oldLogProbs is 1×1, expected 2×1/,
  );
});

Deno.test("clippedSquaredError matches the composed clipped value loss", () => {
  const rows = 41, eps = 0.2, rng = new Rng(9);
  const v0 = Float32Array.from({ length: rows }, () => rng.normal());
  const oldV = Float32Array.from(v0, (x) => x + 0.3 * rng.normal());
  oldV[0] = v0[0]; // v = v_old: the tie
  const ret = Float32Array.from({ length: rows }, () => rng.normal());
  const vf = new Parameter("v", rows, 1, v0), vc = new Parameter("v", rows, 1, v0);
  const old = tensor(oldV, rows, 1), R = tensor(ret, rows, 1);
  const fused = clippedSquaredError(vf, old, R, eps);
  backward(fused);
  const unclipped = square(sub(vc, R));
  const vClipped = add(old, clip(sub(vc, old), -eps, eps));
  const composed = mulScalar(mean(maximum(unclipped, square(sub(vClipped, R)))), 0.5);
  backward(composed);
  close([fused.item()], [composed.item()], 1e-6, "value");
  close(vf.grad, vc.grad, 1e-6, "∂/∂v");
  assert.ok(vf.grad.some((g) => g === 0), "some rows take the clipped branch (zero slope)");
});
