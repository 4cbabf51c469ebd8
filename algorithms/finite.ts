/**
 * The NaN/∞ guard of training: every loss, gradient and parameter must stay finite.
 *
 * - After `backward`, {@link checkedGradScale} computes the global gradient norm
 *   `‖g‖ = √(Σ_p Σ_i g_{p,i}²)` and the factor clipping it to `maxGradNorm` (when > 0),
 *   which the optimiser applies; the norm is finite exactly when every gradient is, so one
 *   pass over the gradients doubles as the test.
 * - After each update, {@link assertFiniteUpdate} checks the reported losses and every
 *   parameter of the policy.
 *
 * A failure throws {@link NonFiniteError}, whose message names the algorithm, the
 * environment, the update, the loss and the first parameter (or gradient) tensor holding a
 * non-finite value, with its index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Parameter } from "../nn/mod.ts";
 * import { assertFiniteUpdate, NonFiniteError } from "./finite.ts";
 * const w = new Parameter("w", 1, 2, new Float32Array([1, NaN]));
 * assert.throws(
 *   () => assertFiniteUpdate("ppo on CartPole-v1", 3, { policyLoss: 0, valueLoss: 0 }, [w]),
 *   (e) => e instanceof NonFiniteError && /parameter w\[1\] is NaN after update 3/.test(e.message),
 * );
 * ```
 * @module
 */
import { clipScale, gradNorm, type Parameter } from "../nn/mod.ts";

/** Thrown when a loss, gradient or parameter becomes NaN or infinite. */
export class NonFiniteError extends Error {
  /** Builds the error; the message names where the value appeared. */
  constructor(message: string) {
    super(message);
    this.name = "NonFiniteError";
  }
}

/**
 * Throws {@link NonFiniteError} when the policy or value loss of an update is not finite,
 * or a value of `parameters` is NaN/∞; `where` names the run (`"ppo on CartPole-v1"`).
 */
export function assertFiniteUpdate(
  where: string,
  update: number,
  losses: { readonly policyLoss: number; readonly valueLoss: number | null },
  parameters: readonly Parameter[],
): void {
  for (const key of ["policyLoss", "valueLoss"] as const) {
    const value = losses[key];
    if (value !== null && !Number.isFinite(value)) { // null: no critic
      throw new NonFiniteError(`${where}: ${key} is ${value} at update ${update}`);
    }
  }
  for (const p of parameters) {
    if (allFinite(p.data)) continue;
    const i = firstNonFinite(p.data);
    if (i >= 0) {
      throw new NonFiniteError(
        `${where}: parameter ${p.name}[${i}] is ${p.data[i]} after update ${update}`,
      );
    }
  }
}

/**
 * After `backward`: the global gradient norm of `params`, then {@link checkGradients} when
 * the loss or the norm is not finite. Returns the factor that clips the gradients to
 * `maxGradNorm` (when > 0; else 1), for `Optimizer.step` to apply.
 */
export function checkedGradScale(
  where: string,
  lossName: string,
  loss: number,
  params: readonly Parameter[],
  allParams: readonly Parameter[],
  maxGradNorm = 0,
): number {
  const norm = gradNorm(params);
  if (!Number.isFinite(norm) || !Number.isFinite(loss)) {
    checkGradients(where, lossName, loss, params, allParams);
  }
  return maxGradNorm > 0 ? clipScale(norm, maxGradNorm) : 1;
}

/**
 * Throws {@link NonFiniteError} when `loss` or a gradient of `params` is not finite,
 * naming `lossName` and the first non-finite tensor (a parameter of `allParams`, else a
 * gradient of `params`).
 */
export function checkGradients(
  where: string,
  lossName: string,
  loss: number,
  params: readonly Parameter[],
  allParams: readonly Parameter[],
): void {
  if (Number.isFinite(loss) && params.every((p) => firstNonFinite(p.grad) < 0)) return;
  const bad = allParams.find((p) => firstNonFinite(p.data) >= 0);
  const badGrad = params.find((p) => firstNonFinite(p.grad) >= 0);
  const culprit = bad
    ? `parameter ${bad.name} holds ${describeFirst(bad.data)}`
    : badGrad
    ? `gradient w.r.t. ${badGrad.name} holds ${describeFirst(badGrad.grad)}`
    : "no parameter or gradient is non-finite (the data is)";
  throw new NonFiniteError(`${where}: ${lossName} is ${loss}; ${culprit}`);
}

/**
 * Whether every value is finite: their float64 sum is finite exactly when they all are
 * (float32 values cannot overflow a float64 sum), and a sum is cheaper than a test per value.
 */
function allFinite(a: Float32Array): boolean {
  let s0 = 0, s1 = 0, q = 0;
  for (; q + 1 < a.length; q += 2) {
    s0 += a[q];
    s1 += a[q + 1];
  }
  if (q < a.length) s0 += a[q];
  return Number.isFinite(s0 + s1);
}

function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

function describeFirst(a: Float32Array): string {
  const i = firstNonFinite(a);
  return i < 0 ? "finite values" : `${a[i]} at [${i}]`;
}
