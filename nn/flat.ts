/**
 * Flat vectors of parameters and gradients, for conjugate gradient and line searches
 * (TRPO): the parameters' values (or gradients) concatenated in the given order, each
 * tensor row-major. Flat vectors are `Float64Array`s by default (CG accumulates in
 * double); any `Float32Array`/`Float64Array` is accepted when setting.
 *
 * @example
 * ```ts
 * import { getFlatParams, Parameter, setFlatParams } from "./mod.ts";
 * const ps = [new Parameter("a", 1, 2, [1, 2]), new Parameter("b", 1, 1, [3])];
 * const flat = getFlatParams(ps); // Float64Array [1, 2, 3]
 * flat[2] = 5;
 * setFlatParams(ps, flat);
 * if (!(ps[1].data[0] === 5)) throw new Error("example failed");
 * ```
 * @module
 */
import type { Parameter } from "./tensor.ts";

/** Total number of scalars in `params`. */
export function flatSize(params: readonly Parameter[]): number {
  let n = 0;
  for (const p of params) n += p.size;
  return n;
}

function checkLength(where: string, params: readonly Parameter[], len: number): void {
  const n = flatSize(params);
  if (len !== n) {
    throw new RangeError(`${where}: flat vector has ${len} values, parameters have ${n}`);
  }
}

/** The parameters' values concatenated (into `out` when given). */
export function getFlatParams(
  params: readonly Parameter[],
  out: Float64Array | Float32Array = new Float64Array(flatSize(params)),
): Float64Array | Float32Array {
  checkLength("getFlatParams", params, out.length);
  let o = 0;
  for (const p of params) {
    out.set(p.data, o);
    o += p.size;
  }
  return out;
}

/** Writes `flat` back into the parameters' values (rounded to float32). */
export function setFlatParams(params: readonly Parameter[], flat: ArrayLike<number>): void {
  checkLength("setFlatParams", params, flat.length);
  let o = 0;
  for (const p of params) {
    for (let q = 0; q < p.size; q++) p.data[q] = flat[o + q];
    o += p.size;
  }
}

/** The parameters' gradients concatenated (into `out` when given). */
export function getFlatGrad(
  params: readonly Parameter[],
  out: Float64Array | Float32Array = new Float64Array(flatSize(params)),
): Float64Array | Float32Array {
  checkLength("getFlatGrad", params, out.length);
  let o = 0;
  for (const p of params) {
    out.set(p.grad, o);
    o += p.size;
  }
  return out;
}

/** Writes `flat` into the parameters' gradients (rounded to float32). */
export function setFlatGrad(params: readonly Parameter[], flat: ArrayLike<number>): void {
  checkLength("setFlatGrad", params, flat.length);
  let o = 0;
  for (const p of params) {
    for (let q = 0; q < p.size; q++) p.grad[q] = flat[o + q];
    o += p.size;
  }
}
