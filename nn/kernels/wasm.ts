/**
 * Loads the embedded WebAssembly SIMD kernels (`kernels_wasm.ts`, compiled from
 * `kernels.wat`) and wraps them in the {@link Kernels} interface.
 *
 * The operands are copied into the module's linear memory (16-byte aligned regions,
 * each padded to a multiple of 4 floats), the kernel runs, and the result is copied back.
 * The memory grows on demand and is reused, so steady-state calls allocate nothing.
 * No permission is needed: the bytes are part of the source.
 * @module
 */
import type { DenseActivation, Kernels } from "../kernels.ts";
import { kernelsWasmBase64 } from "./kernels_wasm.ts";

interface KernelExports {
  memory: WebAssembly.Memory;
  gemm(
    a: number,
    rsA: number,
    csA: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
  ): void;
  gemm_abt(a: number, b: number, c: number, m: number, kp: number, n: number, bt: number): void;
  transpose(src: number, dst: number, r: number, c: number): void;
  tanh(x: number, y: number, n: number): void;
  relu(x: number, y: number, n: number): void;
  dense_fwd(
    x: number,
    w: number,
    b: number,
    y: number,
    rows: number,
    kp: number,
    outDim: number,
    act: number,
    wt: number,
  ): void;
  act_bwd(g: number, y: number, gz: number, n: number, act: number): void;
  colsum(g: number, s: number, rows: number, n: number): void;
  adam(
    d: number,
    g: number,
    m: number,
    v: number,
    n: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    s: number,
    c: number,
    eps: number,
    gs: number,
  ): void;
}

const ACT_CODE = { none: 0, tanh: 1, relu: 2 } as const;

/** The raw module exports (byte-offset pointers), for benchmarks and tests. */
export type RawKernels = KernelExports;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Rounds a float count up to a multiple of 4 (16 bytes). */
function pad(n: number): number {
  return (n + 3) & ~3;
}

/** Short copies run as loops (no view object is allocated); long ones use `set`. */
const LOOP_COPY_MAX = 1024;

/** `h[off .. off+n) = src[0 .. n)` without allocating for short copies. */
function copyIn(h: Float32Array, src: Float32Array, n: number, off: number): void {
  if (src.length === n) h.set(src, off);
  else if (n <= LOOP_COPY_MAX) { for (let i = 0; i < n; i++) h[off + i] = src[i]; }
  else h.set(src.subarray(0, n), off);
}

/** `dst[0 .. n) = h[off .. off+n)` without allocating for short copies. */
function copyOut(h: Float32Array, off: number, dst: Float32Array, n: number): void {
  if (n <= LOOP_COPY_MAX) { for (let i = 0; i < n; i++) dst[i] = h[off + i]; }
  else dst.set(h.subarray(off, off + n));
}

/**
 * Copies rows `r0 … r0 + rows − 1` of the `k`-column `src` to `h[off..]` with rows of
 * `kp ≥ k` floats (zero-padded).
 */
function putPadded(
  h: Float32Array,
  src: Float32Array,
  r0: number,
  rows: number,
  k: number,
  kp: number,
  off: number,
) {
  if (k === kp) {
    copyInAt(h, src, r0 * k, rows * k, off);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const o = off + i * kp, s = (r0 + i) * k;
    for (let p = 0; p < k; p++) h[o + p] = src[s + p];
    for (let p = k; p < kp; p++) h[o + p] = 0;
  }
}

/** `h[off .. off+n) = src[from .. from+n)`. */
function copyInAt(h: Float32Array, src: Float32Array, from: number, n: number, off: number): void {
  if (from === 0) copyIn(h, src, n, off);
  else if (n <= LOOP_COPY_MAX) { for (let i = 0; i < n; i++) h[off + i] = src[from + i]; }
  else h.set(src.subarray(from, from + n), off);
}

/** `dst[at .. at+n) = h[off .. off+n)`. */
function copyOutAt(h: Float32Array, off: number, dst: Float32Array, at: number, n: number): void {
  if (at === 0) copyOut(h, off, dst, n);
  else if (n <= LOOP_COPY_MAX) { for (let i = 0; i < n; i++) dst[at + i] = h[off + i]; }
  else dst.set(h.subarray(off, off + n), at);
}

/** Rows per kernel call of the dense layers (operands of 64-wide layers stay in L2). */
export const CHUNK_ROWS = 256;

/** Instantiates the embedded module; `null` when WebAssembly SIMD is unavailable. */
export function instantiateKernels(): RawKernels | null {
  try {
    const module = new WebAssembly.Module(decodeBase64(kernelsWasmBase64));
    const instance = new WebAssembly.Instance(module, {});
    return instance.exports as unknown as RawKernels;
  } catch {
    return null;
  }
}

/** {@link Kernels} backed by the Wasm SIMD module. */
export class WasmKernels implements Kernels {
  /** Back-end name. */
  readonly name = "wasm-simd";
  /** The raw exports. */
  readonly raw: RawKernels;
  #f32: Float32Array;

  /** Rows per kernel call of the dense layers. */
  readonly chunkRows: number;

  /** Wraps an instantiated module; dense layers run `chunkRows` rows per kernel call. */
  constructor(raw: RawKernels, chunkRows: number = CHUNK_ROWS) {
    if (!(Number.isInteger(chunkRows) && chunkRows >= 1)) {
      throw new RangeError(`WasmKernels: chunkRows must be a positive integer, got ${chunkRows}`);
    }
    this.raw = raw;
    this.chunkRows = chunkRows;
    this.#f32 = new Float32Array(raw.memory.buffer);
  }

  /** A float32 view of linear memory with room for `floats` values. */
  #heap(floats: number): Float32Array {
    const need = floats * 4;
    const mem = this.raw.memory;
    if (mem.buffer.byteLength < need) {
      mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
    }
    if (this.#f32.buffer !== mem.buffer) this.#f32 = new Float32Array(mem.buffer);
    return this.#f32;
  }

  /** `C[m×n] += A[m×k]·B[k×n]`. */
  gemmAB(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
    if (m === 0 || n === 0 || k === 0) return;
    const pa = 0, pb = pad(m * k), pc = pb + pad(k * n);
    const h = this.#heap(pc + pad(m * n));
    copyIn(h, a, m * k, pa);
    copyIn(h, b, k * n, pb);
    copyIn(h, c, m * n, pc);
    this.raw.gemm(pa * 4, k, 1, pb * 4, pc * 4, m, k, n);
    copyOut(h, pc, c, m * n);
  }

  /** `C[m×n] += A[k×m]ᵀ·B[k×n]`. */
  gemmAtB(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    k: number,
    n: number,
  ): void {
    if (m === 0 || n === 0 || k === 0) return;
    const pa = 0, pb = pad(m * k), pc = pb + pad(k * n);
    const h = this.#heap(pc + pad(m * n));
    copyIn(h, a, m * k, pa);
    copyIn(h, b, k * n, pb);
    copyIn(h, c, m * n, pc);
    this.raw.gemm(pa * 4, 1, m, pb * 4, pc * 4, m, k, n);
    copyOut(h, pc, c, m * n);
  }

  /** `C[m×n] += A[m×k]·B[n×k]ᵀ` (rows zero-padded to a multiple of 4 in linear memory). */
  gemmABt(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    k: number,
    n: number,
  ): void {
    if (m === 0 || n === 0 || k === 0) return;
    const kp = pad(k);
    const pa = 0, pb = m * kp, pc = pb + n * kp, pbt = pc + pad(m * n);
    const h = this.#heap(pbt + kp * pad(n));
    putPadded(h, a, 0, m, k, kp, pa);
    putPadded(h, b, 0, n, k, kp, pb);
    copyIn(h, c, m * n, pc);
    this.raw.gemm_abt(pa * 4, pb * 4, pc * 4, m, kp, n, pbt * 4);
    copyOut(h, pc, c, m * n);
  }

  /** `y = x·Wᵀ + b`: `dense_fwd` with no activation runs exactly `linear_fwd`. */
  linearForward(
    x: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    y: Float32Array,
    rows: number,
    inDim: number,
    outDim: number,
  ): void {
    this.denseForward(x, w, b, y, rows, inDim, outDim, "none");
  }

  /** `y = tanh x` (rational approximation, see kernels.wat). */
  tanhForward(x: Float32Array, y: Float32Array, n: number): void {
    const py = pad(n);
    const h = this.#heap(2 * py);
    copyIn(h, x, n, 0);
    this.raw.tanh(0, py * 4, n);
    copyOut(h, py, y, n);
  }

  /** `y = max(x, 0)`. */
  reluForward(x: Float32Array, y: Float32Array, n: number): void {
    const py = pad(n);
    const h = this.#heap(2 * py);
    copyIn(h, x, n, 0);
    this.raw.relu(0, py * 4, n);
    copyOut(h, py, y, n);
  }

  /**
   * `y = act(x·Wᵀ + b)`, one kernel call per block of {@link CHUNK_ROWS} rows (W copied
   * in once): rows are independent, so the blocking changes no bit of the result, and a
   * block's operands stay in cache between the copy and the kernel.
   */
  denseForward(
    x: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    y: Float32Array,
    rows: number,
    inDim: number,
    outDim: number,
    act: DenseActivation,
  ): void {
    const kp = pad(inDim), chunk = Math.min(rows, this.chunkRows);
    const pw = 0, pb = pw + outDim * kp, pwt = pb + pad(outDim);
    const px = pwt + kp * pad(outDim), py = px + chunk * kp;
    const h = this.#heap(py + pad(chunk * outDim));
    putPadded(h, w, 0, outDim, inDim, kp, pw);
    if (b !== null) copyIn(h, b, outDim, pb);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const r = Math.min(chunk, rows - r0);
      putPadded(h, x, r0, r, inDim, kp, px);
      this.raw.dense_fwd(
        px * 4,
        pw * 4,
        b === null ? -1 : pb * 4,
        py * 4,
        r,
        kp,
        outDim,
        ACT_CODE[act],
        pwt * 4,
      );
      copyOutAt(h, py, y, r0 * outDim, r * outDim);
    }
  }

  /**
   * Backward of a dense layer (see `Kernels.denseBackward`), by blocks of
   * {@link CHUNK_ROWS} rows: `gx` row by row; `gw` and `gb` stay in Wasm memory across the
   * blocks and accumulate over the rows in the same order as one call would (same bits).
   */
  denseBackward(
    g: Float32Array,
    x: Float32Array,
    w: Float32Array,
    y: Float32Array,
    act: DenseActivation,
    gx: Float32Array | null,
    gxZero: boolean,
    gw: Float32Array | null,
    gb: Float32Array | null,
    rows: number,
    inDim: number,
    outDim: number,
  ): void {
    const chunk = Math.min(rows, this.chunkRows);
    const n = chunk * outDim, nx = chunk * inDim, nw = outDim * inDim;
    const pw = 0, pgw = pw + pad(nw), pgb = pgw + pad(nw);
    const pg = pgb + pad(outDim), py = pg + pad(n), pgz = act === "none" ? pg : py + pad(n);
    const px = pgz + pad(n), pgx = px + pad(nx);
    const h = this.#heap(pgx + pad(nx));
    if (gx !== null) copyIn(h, w, nw, pw);
    // narrow inputs (< 16 columns): accumulate gwᵀ = xᵀ·gz (inDim × outDim), which the
    // 2 × 16 register blocks cover, instead of gzᵀ·x; every entry sums the same products
    // in the same order, so the bits are those of the direct form
    const transposedGw = gw !== null && inDim < 16 && outDim >= 16;
    if (transposedGw) {
      for (let o = 0; o < outDim; o++) {
        for (let q = 0; q < inDim; q++) h[pgw + q * outDim + o] = gw![o * inDim + q];
      }
    } else if (gw !== null) copyIn(h, gw, nw, pgw);
    const colsum = gb !== null && outDim % 4 === 0;
    if (colsum) copyIn(h, gb, outDim, pgb);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const r = Math.min(chunk, rows - r0), nr = r * outDim, nxr = r * inDim;
      copyInAt(h, g, r0 * outDim, nr, pg);
      if (act !== "none") {
        copyInAt(h, y, r0 * outDim, nr, py);
        this.raw.act_bwd(pg * 4, py * 4, pgz * 4, nr, ACT_CODE[act]);
      }
      if (gx !== null) {
        if (gxZero) h.fill(0, pgx, pgx + nxr);
        else copyInAt(h, gx, r0 * inDim, nxr, pgx);
        this.raw.gemm(pgz * 4, outDim, 1, pw * 4, pgx * 4, r, outDim, inDim);
        copyOutAt(h, pgx, gx, r0 * inDim, nxr);
      }
      if (gw !== null) {
        copyInAt(h, x, r0 * inDim, nxr, px);
        if (transposedGw) this.raw.gemm(px * 4, 1, inDim, pgz * 4, pgw * 4, inDim, r, outDim);
        else this.raw.gemm(pgz * 4, 1, outDim, px * 4, pgw * 4, outDim, r, inDim);
      }
      if (gb !== null) {
        if (colsum) this.raw.colsum(pgz * 4, pgb * 4, r, outDim);
        else {
          for (let i = 0; i < r; i++) {
            for (let o = 0; o < outDim; o++) gb[o] += h[pgz + i * outDim + o];
          }
        }
      }
    }
    if (transposedGw) {
      for (let o = 0; o < outDim; o++) {
        for (let q = 0; q < inDim; q++) gw![o * inDim + q] = h[pgw + q * outDim + o];
      }
    } else if (gw !== null) copyOut(h, pgw, gw, nw);
    if (colsum) copyOut(h, pgb, gb!, outDim);
  }

  /** One Adam step in float32 SIMD; see `Kernels.adamStep`. */
  adamStep(
    d: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    beta1: number,
    beta2: number,
    stepSize: number,
    invBc2Sqrt: number,
    eps: number,
    gradScale = 1,
  ): void {
    const n = d.length;
    if (g.length !== n || m.length !== n || v.length !== n) {
      throw new RangeError(
        `Adam: buffers of ${g.length}, ${m.length}, ${v.length} for ${n} values`,
      );
    }
    const np = pad(n), pd = 0, pg = np, pm = 2 * np, pv = 3 * np;
    const h = this.#heap(4 * np);
    copyIn(h, d, n, pd);
    copyIn(h, g, n, pg);
    copyIn(h, m, n, pm);
    copyIn(h, v, n, pv);
    this.raw.adam(
      pd * 4,
      pg * 4,
      pm * 4,
      pv * 4,
      n,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      stepSize,
      invBc2Sqrt,
      eps,
      gradScale,
    );
    copyOut(h, pd, d, n);
    copyOut(h, pm, m, n);
    copyOut(h, pv, v, n);
  }
}

/** The Wasm kernels, or `null` when the runtime lacks WebAssembly SIMD. */
export function createWasmKernels(): WasmKernels | null {
  const raw = instantiateKernels();
  return raw === null ? null : new WasmKernels(raw);
}
