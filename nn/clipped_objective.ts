/**
 * PPO's per-minibatch objective as two single-pass tape ops (instead of some twenty
 * element-wise ops, each with its own buffers and backward closure).
 *
 * {@link categoricalClippedObjective}: from logits `z` (rows × k), actions `a`, old
 * log-probabilities and advantages `Â`, with `log π = log softmax(z)`, `p = softmax(z)`,
 * `r = exp(log π(a) − log π_old(a))`, `Hᵢ = −Σⱼ pⱼ log pⱼ`:
 *
 *     y = L^CLIP − c_ent·E[H],   L^CLIP = E[max(−Â r, −Â clip(r, 1−ε, 1+ε))]
 *
 * Its gradient in one pass over the rows (`n` rows, upstream gradient `g`):
 *
 *     ∂y/∂zᵢⱼ = (g/n)·[ρᵢ·(δⱼₐ − pⱼ) + c_ent·pⱼ·(log pⱼ + Hᵢ)],
 *     ρᵢ = −Âᵢ rᵢ when the unclipped term is the larger (ties included), else 0
 *
 * (the clipped term has zero slope wherever it is the larger). The diagnostics (the two
 * terms, `E[(r − 1) − log r]`, the count of `|r − 1| > ε`) come from the same pass.
 *
 * {@link clippedSquaredError}: `½E[max((v − R)², (v_old + clip(v − v_old, −ε, ε) − R)²)]`
 * (PPO's clipped value loss) with gradient `(g/n)·(v − R)` where the unclipped term is the
 * larger (ties included), else `(g/n)·(v_c − R)·[|v − v_old| < ε]`.
 *
 * Both agree with the composed ops (`logSoftmax`, `gather`, `exp`, `clip`, `maximum`, …)
 * to float32 rounding; `tests/nn_clipped_objective_test.ts` checks values and gradients.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { categoricalClippedObjective, tensor } from "./mod.ts";
 * const logits = tensor([0, 0], 1, 2); // π = (½, ½), log π(0) = log ½ = log π_old(0): r = 1
 * const o = categoricalClippedObjective(logits, [0], tensor([Math.log(0.5)], 1, 1),
 *   tensor([2], 1, 1), 0.2, 0);
 * assert.ok(Math.abs(o.loss.item() + 2) < 1e-6); // −r·Â
 * assert.equal(o.clipped, 0);
 * ```
 * @module
 */
import { allocFloats } from "./pool.ts";
import { makeResult, setBackward, shapeError, type Tensor } from "./tensor.ts";

/** The objective tensor and what PPO reports about it. */
export interface ClippedObjective {
  /** `L^CLIP − c_ent·E[H]` (1×1, on the tape). */
  loss: Tensor;
  /** `L^CLIP`. */
  policyLoss: number;
  /** `E[H]`. */
  entropy: number;
  /** `E[(r − 1) − log r]`. */
  approxKl: number;
  /** Rows with `|r − 1| > ε`. */
  clipped: number;
}

/** Throws unless `t` is `rows × 1`. */
function checkColumn(op: string, what: string, t: Tensor, rows: number): void {
  if (t.rows !== rows || t.cols !== 1) {
    throw new RangeError(`${op}: ${what} is ${t.shape}, expected ${rows}×1`);
  }
}

/** PPO's clipped surrogate minus the entropy bonus for a categorical policy (see module). */
export function categoricalClippedObjective(
  logits: Tensor,
  actions: ArrayLike<number>,
  oldLogProbs: Tensor,
  advantages: Tensor,
  eps: number,
  entCoef: number,
): ClippedObjective {
  const op = "categoricalClippedObjective";
  const n = logits.rows, k = logits.cols;
  if (actions.length < n) {
    throw new RangeError(`${op}: ${actions.length} actions for ${logits.shape} logits`);
  }
  checkColumn(op, "oldLogProbs", oldLogProbs, n);
  checkColumn(op, "advantages", advantages, n);
  const z = logits.data, old = oldLogProbs.data, adv = advantages.data;
  const lo = 1 - eps, hi = 1 + eps;
  const out = makeResult(op, 1, 1, [logits]);
  // per row, for the backward pass: log Σ exp z, Hᵢ and ρᵢ (pooled inside BufferPool.run)
  const rowStats = out.requiresGrad ? allocFloats(3 * n) : null;
  let pg = 0, ent = 0, kl = 0, clipped = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k, a = actions[i];
    if (!(Number.isInteger(a) && a >= 0 && a < k)) {
      throw new RangeError(`${op}: action ${a} at row ${i} is outside [0, ${k})`);
    }
    let m = -Infinity;
    for (let j = 0; j < k; j++) if (z[o + j] > m) m = z[o + j];
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(z[o + j] - m);
    const lse = m + Math.log(s);
    let h = 0;
    for (let j = 0; j < k; j++) {
      const lp = Math.fround(z[o + j] - lse);
      h -= Math.fround(Math.exp(lp)) * lp;
    }
    ent += h;
    const logRatio = Math.fround(Math.fround(z[o + a] - lse) - old[i]);
    const r = Math.fround(Math.exp(logRatio));
    kl += r - 1 - logRatio;
    if (Math.abs(r - 1) > eps) clipped++;
    const negA = -adv[i];
    const rc = r < lo ? lo : r > hi ? hi : r;
    const unclipped = Math.fround(negA * r), clippedTerm = Math.fround(negA * rc);
    pg += unclipped >= clippedTerm ? unclipped : clippedTerm;
    if (rowStats !== null) {
      rowStats[3 * i] = lse;
      rowStats[3 * i + 1] = h;
      rowStats[3 * i + 2] = unclipped >= clippedTerm ? negA * r : 0;
    }
  }
  const policyLoss = Math.fround(pg / n), entropy = Math.fround(ent / n);
  out.data[0] = policyLoss - Math.fround(entropy * entCoef);
  setBackward(out, () => {
    const gs = out.grad![0] / n, gz = logits.gradBuffer(), st = rowStats!;
    for (let i = 0; i < n; i++) {
      const o = i * k, a = actions[i];
      const lse = st[3 * i], h = st[3 * i + 1], rho = st[3 * i + 2];
      for (let j = 0; j < k; j++) {
        const lp = z[o + j] - lse, p = Math.exp(lp);
        gz[o + j] += gs * ((j === a ? rho : 0) - rho * p + entCoef * p * (lp + h));
      }
    }
  });
  return { loss: out, policyLoss, entropy, approxKl: kl / n, clipped };
}

/** `½E[max((v − R)², (v_old + clip(v − v_old, −ε, ε) − R)²)]` as one op (see module). */
export function clippedSquaredError(
  values: Tensor,
  oldValues: Tensor,
  returns: Tensor,
  eps: number,
): Tensor {
  const op = "clippedSquaredError";
  const n = values.rows;
  if (values.cols !== 1) throw shapeError(op, values, returns, "shapes (values must be n×1)");
  checkColumn(op, "oldValues", oldValues, n);
  checkColumn(op, "returns", returns, n);
  const v = values.data, old = oldValues.data, ret = returns.data;
  const out = makeResult(op, 1, 1, [values]);
  const clippedValue = (i: number): number => {
    const d = Math.fround(v[i] - old[i]);
    return Math.fround(old[i] + (d < -eps ? -eps : d > eps ? eps : d));
  };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const u = Math.fround(Math.fround(v[i] - ret[i]) ** 2);
    const c = Math.fround(Math.fround(clippedValue(i) - ret[i]) ** 2);
    sum += u >= c ? u : c;
  }
  out.data[0] = Math.fround(sum / n) * 0.5;
  return setBackward(out, () => {
    const gs = out.grad![0] / n, gv = values.gradBuffer();
    for (let i = 0; i < n; i++) {
      const du = Math.fround(v[i] - ret[i]), vc = clippedValue(i);
      const dc = Math.fround(vc - ret[i]);
      if (Math.fround(du * du) >= Math.fround(dc * dc)) gv[i] += gs * du;
      else {
        const d = Math.fround(v[i] - old[i]);
        if (d > -eps && d < eps) gv[i] += gs * dc;
      }
    }
  });
}
