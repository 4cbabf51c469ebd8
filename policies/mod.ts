/**
 * Policies: the trainer-free `PolicySpec`, the actor-critic networks the algorithms train,
 * checkpoint files, and ONNX export.
 *
 * - `spec.ts`: a trained policy as plain data (`π(a|s)` from an MLP on normalised `s`);
 * - `actor_critic.ts`: actor `π_θ` and critic `v_φ`;
 * - `heads.ts`: the policy heads (Categorical, DiagGaussian), chosen from the action space;
 * - `checkpoint.ts`: named float32 tensors plus JSON metadata, atomic, CRC-checked;
 * - `onnx/mod.ts`: export of a `PolicySpec` to ONNX.
 * @module
 */
export * from "./spec.ts";
export * from "./actor_critic.ts";
export * from "./heads.ts";
export * from "./checkpoint.ts";
export * from "./onnx/mod.ts";
