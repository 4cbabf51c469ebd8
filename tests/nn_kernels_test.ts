/**
 * The WebAssembly SIMD kernels against the plain-TypeScript reference kernels on shapes
 * that exercise every block/tail path (4-row blocks, 8/4/1-column tails), and the
 * embedded binary against its source. Tolerance for products: |Δ| ≤ 1e-5·Σₚ|aₚbₚ| + 1e-6
 * (float32 accumulation in a different order); tanh: relative 1e-6 vs `Math.tanh`.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { tsKernels, wasmKernels } from "../nn/kernels.ts";
import { kernelsWatSha256 } from "../nn/kernels/kernels_wasm.ts";
import { MLP } from "../nn/layers.ts";
import { instantiateKernels, WasmKernels } from "../nn/kernels/wasm.ts";

const wasm = wasmKernels!;

function rand(rng: Rng, n: number): Float32Array {
  return new Float32Array(n).map(() => rng.uniformRange(-1, 1));
}

function absProducts(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  form: string,
) {
  // Σₚ |A[i,p] B[p,j]| in the orientation of `form`, for the error bound.
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = form === "AtB" ? a[p * m + i] : a[i * k + p];
        const bv = form === "ABt" ? b[j * k + p] : b[p * n + j];
        s += Math.abs(av * bv);
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

Deno.test("kernels: the Wasm SIMD module is available", () => {
  assert.ok(wasmKernels !== null, "WebAssembly SIMD kernels failed to load");
  assert.equal(wasm.name, "wasm-simd");
});

Deno.test("kernels: gemm forms agree with the TypeScript reference", () => {
  const rng = new Rng(1);
  const dims = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 17, 64];
  for (const form of ["AB", "AtB", "ABt"] as const) {
    for (const m of dims) {
      for (const n of dims) {
        for (const k of [1, 3, 4, 64]) {
          const a = rand(rng, m * k), b = rand(rng, k * n), c0 = rand(rng, m * n);
          const cw = c0.slice(), ct = c0.slice();
          const fn = form === "AB" ? "gemmAB" : form === "AtB" ? "gemmAtB" : "gemmABt";
          wasm[fn](a, b, cw, m, k, n);
          tsKernels[fn](a, b, ct, m, k, n);
          const bound = absProducts(a, b, m, k, n, form);
          for (let q = 0; q < m * n; q++) {
            assert.ok(
              Math.abs(cw[q] - ct[q]) <= 1e-5 * (bound[q] + Math.abs(c0[q])) + 1e-6,
              `${form} m=${m} k=${k} n=${n} [${q}]: wasm ${cw[q]} ts ${ct[q]}`,
            );
          }
        }
      }
    }
  }
});

Deno.test("kernels: long products run in panels of p and keep the bits of one pass in p order", () => {
  // Every C[i,j] is c + a·b summed in float32 in order of p, however many panels of 256
  // steps the product is cut into (the weight gradient's p is the batch's row count).
  const rng = new Rng(5);
  for (const form of ["AB", "AtB"] as const) {
    for (const k of [255, 256, 257, 600]) {
      const m = 5, n = 19; // 2-row blocks and an odd row; a 16-column block and 1-column tails
      const a = rand(rng, m * k), b = rand(rng, k * n), c0 = rand(rng, m * n);
      const c = c0.slice();
      wasm[form === "AB" ? "gemmAB" : "gemmAtB"](a, b, c, m, k, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = c0[i * n + j];
          for (let p = 0; p < k; p++) {
            const av = form === "AtB" ? a[p * m + i] : a[i * k + p];
            acc = Math.fround(acc + Math.fround(av * b[p * n + j]));
          }
          assert.equal(c[i * n + j], acc, `${form} k=${k} C[${i},${j}]`);
        }
      }
    }
  }
});

Deno.test("kernels: linearForward agrees, with and without bias; deterministic", () => {
  const rng = new Rng(2);
  for (
    const [rows, inDim, outDim] of [[1, 4, 64], [3, 64, 64], [257, 64, 2], [5, 3, 1], [64, 64, 1]]
  ) {
    const x = rand(rng, rows * inDim), w = rand(rng, outDim * inDim), b = rand(rng, outDim);
    for (const bias of [b, null]) {
      const yw = new Float32Array(rows * outDim), yt = new Float32Array(rows * outDim);
      wasm.linearForward(x, w, bias, yw, rows, inDim, outDim);
      tsKernels.linearForward(x, w, bias, yt, rows, inDim, outDim);
      for (let q = 0; q < yw.length; q++) {
        assert.ok(
          Math.abs(yw[q] - yt[q]) <= 1e-5 * inDim * 0.5 + 1e-6,
          `linear ${rows}×${inDim}→${outDim}`,
        );
      }
      const again = new Float32Array(rows * outDim);
      wasm.linearForward(x, w, bias, again, rows, inDim, outDim);
      assert.deepEqual(again, yw, "same inputs, same bits");
    }
  }
});

Deno.test("kernels: denseForward and denseBackward agree (all activations, odd widths)", () => {
  const rng = new Rng(4);
  for (
    const [rows, inDim, outDim] of [[1, 4, 64], [7, 64, 64], [33, 64, 2], [5, 3, 1], [64, 64, 4]]
  ) {
    for (const act of ["none", "tanh", "relu"] as const) {
      const x = rand(rng, rows * inDim), w = rand(rng, outDim * inDim), b = rand(rng, outDim);
      const yw = new Float32Array(rows * outDim), yt = new Float32Array(rows * outDim);
      wasm.denseForward(x, w, b, yw, rows, inDim, outDim, act);
      tsKernels.denseForward(x, w, b, yt, rows, inDim, outDim, act);
      for (let q = 0; q < yw.length; q++) {
        assert.ok(Math.abs(yw[q] - yt[q]) <= 1e-5 * inDim, `dense ${act} y`);
      }
      const g = rand(rng, rows * outDim);
      for (const gxZero of [true, false]) {
        const gx0 = gxZero ? new Float32Array(rows * inDim) : rand(rng, rows * inDim);
        const gw0 = rand(rng, outDim * inDim), gb0 = rand(rng, outDim);
        const [gxw, gww, gbw] = [gx0.slice(), gw0.slice(), gb0.slice()];
        const [gxt, gwt, gbt] = [gx0.slice(), gw0.slice(), gb0.slice()];
        wasm.denseBackward(g, x, w, yt, act, gxw, gxZero, gww, gbw, rows, inDim, outDim);
        tsKernels.denseBackward(g, x, w, yt, act, gxt, gxZero, gwt, gbt, rows, inDim, outDim);
        const tol = 1e-5 * Math.max(rows, outDim) + 1e-6;
        for (let q = 0; q < gxw.length; q++) {
          assert.ok(Math.abs(gxw[q] - gxt[q]) <= tol, `dense ${act} gx`);
        }
        for (let q = 0; q < gww.length; q++) {
          assert.ok(Math.abs(gww[q] - gwt[q]) <= tol, `dense ${act} gw`);
        }
        for (let q = 0; q < gbw.length; q++) {
          assert.ok(Math.abs(gbw[q] - gbt[q]) <= tol, `dense ${act} gb`);
        }
      }
      // null targets are skipped
      const gb = new Float32Array(outDim);
      wasm.denseBackward(g, x, w, yt, act, null, true, null, gb, rows, inDim, outDim);
      assert.ok(gb.some((v) => v !== 0) || act === "relu");
    }
  }
});

Deno.test("kernels: a row's forward result does not depend on its batch", () => {
  const rng = new Rng(5);
  for (const sizes of [[4, 64, 64, 2], [3, 64, 64, 1], [6, 32, 5]]) {
    const mlp = new MLP({ sizes, rng, name: "m" });
    const rows = 9, inDim = sizes[0], outDim = sizes[sizes.length - 1];
    const obs = rand(rng, rows * inDim), all = new Float32Array(rows * outDim);
    mlp.forwardInto(obs, rows, all);
    for (let i = 0; i < rows; i++) {
      const one = new Float32Array(outDim);
      mlp.forwardInto(obs.slice(i * inDim, (i + 1) * inDim), 1, one);
      assert.deepEqual(one, all.slice(i * outDim, (i + 1) * outDim), `[${sizes}] row ${i}`);
    }
  }
  const x = rand(rng, 9 * 64), w = rand(rng, 64 * 64), b = rand(rng, 64);
  const all = new Float32Array(9 * 64);
  wasm.denseForward(x, w, b, all, 9, 64, 64, "tanh");
  for (let i = 0; i < 9; i++) {
    const one = new Float32Array(64);
    wasm.denseForward(x.subarray(i * 64, (i + 1) * 64), w, b, one, 1, 64, 64, "tanh");
    assert.deepEqual(one, all.subarray(i * 64, (i + 1) * 64), `row ${i}`);
  }
});

Deno.test("kernels: Wasm tanh within 1e-6 relative of Math.tanh; relu exact", () => {
  const n = 400_003;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -20 + (40 * i) / (n - 1);
  x.set(
    [0, -0, 1e-30, -1e-8, 0.55, -0.55, Math.fround(0.55) - 1e-7, 9, 30, Infinity, -Infinity],
    0,
  );
  const y = new Float32Array(n);
  wasm.tanhForward(x, y, n);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const exact = Math.tanh(x[i]);
    const rel = exact === 0 ? Math.abs(y[i]) : Math.abs(y[i] - exact) / Math.abs(exact);
    worst = Math.max(worst, rel);
    assert.ok(rel <= 1e-6, `tanh(${x[i]}) = ${y[i]}, Math.tanh ${exact}`);
  }
  assert.ok(Object.is(y[1], -0), "tanh(−0) = −0");
  const yt = new Float32Array(n);
  tsKernels.tanhForward(x, yt, n);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(y[i] - yt[i]) <= 1e-6 * Math.abs(yt[i]) + 1e-30);
  const nan = new Float32Array([NaN, 1, 2]);
  wasm.tanhForward(nan, nan, 3);
  assert.ok(Number.isNaN(nan[0]));
  // in-place and odd lengths
  const r = new Float32Array([-1, 2, -0.5, 0, 3, NaN, -7]);
  const rt = new Float32Array(7), rw = r.slice();
  tsKernels.reluForward(r, rt, 7);
  wasm.reluForward(rw, rw, 7);
  assert.deepEqual([...rw], [...rt]);
  assert.deepEqual([...rt].slice(0, 5), [0, 2, 0, 0, 3]);
});

Deno.test("kernels: large operands grow the Wasm memory", () => {
  const rng = new Rng(3);
  const m = 2048, k = 64, n = 64;
  const a = rand(rng, m * k), b = rand(rng, n * k);
  const cw = new Float32Array(m * n), ct = new Float32Array(m * n);
  wasm.gemmABt(a, b, cw, m, k, n);
  tsKernels.gemmABt(a, b, ct, m, k, n);
  for (let q = 0; q < cw.length; q += 97) assert.ok(Math.abs(cw[q] - ct[q]) < 1e-4);
});

Deno.test("kernels: the embedded binary was built from the current kernels.wat", async () => {
  const src = await Deno.readTextFile(new URL("../nn/kernels/kernels.wat", import.meta.url));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(src));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, kernelsWatSha256, "kernels_wasm.ts is stale: run nn/kernels/build.ts");
});

Deno.test("kernels: dense layers by blocks of rows give the bits of one whole-batch call", () => {
  const raw = instantiateKernels();
  assert.ok(raw !== null);
  const blocked = new WasmKernels(raw, 64), whole = new WasmKernels(raw, 1 << 30);
  const rng = new Rng(11);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  for (const [rows, inDim, outDim, act] of [[300, 4, 64, "tanh"], [257, 64, 3, "none"]] as const) {
    const x = rand(rows * inDim), w = rand(outDim * inDim), b = rand(outDim);
    const yb = new Float32Array(rows * outDim), yw = new Float32Array(rows * outDim);
    blocked.denseForward(x, w, b, yb, rows, inDim, outDim, act);
    whole.denseForward(x, w, b, yw, rows, inDim, outDim, act);
    assert.deepEqual(yb, yw, `forward ${rows}×${inDim}→${outDim}`);
    const g = rand(rows * outDim);
    const grads = () => ({
      gx: rand(rows * inDim).fill(0.5),
      gw: new Float32Array(outDim * inDim).fill(0.25),
      gb: new Float32Array(outDim).fill(-1),
    });
    const a = grads(), c = grads();
    blocked.denseBackward(g, x, w, yb, act, a.gx, false, a.gw, a.gb, rows, inDim, outDim);
    whole.denseBackward(g, x, w, yw, act, c.gx, false, c.gw, c.gb, rows, inDim, outDim);
    assert.deepEqual(a, c, `backward ${rows}×${inDim}→${outDim}`);
  }
  assert.throws(() => new WasmKernels(raw, 0), /chunkRows must be a positive integer/);
});

Deno.test("kernels: the Wasm Adam step agrees with the TypeScript one (float32 rounding)", () => {
  assert.ok(wasmKernels !== null);
  const rng = new Rng(12);
  for (const n of [1, 7, 64, 1030]) {
    const start = () => {
      const r = new Rng(n);
      return {
        d: Float32Array.from({ length: n }, () => r.normal()),
        m: Float32Array.from({ length: n }, () => 1e-3 * r.normal()),
        v: Float32Array.from({ length: n }, () => 1e-6 * Math.abs(r.normal())),
      };
    };
    const a = start(), b = start();
    for (let t = 1; t <= 5; t++) {
      const g = Float32Array.from({ length: n }, () => 0.01 * rng.normal());
      const s = 3e-4 / (1 - 0.9 ** t), c = 1 / Math.sqrt(1 - 0.999 ** t);
      tsKernels.adamStep(a.d, g, a.m, a.v, 0.9, 0.999, s, c, 1e-5);
      wasmKernels.adamStep(b.d, g, b.m, b.v, 0.9, 0.999, s, c, 1e-5);
    }
    for (const key of ["d", "m", "v"] as const) {
      // relative to the tensor's scale: m = β₁m + (1−β₁)g may cancel
      const scale = a[key].reduce((s, x) => Math.max(s, Math.abs(x)), 0);
      for (let q = 0; q < n; q++) {
        const x = a[key][q], y = b[key][q];
        assert.ok(
          Math.abs(x - y) <= 1e-6 * scale,
          `${key}[${q}] of ${n}: ${x} vs ${y}`,
        );
      }
    }
  }
  assert.throws(
    () =>
      wasmKernels!.adamStep(
        new Float32Array(2),
        new Float32Array(3),
        new Float32Array(2),
        new Float32Array(2),
        0.9,
        0.999,
        1,
        1,
        1e-5,
      ),
    /Adam: buffers of 3, 2, 2 for 2 values/,
  );
});

Deno.test("kernels: the weight gradient of a narrow layer (gwᵀ = xᵀ·g) has the bits of gᵀ·x", () => {
  const raw = instantiateKernels();
  assert.ok(raw !== null);
  const k = new WasmKernels(raw);
  const rng = new Rng(13);
  for (const [rows, inDim, outDim] of [[130, 4, 64], [300, 6, 32]]) {
    const g = Float32Array.from({ length: rows * outDim }, () => rng.normal());
    const x = Float32Array.from({ length: rows * inDim }, () => rng.normal());
    const gw0 = Float32Array.from({ length: outDim * inDim }, () => rng.normal());
    const gw = gw0.slice();
    k.denseBackward(
      g,
      x,
      new Float32Array(outDim * inDim),
      g,
      "none",
      null,
      true,
      gw,
      null,
      rows,
      inDim,
      outDim,
    );
    // the direct form gw += gᵀ·x, one gemm call on the whole batch
    const mem: Float32Array = new Float32Array(raw.memory.buffer);
    const pg = 0, px = rows * outDim, pw = px + rows * inDim;
    mem.set(g, pg);
    mem.set(x, px);
    mem.set(gw0, pw);
    raw.gemm(pg * 4, 1, outDim, px * 4, pw * 4, outDim, rows, inDim);
    assert.deepEqual(gw, mem.slice(pw, pw + outDim * inDim), `${rows}×${inDim}→${outDim}`);
  }
});

Deno.test("kernels: Wasm transpose (4 × 4 shuffle blocks and the scalar path) is exact", () => {
  const raw = instantiateKernels();
  assert.ok(raw !== null);
  const rng = new Rng(11);
  for (const [r, c] of [[64, 64], [64, 4], [4, 64], [2, 64], [6, 10], [8, 12], [1, 1], [5, 4]]) {
    const need = 2 * r * c + 8;
    if (raw.memory.buffer.byteLength < need * 4) {
      raw.memory.grow(Math.ceil((need * 4 - raw.memory.buffer.byteLength) / 65536));
    }
    const mem: Float32Array = new Float32Array(raw.memory.buffer);
    const src = 0, dst = r * c + 4; // dst deliberately not 16-byte aligned when r·c is odd
    for (let q = 0; q < r * c; q++) mem[src + q] = rng.normal();
    mem.fill(NaN, dst, dst + r * c + 4);
    raw.transpose(src * 4, dst * 4, r, c);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        assert.equal(mem[dst + j * r + i], mem[src + i * c + j], `${r}×${c} at (${i}, ${j})`);
      }
    }
    assert.ok(Number.isNaN(mem[dst + r * c]), `${r}×${c}: wrote past the end`);
  }
});

Deno.test("kernels: Adam's gradient scale equals scaling the gradient first, bit for bit", () => {
  const rng = new Rng(5);
  const n = 1031; // not a multiple of 4
  const g = new Float32Array(n).map(() => rng.normal());
  for (const k of [wasm, tsKernels]) {
    for (const scale of [0.3711, 1e-3, 1]) {
      const run = (grad: Float32Array, gs: number) => {
        const d = new Float32Array(n).map((_, i) => Math.sin(i));
        const m = new Float32Array(n).fill(0.01), v = new Float32Array(n).fill(0.02);
        k.adamStep(d, grad, m, v, 0.9, 0.999, 1e-3 / 0.1, 1 / Math.sqrt(0.001), 1e-5, gs);
        return [d, m, v];
      };
      const scaledFirst = g.slice();
      for (let q = 0; q < n; q++) scaledFirst[q] *= scale;
      const expected = run(scaledFirst, 1), got = run(g.slice(), scale);
      for (let b = 0; b < 3; b++) {
        assert.deepEqual(got[b], expected[b], `${k === wasm ? "wasm" : "ts"}, scale ${scale}`);
      }
    }
  }
});
