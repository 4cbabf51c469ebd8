/**
 * A plain float64 forward pass of a {@link PolicySpec}, the yardstick for exported models.
 *
 * For each observation row `o` (see `spec.ts`): `x = clip((o − μ)/√(var + ε), −c, c)` when
 * normalising (a discrete observation is one-hot encoded instead, `x = e_{o − start}`), `hₗ = act(Wₗ hₗ₋₁ + bₗ)` through the actor (no activation on the last layer),
 * then for discrete actions `probs = softmax(logits)` and `action = argmax(logits) + start`
 * (first maximum on ties), for multi-discrete (and multi-binary, `nvec = [2, …]`) actions
 * a softmax and an arg-max per entry's block of logits, and for box actions `action = clip(mean, low, high)` when
 * `clipActions` (the default); `value` from the critic when present. Every sum is in
 * float64 over the float32 weights, so it differs from a float32 engine only by float32
 * rounding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { referenceForward } from "./reference_forward.ts";
 * const out = referenceForward({
 *   observationSpace: { type: "box", low: -1, high: 1, shape: [1] },
 *   actionSpace: { type: "discrete", n: 2 },
 *   actor: {
 *     layers: [{ inDim: 1, outDim: 2, weight: new Float32Array([1, -1]), bias: new Float32Array(2) }],
 *     activation: "tanh",
 *   },
 *   provenance: { algorithm: "ppo", envId: "Demo-v0", timesteps: 0 },
 * }, new Float32Array([0.5]), 1);
 * assert.equal(out.actions[0], 0);
 * ```
 * @module
 */
import { boxHigh, boxLow, flatDim } from "../envs/spaces.ts";
import type { MlpSpec, PolicySpec } from "./spec.ts";

/** Outputs of {@link referenceForward}, flat row-major, float64. */
export interface ReferenceOutputs {
  /** Actions (discrete: one integer per row; box: `d` numbers; multi-discrete: `k` integers per row; flattened). */
  actions: Float64Array;
  /** Discrete: logits, batch × n. */
  logits?: Float64Array;
  /** Discrete: softmax probabilities, batch × n. */
  probs?: Float64Array;
  /** Box: means, batch × d. */
  mean?: Float64Array;
  /** Box: log standard deviations, batch × d. */
  logStd?: Float64Array;
  /** Critic values, one per row, when the spec has a critic. */
  value?: Float64Array;
}

/** Evaluates an MLP on one input vector in float64. */
export function mlpForward(mlp: MlpSpec, input: ArrayLike<number>): Float64Array {
  let h = Float64Array.from(input as ArrayLike<number>);
  mlp.layers.forEach((layer, l) => {
    const out = new Float64Array(layer.outDim);
    for (let o = 0; o < layer.outDim; o++) {
      let s = layer.bias[o];
      const row = o * layer.inDim;
      for (let i = 0; i < layer.inDim; i++) s += layer.weight[row + i] * h[i];
      if (l < mlp.layers.length - 1) s = mlp.activation === "tanh" ? Math.tanh(s) : Math.max(0, s);
      out[o] = s;
    }
    h = out;
  });
  return h;
}

/** Runs `spec` on `batch` observations stored row-major in `obs`. */
export function referenceForward(
  spec: PolicySpec,
  obs: ArrayLike<number>,
  batch: number,
  options: { clipActions?: boolean } = {},
): ReferenceOutputs {
  const obsDim = flatDim(spec.observationSpace);
  if (obs.length !== batch * obsDim) {
    throw new RangeError(`referenceForward: ${obs.length} numbers for ${batch} × ${obsDim}`);
  }
  const clipActions = options.clipActions ?? true;
  const act = spec.actionSpace;
  const nvec = act.type === "multi-discrete"
    ? act.nvec
    : act.type === "multi-binary"
    ? new Array<number>(act.n).fill(2)
    : null;
  const width = act.type === "discrete"
    ? act.n
    : nvec
    ? nvec.reduce((a, b) => a + b, 0)
    : flatDim(act);
  const out: ReferenceOutputs = {
    actions: new Float64Array(act.type === "discrete" ? batch : batch * flatDim(act)),
  };
  const obsSpace = spec.observationSpace;
  const inDim = obsSpace.type === "discrete" ? obsSpace.n : obsDim;
  const head = new Float64Array(batch * width);
  if (spec.critic) out.value = new Float64Array(batch);
  const x = new Float64Array(inDim);
  for (let b = 0; b < batch; b++) {
    if (obsSpace.type === "discrete") {
      // one-hot of the state (a row of zeros outside the space, as the ONNX graph)
      x.fill(0);
      const s = obs[b] - (obsSpace.start ?? 0);
      if (Number.isInteger(s) && s >= 0 && s < inDim) x[s] = 1;
    }
    for (let i = 0; i < obsDim && obsSpace.type !== "discrete"; i++) {
      let v = obs[b * obsDim + i];
      const n = spec.obsNorm;
      if (n) {
        v = (v - n.mean[i]) / Math.sqrt(n.var[i] + n.epsilon);
        v = Math.min(n.clip, Math.max(-n.clip, v));
      }
      x[i] = v;
    }
    const y = mlpForward(spec.actor, x);
    head.set(y, b * width);
    if (spec.critic) out.value![b] = mlpForward(spec.critic, x)[0];
    if (nvec) {
      let o = 0;
      nvec.forEach((n, c) => {
        let best = 0;
        for (let j = 1; j < n; j++) if (y[o + j] > y[o + best]) best = j;
        out.actions[b * nvec.length + c] = best;
        o += n;
      });
    } else if (act.type === "discrete") {
      let best = 0;
      for (let k = 1; k < width; k++) if (y[k] > y[best]) best = k;
      out.actions[b] = best + (act.start ?? 0);
    } else if (act.type === "box") {
      for (let k = 0; k < width; k++) {
        let a = y[k];
        if (clipActions) a = Math.min(boxHigh(act, k), Math.max(boxLow(act, k), a));
        out.actions[b * width + k] = a;
      }
    }
  }
  if (act.type !== "box") {
    out.logits = head;
    out.probs = new Float64Array(batch * width);
    for (let b = 0; b < batch; b++) {
      let o = b * width;
      for (const n of nvec ?? [width]) {
        let max = -Infinity;
        for (let k = 0; k < n; k++) max = Math.max(max, head[o + k]);
        let z = 0;
        for (let k = 0; k < n; k++) z += Math.exp(head[o + k] - max);
        for (let k = 0; k < n; k++) out.probs[o + k] = Math.exp(head[o + k] - max) / z;
        o += n;
      }
    }
  } else {
    out.mean = head;
    out.logStd = new Float64Array(batch * width);
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < width; k++) out.logStd[b * width + k] = spec.logStd?.[k] ?? 0;
    }
  }
  return out;
}
