/**
 * The hot numeric kernels behind the tensor ops, dispatched to WebAssembly SIMD when the
 * runtime supports it and to the plain-TypeScript reference otherwise.
 *
 * - `gemmABt`: `C[m×n] += A[m×k]·B[n×k]ᵀ` (linear forward `x·Wᵀ`),
 * - `gemmAB`: `C[m×n] += A[m×k]·B[k×n]` (input gradient `g·W`),
 * - `gemmAtB`: `C[m×n] += A[k×m]ᵀ·B[k×n]` (weight gradient `gᵀ·x`),
 * - `linearForward`: `y = x·Wᵀ + b`,
 * - `tanhForward`, `reluForward`: the activations,
 * - `denseForward`, `denseBackward`: a whole dense layer `y = act(x·Wᵀ + b)` and its
 *   backward pass, each in one call (one round trip to Wasm memory),
 * - `adamStep`: one Adam update of one parameter tensor.
 *
 * Both back ends are deterministic: the same inputs give the same bits on every run on
 * one machine. The two back ends agree within float32 rounding (they sum in different
 * orders, the Wasm `tanh` is a rational approximation within 3.1e-7 relative, see
 * `nn/kernels/kernels.wat`, and the Wasm Adam step computes in float32 where the
 * TypeScript one rounds float64 results).
 * @module
 */
import * as ts from "./kernels/ts.ts";
import { createWasmKernels } from "./kernels/wasm.ts";

/** The kernel set used by the ops. */
export interface Kernels {
  /** Back-end name: `"wasm-simd"` or `"ts"`. */
  readonly name: string;
  /** `C[m×n] += A[m×k]·B[n×k]ᵀ`. */
  gemmABt(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
  /** `C[m×n] += A[m×k]·B[k×n]`. */
  gemmAB(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
  /** `C[m×n] += A[k×m]ᵀ·B[k×n]`. */
  gemmAtB(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
  /** `y = x·Wᵀ + b` with `x` rows×in, `W` out×in, `b` length out (or null). */
  linearForward(
    x: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    y: Float32Array,
    rows: number,
    inDim: number,
    outDim: number,
  ): void;
  /** `y[i] = tanh(x[i])`, `i < n`. */
  tanhForward(x: Float32Array, y: Float32Array, n: number): void;
  /** `y[i] = max(x[i], 0)`, `i < n`. */
  reluForward(x: Float32Array, y: Float32Array, n: number): void;
  /** `y = act(x·Wᵀ + b)`: a whole dense layer in one call. */
  denseForward(
    x: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    y: Float32Array,
    rows: number,
    inDim: number,
    outDim: number,
    act: DenseActivation,
  ): void;
  /**
   * Backward of `y = act(x·Wᵀ + b)` from `g = ∂L/∂y`: with `gz = g ⊙ act'(z)` (computed
   * from `y`), accumulates `gx += gz·W`, `gw += gzᵀ·x`, `gb += Σᵢ gzᵢ` (each skipped when
   * null). `gxZero` promises that `gx` holds zeros (its old values are then not read).
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
  ): void;
  /**
   * One Adam step of a tensor `d` with gradient `g` and moments `m`, `v` (all updated in
   * place): `m = β₁m + (1−β₁)g`, `v = β₂v + (1−β₂)g²`, `d −= s·m / (√v·c + ε)` with
   * `s = stepSize` (`lr/(1 − β₁ᵗ)`) and `c = invBc2Sqrt` (`1/√(1 − β₂ᵗ)`), where `g` is
   * the stored gradient times `gradScale` (default 1; gradient clipping's factor, applied
   * here instead of rewriting the gradient).
   */
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
    gradScale?: number,
  ): void;
}

/** Activation fused into a dense layer. */
export type DenseActivation = "none" | "tanh" | "relu";

/** The plain-TypeScript kernels. */
export const tsKernels: Kernels = {
  name: "ts",
  gemmABt: ts.gemmABt,
  gemmAB: ts.gemmAB,
  gemmAtB: ts.gemmAtB,
  linearForward: ts.linearForward,
  tanhForward: ts.tanhForward,
  reluForward: ts.reluForward,
  denseForward: ts.denseForward,
  denseBackward: ts.denseBackward,
  adamStep: ts.adamStep,
};

/** The WebAssembly SIMD kernels, or `null` when the runtime lacks SIMD. */
export const wasmKernels: Kernels | null = createWasmKernels();

let active: Kernels = wasmKernels ?? tsKernels;

/** The kernels the ops currently use. */
export function kernels(): Kernels {
  return active;
}

/** Selects the kernel set used by all ops (for tests and benchmarks). Returns the previous. */
export function setKernels(k: Kernels): Kernels {
  const prev = active;
  active = k;
  return prev;
}
