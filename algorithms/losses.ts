/**
 * The policy-gradient losses, as differentiable functions of tensors (all `rows × 1`).
 *
 * - Vanilla policy gradient: `L^PG = −E[log π_θ(a|s) Â]`.
 * - Importance-weighted surrogate (TRPO): `L^IS = −E[r Â]`, `r = π_θ(a|s)/π_old(a|s)`.
 * - Clipped surrogate (PPO): `L^CLIP = −E[min(r Â, clip(r, 1−ε, 1+ε) Â)]`.
 * - KL-penalised surrogate (PPO-KL): `L^KLPEN = −E[r Â] + β E[KL(π_old‖π_θ)]`.
 * - Value loss: `½E[(v − R)²]`, or clipped around the old values
 *   `½E[max((v − R)², (v_old + clip(v − v_old, −ε, ε) − R)²)]`; the critic regression of
 *   VPG, TRPO, A2C and REINFORCE's baseline minimises `E[(v − R)²]`.
 * - One actor-critic loss: `L = L^π + c_vf·L^V − c_ent·H`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "../nn/mod.ts";
 * import { clippedSurrogateLoss } from "./losses.ts";
 * const loss = clippedSurrogateLoss(tensor([1.5], 1, 1), tensor([2], 1, 1), 0.2);
 * assert.ok(Math.abs(loss.item() + 2.4) < 1e-6); // −min(1.5·2, 1.2·2)
 * ```
 * @module
 */
import {
  add,
  clip,
  clippedSquaredError,
  exp,
  maximum,
  mean,
  mul,
  mulScalar,
  neg,
  square,
  sub,
  type Tensor,
} from "../nn/mod.ts";

/** `r = exp(log π_θ − log π_old)`. */
export function probabilityRatio(logProbs: Tensor, oldLogProbs: Tensor): Tensor {
  return exp(sub(logProbs, oldLogProbs));
}

/** `L^PG = −E[log π_θ(a|s) Â]`. */
export function policyGradientLoss(logProbs: Tensor, advantages: Tensor): Tensor {
  return neg(mean(mul(logProbs, advantages)));
}

/** `L^IS = −E[r Â]`. */
export function surrogateLoss(ratio: Tensor, advantages: Tensor): Tensor {
  return neg(mean(mul(ratio, advantages)));
}

/** `L^CLIP = −E[min(r Â, clip(r, 1−ε, 1+ε) Â)] = E[max(−Â r, −Â clip(r))]`. */
export function clippedSurrogateLoss(ratio: Tensor, advantages: Tensor, eps: number): Tensor {
  const negAdv = mulScalar(advantages, -1);
  return mean(maximum(mul(negAdv, ratio), mul(negAdv, clip(ratio, 1 - eps, 1 + eps))));
}

/** `L^KLPEN = −E[r Â] + β E[KL]` (`kl` per row). */
export function klPenaltyLoss(
  ratio: Tensor,
  advantages: Tensor,
  kl: Tensor,
  beta: number,
): Tensor {
  return add(surrogateLoss(ratio, advantages), mulScalar(mean(kl), beta));
}

/** `E[(v − R)²]`: the critic's regression on its targets. */
export function meanSquaredError(values: Tensor, targets: Tensor): Tensor {
  return mean(square(sub(values, targets)));
}

/** `L = L^π + c_vf·L^V − c_ent·H`, summed in that order (A2C, PPO-KL). */
export function actorCriticLoss(
  policyLoss: Tensor,
  valueLoss: Tensor,
  vfCoef: number,
  entropy: Tensor,
  entCoef: number,
): Tensor {
  return sub(add(policyLoss, mulScalar(valueLoss, vfCoef)), mulScalar(entropy, entCoef));
}

/** `½E[(v − R)²]`. */
export function valueLoss(values: Tensor, returns: Tensor): Tensor {
  return mulScalar(mean(square(sub(values, returns))), 0.5);
}

/**
 * `½E[max((v − R)², (v_old + clip(v − v_old, −ε, ε) − R)²)]`: one tape op
 * (`clippedSquaredError` in `nn/clipped_objective.ts`).
 */
export function clippedValueLoss(
  values: Tensor,
  oldValues: Tensor,
  returns: Tensor,
  eps: number,
): Tensor {
  return clippedSquaredError(values, oldValues, returns, eps);
}
