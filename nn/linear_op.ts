/**
 * Matrix products on the tape.
 *
 * - `linear(x, W, b)`: `y = x·Wᵀ + b` with `x` n×in, `W` out×in (row `o` holds the weights
 *   into output `o`, as `DenseLayerSpec` in `spec.ts`), `b` 1×out. Backward:
 *   `∂L/∂x += g·W`, `∂L/∂W += gᵀ·x`, `∂L/∂b += Σᵢ gᵢ`.
 * - `dense(x, W, b, act)`: `act(x·Wᵀ + b)` fused (act = none, tanh, relu), what `MLP` uses.
 * - `matmul(a, b)`: `a·b` with `a` m×k and `b` k×n. Backward: `∂L/∂a += g·bᵀ`,
 *   `∂L/∂b += aᵀ·g`.
 *
 * The products run on the kernels of `nn/kernels.ts` (WebAssembly SIMD when available).
 * @example
 * ```ts
 * import { linear, tensor } from "./mod.ts";
 * const y = linear(tensor([1, 2], 1, 2), tensor([1, 0, 0, 1, 1, 1], 3, 2), tensor([0, 0, 1], 1, 3));
 * if (!(y.data.join() === "1,2,4")) throw new Error("example failed");
 * ```
 * @module
 */
import { type DenseActivation, kernels } from "./kernels.ts";
import { makeResult, setBackward, shapeError, type Tensor } from "./tensor.ts";

/** Fused linear layer `x·Wᵀ + b` (`b` optional). */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  if (x.cols !== w.cols) throw shapeError("linear (x·Wᵀ)", x, w, "shapes x and W");
  if (b != null && (b.rows !== 1 || b.cols !== w.rows)) {
    throw shapeError("linear (bias)", w, b, "shapes W and b (b must be 1×out)");
  }
  const n = x.rows, inDim = x.cols, outDim = w.rows;
  const parents = b != null ? [x, w, b] : [x, w];
  const out = makeResult("linear", n, outDim, parents);
  kernels().linearForward(x.data, w.data, b?.data ?? null, out.data, n, inDim, outDim);
  return setBackward(out, () => {
    const g = out.grad!;
    const k = kernels();
    if (x.requiresGrad) k.gemmAB(g, w.data, x.gradBuffer(), n, outDim, inDim);
    if (w.requiresGrad) k.gemmAtB(g, x.data, w.gradBuffer(), outDim, n, inDim);
    if (b != null && b.requiresGrad) {
      const gb = b.gradBuffer();
      for (let i = 0; i < n; i++) for (let o = 0; o < outDim; o++) gb[o] += g[i * outDim + o];
    }
  });
}

/**
 * Dense layer `act(x·Wᵀ + b)` as one tape op (one Wasm round trip forward and backward):
 * `act` is `"none"`, `"tanh"` or `"relu"`; the backward pass uses `act'(z)` from the
 * output (`1 − y²` for tanh, `[y > 0]` for relu).
 */
export function dense(x: Tensor, w: Tensor, b: Tensor | null, act: DenseActivation): Tensor {
  if (x.cols !== w.cols) throw shapeError("dense (x·Wᵀ)", x, w, "shapes x and W");
  if (b !== null && (b.rows !== 1 || b.cols !== w.rows)) {
    throw shapeError("dense (bias)", w, b, "shapes W and b (b must be 1×out)");
  }
  const n = x.rows, inDim = x.cols, outDim = w.rows;
  const out = makeResult(`dense(${act})`, n, outDim, b !== null ? [x, w, b] : [x, w]);
  kernels().denseForward(x.data, w.data, b?.data ?? null, out.data, n, inDim, outDim, act);
  return setBackward(out, () => {
    const gxZero = x.grad === null;
    kernels().denseBackward(
      out.grad!,
      x.data,
      w.data,
      out.data,
      act,
      x.requiresGrad ? x.gradBuffer() : null,
      gxZero,
      w.requiresGrad ? w.gradBuffer() : null,
      b !== null && b.requiresGrad ? b.gradBuffer() : null,
      n,
      inDim,
      outDim,
    );
  });
}

/** Matrix product `a·b` (`a` m×k, `b` k×n). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.cols !== b.rows) throw shapeError("matmul", a, b);
  const m = a.rows, k = a.cols, n = b.cols;
  const out = makeResult("matmul", m, n, [a, b]);
  kernels().gemmAB(a.data, b.data, out.data, m, k, n);
  return setBackward(out, () => {
    const g = out.grad!;
    // ∂a = g·bᵀ: C[m×k] += G[m×n]·B[k×n]ᵀ ; ∂b = aᵀ·g: C[k×n] += A[m×k]ᵀ·G[m×n]
    if (a.requiresGrad) kernels().gemmABt(g, b.data, a.gradBuffer(), m, n, k);
    if (b.requiresGrad) kernels().gemmAtB(a.data, g, b.gradBuffer(), k, m, n);
  });
}
