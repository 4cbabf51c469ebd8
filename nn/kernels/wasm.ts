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
  gemm_abt(a: number, b: number, c: number, m: number, kp: number, n: number): void;
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

/** Copies `rows × k` values to `h[off..]` with rows of `kp ≥ k` floats (zero-padded). */
function putPadded(
  h: Float32Array,
  src: Float32Array,
  rows: number,
  k: number,
  kp: number,
  off: number,
) {
  if (k === kp) {
    copyIn(h, src, rows * k, off);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const o = off + i * kp;
    for (let p = 0; p < k; p++) h[o + p] = src[i * k + p];
    for (let p = k; p < kp; p++) h[o + p] = 0;
  }
}

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

  /** Wraps an instantiated module. */
  constructor(raw: RawKernels) {
    this.raw = raw;
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
    const pa = 0, pb = m * kp, pc = pb + n * kp;
    const h = this.#heap(pc + pad(m * n));
    putPadded(h, a, m, k, kp, pa);
    putPadded(h, b, n, k, kp, pb);
    copyIn(h, c, m * n, pc);
    this.raw.gemm_abt(pa * 4, pb * 4, pc * 4, m, kp, n);
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

  /** `y = act(x·Wᵀ + b)` in one call. */
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
    const kp = pad(inDim);
    const px = 0, pw = rows * kp, pb = pw + outDim * kp, py = pb + pad(outDim);
    const pwt = py + pad(rows * outDim);
    const h = this.#heap(pwt + kp * pad(outDim));
    putPadded(h, x, rows, inDim, kp, px);
    putPadded(h, w, outDim, inDim, kp, pw);
    if (b !== null) copyIn(h, b, outDim, pb);
    this.raw.dense_fwd(
      px * 4,
      pw * 4,
      b === null ? -1 : pb * 4,
      py * 4,
      rows,
      kp,
      outDim,
      ACT_CODE[act],
      pwt * 4,
    );
    copyOut(h, py, y, rows * outDim);
  }

  /** Backward of a dense layer; see `Kernels.denseBackward`. */
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
    const n = rows * outDim, nx = rows * inDim, nw = outDim * inDim;
    const pg = 0, py = pad(n), pgz = act === "none" ? pg : py + pad(n);
    const px = pgz + pad(n), pw = px + pad(nx);
    const pgx = pw + pad(nw), pgw = pgx + pad(nx), pgb = pgw + pad(nw);
    const h = this.#heap(pgb + pad(outDim));
    copyIn(h, g, n, pg);
    if (act !== "none") {
      copyIn(h, y, n, py);
      this.raw.act_bwd(pg * 4, py * 4, pgz * 4, n, ACT_CODE[act]);
    }
    if (gx !== null) {
      copyIn(h, w, nw, pw);
      if (gxZero) h.fill(0, pgx, pgx + nx);
      else copyIn(h, gx, nx, pgx);
      this.raw.gemm(pgz * 4, outDim, 1, pw * 4, pgx * 4, rows, outDim, inDim);
      copyOut(h, pgx, gx, nx);
    }
    if (gw !== null) {
      copyIn(h, x, nx, px);
      copyIn(h, gw, nw, pgw);
      this.raw.gemm(pgz * 4, 1, outDim, px * 4, pgw * 4, outDim, rows, inDim);
      copyOut(h, pgw, gw, nw);
    }
    if (gb !== null) {
      if (outDim % 4 === 0) {
        copyIn(h, gb, outDim, pgb);
        this.raw.colsum(pgz * 4, pgb * 4, rows, outDim);
        copyOut(h, pgb, gb, outDim);
      } else {
        for (let i = 0; i < rows; i++) {
          for (let o = 0; o < outDim; o++) gb[o] += h[pgz + i * outDim + o];
        }
      }
    }
  }
}

/** The Wasm kernels, or `null` when the runtime lacks WebAssembly SIMD. */
export function createWasmKernels(): WasmKernels | null {
  const raw = instantiateKernels();
  return raw === null ? null : new WasmKernels(raw);
}
