/**
 * Numeric-core speed: the bare WebAssembly SIMD matmul kernel and the forward+backward
 * pass of a PPO actor-critic, against TensorFlow.js (the library a TypeScript user would
 * otherwise pick) on the same network and loss.
 *
 * - Kernel: `C[m×64] += A[m×64]·B[64×64]` (the product of a 64-wide linear layer; with A
 *   transposed too) and a 64-wide layer's weight gradient over m rows
 *   (`C[64×64] += G[m×64]ᵀ·X[m×64]`) on operands resident in Wasm memory, m = 64 … 2048; GFLOP/s = 2·m·64·64/time, and the fraction of the 128-bit SIMD ceiling measured
 *   in the same run (`bench/simd_ceiling.ts`: a register-resident ring of f32x4 mul + add
 *   multiply-accumulates, the fastest of several accumulator counts;
 *   the clock in /proc/cpuinfo is not used — it can be far from the running clock).
 * - Actor-critic: obs 4 → 64 → 64 → 2 (tanh, Categorical) and a same-sized critic
 *   4 → 64 → 64 → 1; the loss is PPO's: clipped surrogate + 0.5·value MSE − 0.01·entropy;
 *   one iteration = tape forward, backward into every parameter gradient. FLOPs counted
 *   as 3× the forward matmul flops (forward, input gradient, weight gradient).
 * - TensorFlow.js 4.22.0 (`cpu` backend; the `wasm` backend when its binary loads
 *   offline) with `tf.variableGrads` of the same loss.
 *
 * Usage: `deno run -A bench/nn.ts [--quick]`. Prints one JSON object as the last line
 * (`matmulGflops256`, `speedupVsTfjs64`, …) and updates the `nn` section of BENCHMARKS.md.
 * @module
 */
// deno-lint-ignore-file no-import-prefix
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { Rng } from "../random.ts";
import * as nn from "../nn/mod.ts";
import { instantiateKernels } from "../nn/kernels/wasm.ts";
import { isQuick, loadAverages as loadAverage, markdownTable, updateBenchmarks } from "./report.ts";
import { measureSimdCeiling } from "./simd_ceiling.ts";

const QUICK = isQuick();
const WINDOW_MS = QUICK ? 120 : 500;
const WINDOWS = QUICK ? 3 : 5;
const BATCHES = [64, 128, 256, 512, 2048];
const OBS = 4, HID = 64, ACTS = 2;

/** Best (lowest) ms per call of `fn` over several windows after a warm-up. */
async function measure(
  fn: () => unknown | Promise<unknown>,
  windowMs = WINDOW_MS,
): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < windowMs / 2) await fn();
  let best = Infinity;
  for (let w = 0; w < WINDOWS; w++) {
    let n = 0;
    const s = performance.now();
    let t = s;
    while (t - s < windowMs) {
      await fn();
      n++;
      t = performance.now();
    }
    best = Math.min(best, (t - s) / n);
  }
  return best;
}

function clockGhz(): number {
  try {
    const text = Deno.readTextFileSync("/proc/cpuinfo");
    const mhz = /cpu MHz\s*:\s*([\d.]+)/.exec(text)?.[1];
    if (mhz) return Number(mhz) / 1000;
  } catch { /* not Linux */ }
  return NaN;
}

// ---------------------------------------------------------------- bare kernel
/**
 * `AB`: C[m×64] += A[m×64]·B[64×64]; `AtB`: the same with A stored transposed; `GtX`: the
 * weight gradient of a 64-wide layer over m rows, C[64×64] += A[m×64]ᵀ·B[m×64] (k = m).
 */
async function kernelGflops(rows: number, form: "AB" | "AtB" | "GtX"): Promise<number> {
  const raw = instantiateKernels();
  if (raw === null) return NaN;
  const [m, k, n] = form === "GtX" ? [HID, rows, HID] : [rows, HID, HID];
  const need = (m * k + k * n + m * n) * 4;
  raw.memory.grow(Math.ceil(need / 65536) + 1);
  const f = new Float32Array(raw.memory.buffer);
  for (let i = 0; i < need / 4; i++) f[i] = Math.sin(i) * 0.1;
  const pa = 0, pb = m * k * 4, pc = pb + k * n * 4;
  const [rs, cs] = form === "AB" ? [k, 1] : [1, m];
  const reps = Math.max(1, Math.round(2e6 / (m * k * n)));
  const ms = await measure(() => {
    for (let r = 0; r < reps; r++) raw.gemm(pa, rs, cs, pb, pc, m, k, n);
  });
  return (2 * m * k * n * reps) / (ms * 1e6);
}

// ---------------------------------------------------------------- our actor-critic
function batchData(rows: number, seed: number) {
  const rng = new Rng(seed);
  return {
    obs: new Float32Array(rows * OBS).map(() => rng.normal()),
    actions: Int32Array.from({ length: rows }, () => rng.integer(ACTS)),
    oldLogp: new Float32Array(rows).map(() => Math.log(0.5) + 0.1 * rng.normal()),
    adv: new Float32Array(rows).map(() => rng.normal()),
    returns: new Float32Array(rows).map(() => rng.normal()),
  };
}

function forwardFlops(rows: number): number {
  const actor = OBS * HID + HID * HID + HID * ACTS, critic = OBS * HID + HID * HID + HID;
  return 2 * rows * (actor + critic);
}

/**
 * One forward+backward of the actor-critic on the tape. `fused`: as PPO's training step
 * runs it (buffers from a `BufferPool`, the categorical clipped objective as one op);
 * otherwise composed of the element-wise ops, with fresh buffers.
 */
function oursStep(rows: number, fused = true): () => void {
  const rng = new Rng(1);
  const actor = new nn.MLP({ sizes: [OBS, HID, HID, ACTS], rng, outputGain: 0.01, name: "actor" });
  const critic = new nn.MLP({ sizes: [OBS, HID, HID, 1], rng, outputGain: 1, name: "critic" });
  const params = [...actor.parameters(), ...critic.parameters()];
  const d = batchData(rows, 2);
  const obs = nn.tensor(d.obs, rows, OBS), oldLogp = nn.tensor(d.oldLogp, rows, 1);
  const adv = nn.tensor(d.adv, rows, 1), ret = nn.tensor(d.returns, rows, 1);
  const valueLoss = () => nn.mulScalar(nn.mean(nn.square(nn.sub(critic.forward(obs), ret))), 0.5);
  if (fused) {
    const pool = new nn.BufferPool();
    return () =>
      pool.run(() => {
        nn.zeroGrad(params);
        const logits = actor.forward(obs);
        const o = nn.categoricalClippedObjective(logits, d.actions, oldLogp, adv, 0.2, 0.01);
        nn.backward(nn.add(o.loss, nn.mulScalar(valueLoss(), 0.5)));
      });
  }
  return () => {
    nn.zeroGrad(params);
    const pi = new nn.Categorical(actor.forward(obs));
    const ratio = nn.exp(nn.sub(pi.logProb(d.actions), oldLogp));
    const pg = nn.neg(
      nn.mean(nn.minimum(nn.mul(ratio, adv), nn.mul(nn.clip(ratio, 0.8, 1.2), adv))),
    );
    const loss = nn.add(
      nn.sub(pg, nn.mulScalar(nn.mean(pi.entropy()), 0.01)),
      nn.mulScalar(valueLoss(), 0.5),
    );
    nn.backward(loss);
  };
}

function tfStep(rows: number): () => void {
  const rng = new Rng(1);
  const mk = (name: string, sizes: number[]) =>
    sizes.slice(1).flatMap((out, l) => [
      tf.variable(
        tf.tensor2d(nn.orthogonal(out, sizes[l], Math.SQRT2, rng), [out, sizes[l]]),
        true,
        `${name}${l}w`,
      ),
      tf.variable(tf.zeros([out]), true, `${name}${l}b`),
    ]);
  const actor = mk(`a${rows}_${Math.random()}`, [OBS, HID, HID, ACTS]);
  const critic = mk(`c${rows}_${Math.random()}`, [OBS, HID, HID, 1]);
  const d = batchData(rows, 2);
  const obs = tf.tensor2d(d.obs, [rows, OBS]);
  const oneHot = tf.oneHot(tf.tensor1d(d.actions, "int32"), ACTS);
  const oldLogp = tf.tensor1d(d.oldLogp), adv = tf.tensor1d(d.adv), ret = tf.tensor1d(d.returns);
  const mlp = (vars: tf.Variable[], x: tf.Tensor2D) => {
    let h: tf.Tensor2D = x;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h, vars[l] as tf.Tensor2D, false, true), vars[l + 1]);
      if (l + 2 < vars.length) h = tf.tanh(h);
    }
    return h;
  };
  const lossFn = () => {
    const logits = mlp(actor, obs);
    const logp = tf.logSoftmax(logits);
    const lpA = tf.sum(tf.mul(logp, oneHot), 1);
    const ratio = tf.exp(tf.sub(lpA, oldLogp));
    const pg = tf.neg(
      tf.mean(tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 0.8, 1.2), adv))),
    );
    const ent = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
    const v = tf.reshape(mlp(critic, obs), [rows]);
    const vLoss = tf.mul(tf.mean(tf.square(tf.sub(v, ret))), 0.5);
    return tf.add(tf.sub(pg, tf.mul(ent, 0.01)), tf.mul(vLoss, 0.5)) as tf.Scalar;
  };
  return () => {
    const { value, grads } = tf.variableGrads(lossFn);
    // read one gradient back so the work is done (the cpu backend is synchronous anyway)
    grads[Object.keys(grads)[0]].dataSync();
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
  };
}

async function tryWasmBackend(): Promise<string> {
  try {
    const wasm = await import("npm:@tensorflow/tfjs-backend-wasm@4.22.0");
    const dir = new URL(import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm@4.22.0")).pathname
      .replace(/dist\/.*$/, "dist/");
    wasm.setWasmPaths(`file://${dir}`);
    const ok = await tf.setBackend("wasm");
    return ok ? "" : "setBackend('wasm') returned false";
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
}

// ---------------------------------------------------------------- run
const ghz = clockGhz();
// The ceiling is measured before and after the kernels (the clock may still be rising at
// the start); the larger is kept, since a ceiling is a best case.
let ceiling = 0, ceilingChains = 0;
const measureCeiling = async () => {
  const c = await measureSimdCeiling(QUICK ? 3 : 7, QUICK ? 60_000_000 : 240_000_000);
  if (c.gflops > ceiling) [ceiling, ceilingChains] = [c.gflops, c.chains];
};
await measureCeiling();
const kernel: Record<string, number> = {};
for (const m of BATCHES) {
  kernel[`AB${m}`] = await kernelGflops(m, "AB");
  kernel[`AtB${m}`] = await kernelGflops(m, "AtB");
  kernel[`GtX${m}`] = await kernelGflops(m, "GtX");
}
await measureCeiling();
const kernelRows: (string | number)[][] = [];
for (const m of BATCHES) {
  const ab = kernel[`AB${m}`], atb = kernel[`AtB${m}`], gtx = kernel[`GtX${m}`];
  kernelRows.push([
    m,
    ab.toFixed(1),
    `${((100 * ab) / ceiling).toFixed(0)}%`,
    atb.toFixed(1),
    `${((100 * atb) / ceiling).toFixed(0)}%`,
    gtx.toFixed(1),
    `${((100 * gtx) / ceiling).toFixed(0)}%`,
  ]);
}

const ours: Record<number, number> = {};
const oursComposed: Record<number, number> = {};
const oursTs: Record<number, number> = {};
for (const rows of BATCHES) {
  ours[rows] = await measure(oursStep(rows));
  oursComposed[rows] = await measure(oursStep(rows, false));
  const prev = nn.setKernels(nn.tsKernels);
  oursTs[rows] = await measure(oursStep(rows));
  nn.setKernels(prev);
}

await tf.setBackend("cpu");
tf.env().set("IS_TEST", false);
const tfCpu: Record<number, number> = {};
for (const rows of BATCHES) tfCpu[rows] = await measure(tfStep(rows), QUICK ? 250 : 1000);
const wasmError = await tryWasmBackend();
const tfWasm: Record<number, number> = {};
if (wasmError === "") {
  for (const rows of BATCHES) tfWasm[rows] = await measure(tfStep(rows), QUICK ? 250 : 1000);
}

// rollout forward: no-grad forwardInto of the actor at 4 and 64 rows
const rolloutNs: Record<number, number> = {};
{
  const actor = new nn.MLP({ sizes: [OBS, HID, HID, ACTS], rng: new Rng(3) });
  for (const rows of [1, 4, 64]) {
    const x = new Float32Array(rows * OBS).fill(0.3), out = new Float32Array(rows * ACTS);
    rolloutNs[rows] = (await measure(() => {
      for (let r = 0; r < 100; r++) actor.forwardInto(x, rows, out);
    })) * 1e4;
  }
}

const acRows = BATCHES.map((rows) => {
  const sps = (ms: number) => Math.round((rows * 1000) / ms).toLocaleString("en-US");
  const gf = (ms: number) => ((3 * forwardFlops(rows)) / (ms * 1e6)).toFixed(2);
  return [
    rows,
    ours[rows].toFixed(3),
    sps(ours[rows]),
    gf(ours[rows]),
    `${((100 * (3 * forwardFlops(rows)) / (ours[rows] * 1e6)) / ceiling).toFixed(0)}%`,
    oursComposed[rows].toFixed(3),
    `${((100 * (3 * forwardFlops(rows)) / (oursComposed[rows] * 1e6)) / ceiling).toFixed(0)}%`,
    oursTs[rows].toFixed(3),
    tfCpu[rows].toFixed(3),
    sps(tfCpu[rows]),
    `${(tfCpu[rows] / ours[rows]).toFixed(1)}×`,
    wasmError === "" ? tfWasm[rows].toFixed(3) : "n/a",
    wasmError === "" ? `${(tfWasm[rows] / ours[rows]).toFixed(1)}×` : "n/a",
  ];
});

const body = [
  "Bare kernel `C[m×64] += A·B` with B 64×64 (the product of a 64-wide linear layer; `AᵀB` is",
  "the same product with A stored transposed; `GᵀX` is a 64-wide layer's weight gradient over",
  "m rows, `C[64×64] += G[m×64]ᵀ·X[m×64]`, summed in panels of 256 rows), operands resident",
  "in Wasm memory, plain 128-bit SIMD",
  `(f32x4 mul + add). The 128-bit SIMD ceiling, measured in this run (\`bench/simd_ceiling.ts\`:`,
  "register-resident f32x4 multiply-accumulates `aᵢ ← aᵢ + aᵢ₊₁·m`, mul and add separate, in a",
  `ring of accumulators; fastest of 8–14 accumulators, here ${ceilingChains}):`,
  `**${ceiling.toFixed(1)} GFLOP/s** per core (for reference, /proc/cpuinfo reads`,
  `${ghz.toFixed(3)} GHz; not used).`,
  "",
  markdownTable(
    ["m", "A·B GFLOP/s", "of ceiling", "AᵀB GFLOP/s", "of ceiling", "GᵀX GFLOP/s", "of ceiling"],
    kernelRows,
  ),
  "",
  "PPO actor-critic forward+backward (actor 4→64→64→2 tanh + Categorical, critic 4→64→64→1;",
  "loss = clipped surrogate + 0.5·value MSE − 0.01·entropy; backward into all parameter",
  "gradients). GFLOP/s counts 3× the forward matmul flops. `ours` is the training step's",
  "form (tape buffers from a `BufferPool`, the categorical clipped objective as one op);",
  "`composed` is the same loss from element-wise ops with fresh buffers (the form before",
  "the fusion), measured in the same run. `ours (ts)` forces the plain-TypeScript kernels.",
  `Best of several timing windows (the machine is shared; load average ${loadAverage()}).`,
  "",
  markdownTable(
    [
      "minibatch",
      "ours ms",
      "ours samples/s",
      "ours GFLOP/s",
      "of ceiling",
      "composed ms",
      "composed of ceiling",
      "ours (ts) ms",
      "tfjs-cpu ms",
      "tfjs-cpu samples/s",
      "speed-up vs tfjs-cpu",
      "tfjs-wasm ms",
      "speed-up vs tfjs-wasm",
    ],
    acRows,
  ),
  "",
  wasmError === ""
    ? "- tfjs-wasm: `@tensorflow/tfjs-backend-wasm@4.22.0` loaded offline from the npm cache."
    : `- tfjs-wasm: did not run (${wasmError}).`,
  `- No-grad rollout forward of the actor (\`forwardInto\`): ${
    [1, 4, 64].map((r) => `${rolloutNs[r].toFixed(0)} ns at ${r} row${r > 1 ? "s" : ""}`).join(", ")
  }.`,
  `- Goals: kernel ≥ 30 GFLOP/s at m ≥ 256 (${kernel.AB256.toFixed(1)}, ${
    kernel.AB2048.toFixed(1)
  }); ≥ 10× tfjs-cpu at 64 (${(tfCpu[64] / ours[64]).toFixed(1)}×), ≥ 3× at 2048 (${
    (tfCpu[2048] / ours[2048]).toFixed(1)
  }×).`,
].join("\n");

await updateBenchmarks("nn", `deno run -A bench/nn.ts${QUICK ? " --quick" : ""}`, body);
console.log(body);
console.log(JSON.stringify({
  matmulGflops256: Number(kernel.AB256.toFixed(2)),
  matmulGflops64: Number(kernel.AB64.toFixed(2)),
  matmulGflops2048: Number(kernel.AB2048.toFixed(2)),
  matmulAtBGflops256: Number(kernel.AtB256.toFixed(2)),
  weightGradGflops2048: Number(kernel.GtX2048.toFixed(2)),
  simdCeilingGflops: Number(ceiling.toFixed(2)),
  simdCeilingSource: "measured",
  matmulFractionOfCeiling256: Number((kernel.AB256 / ceiling).toFixed(3)),
  fwdBwdFractionOfCeiling: Object.fromEntries(
    BATCHES.map((r) => [r, Number(((3 * forwardFlops(r)) / (ours[r] * 1e6) / ceiling).toFixed(3))]),
  ),
  fwdBwdMs: ours,
  fwdBwdComposedMs: oursComposed,
  fwdBwdComposedFractionOfCeiling: Object.fromEntries(
    BATCHES.map((
      r,
    ) => [r, Number(((3 * forwardFlops(r)) / (oursComposed[r] * 1e6) / ceiling).toFixed(3))]),
  ),
  loadAverage: loadAverage(),
  fwdBwdSamplesPerSec64: Math.round((64 * 1000) / ours[64]),
  speedupVsTfjs64: Number((tfCpu[64] / ours[64]).toFixed(2)),
  speedupVsTfjs256: Number((tfCpu[256] / ours[256]).toFixed(2)),
  speedupVsTfjs2048: Number((tfCpu[2048] / ours[2048]).toFixed(2)),
  speedupVsTfjsWasm64: wasmError === "" ? Number((tfWasm[64] / ours[64]).toFixed(2)) : null,
  tfjsWasm: wasmError === "" ? "ran" : wasmError,
  rolloutForwardNs4: Math.round(rolloutNs[4]),
}));
