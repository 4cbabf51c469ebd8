/**
 * Plain-TypeScript reference kernels: the three matrix products of a linear layer and
 * the activations. They are the fallback when WebAssembly SIMD is unavailable and the
 * reference the Wasm kernels are tested against.
 *
 * All matrices are row-major `Float32Array`s; every product **accumulates** into `c`:
 *
 * - {@link gemmABt}: `C[m×n] += A[m×k] · B[n×k]ᵀ` (forward `x·Wᵀ`),
 * - {@link gemmAB}: `C[m×n] += A[m×k] · B[k×n]` (input gradient `g·W`),
 * - {@link gemmAtB}: `C[m×n] += A[k×m]ᵀ · B[k×n]` (weight gradient `gᵀ·x`).
 *
 * Sums are accumulated in float64 and rounded once to float32. {@link adamStep} is the
 * optimiser's update (float64 arithmetic on the float32 moments).
 * @module
 */

/** `C[m×n] += A[m×k] · B[n×k]ᵀ`. */
export function gemmABt(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const ci = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (; p + 3 < k; p += 4) {
        s0 += a[ai + p] * b[bj + p];
        s1 += a[ai + p + 1] * b[bj + p + 1];
        s2 += a[ai + p + 2] * b[bj + p + 2];
        s3 += a[ai + p + 3] * b[bj + p + 3];
      }
      for (; p < k; p++) s0 += a[ai + p] * b[bj + p];
      c[ci + j] += (s0 + s1) + (s2 + s3);
    }
  }
}

/** `C[m×n] += A[m×k] · B[k×n]`. */
export function gemmAB(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p];
      if (av === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) acc[j] += av * b[bp + j];
    }
    const ci = i * n;
    for (let j = 0; j < n; j++) c[ci + j] += acc[j];
  }
}

/** `C[m×n] += A[k×m]ᵀ · B[k×n]`. */
export function gemmAtB(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  const acc = new Float64Array(m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m;
    const bp = p * n;
    for (let i = 0; i < m; i++) {
      const av = a[ap + i];
      if (av === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) acc[ci + j] += av * b[bp + j];
    }
  }
  for (let q = 0; q < m * n; q++) c[q] += acc[q];
}

/** `y[r×out] = x[r×in] · W[out×in]ᵀ + b` (bias broadcast over rows; `b` may be null). */
export function linearForward(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
  y: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
): void {
  for (let i = 0; i < rows; i++) {
    const row = i * outDim;
    if (b === null) { for (let o = 0; o < outDim; o++) y[row + o] = 0; }
    else for (let o = 0; o < outDim; o++) y[row + o] = b[o];
  }
  gemmABt(x, w, y, rows, inDim, outDim);
}

/** `y[i] = tanh(x[i])` for `i < n`. */
export function tanhForward(x: Float32Array, y: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
}

/** `y[i] = max(x[i], 0)` for `i < n` (NaN propagates, as in the Wasm kernel). */
export function reluForward(x: Float32Array, y: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    y[i] = v > 0 || v !== v ? v : 0;
  }
}

/** `y = act(x·Wᵀ + b)`, act `"none"`, `"tanh"` or `"relu"`. */
export function denseForward(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
  y: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  act: "none" | "tanh" | "relu",
): void {
  linearForward(x, w, b, y, rows, inDim, outDim);
  if (act === "tanh") tanhForward(y, y, rows * outDim);
  else if (act === "relu") reluForward(y, y, rows * outDim);
}

/** Backward of {@link denseForward}; see `Kernels.denseBackward` in `nn/kernels.ts`. */
export function denseBackward(
  g: Float32Array,
  x: Float32Array,
  w: Float32Array,
  y: Float32Array,
  act: "none" | "tanh" | "relu",
  gx: Float32Array | null,
  _gxZero: boolean,
  gw: Float32Array | null,
  gb: Float32Array | null,
  rows: number,
  inDim: number,
  outDim: number,
): void {
  const n = rows * outDim;
  let gz = g;
  if (act !== "none") {
    gz = new Float32Array(n);
    if (act === "tanh") { for (let q = 0; q < n; q++) gz[q] = g[q] * (1 - y[q] * y[q]); }
    else for (let q = 0; q < n; q++) gz[q] = y[q] > 0 ? g[q] : 0;
  }
  if (gx !== null) gemmAB(gz, w, gx, rows, outDim, inDim);
  if (gw !== null) gemmAtB(gz, x, gw, outDim, rows, inDim);
  if (gb !== null) {
    for (let i = 0; i < rows; i++) for (let o = 0; o < outDim; o++) gb[o] += gz[i * outDim + o];
  }
}

/**
 * A gradient value times clipping's factor `s`, as the optimisers use it: the product
 * formed in float64 and rounded once to float32 (what `g[i] *= s` stores in a
 * `Float32Array`, and what the Wasm Adam kernel computes); `s = 1` leaves `g` as it is.
 */
export function scaledGradient(g: number, s: number): number {
  return s === 1 ? g : Math.fround(g * s);
}

/** One Adam step of one tensor; see `Kernels.adamStep` in `nn/kernels.ts`. */
export function adamStep(
  d: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  b1: number,
  b2: number,
  stepSize: number,
  invBc2Sqrt: number,
  eps: number,
  gradScale = 1,
): void {
  const c1 = 1 - b1, c2 = 1 - b2;
  const n = d.length;
  if (g.length !== n || m.length !== n || v.length !== n) {
    throw new RangeError(`Adam: buffers of ${g.length}, ${m.length}, ${v.length} for ${n} values`);
  }
  for (let q = 0; q < n; q++) {
    const gq = scaledGradient(g[q], gradScale);
    // the stored (float32) moments are used: written, then read back
    m[q] = b1 * m[q] + c1 * gq;
    v[q] = b2 * v[q] + c2 * gq * gq;
    d[q] -= (stepSize * m[q]) / (Math.sqrt(v[q]) * invBc2Sqrt + eps);
  }
}
