/**
 * The ONNX entry point (`@ascent/ascent/onnx`): export, inspect and run exported policies.
 *
 * This module adds the ONNX Runtime wrapper ({@link OnnxPolicy}) to the exporter. ONNX
 * Runtime (`npm:onnxruntime-node`, a large native package) is still only downloaded and
 * loaded when `OnnxPolicy.load` first runs; programs that use it need `--allow-ffi` and
 * `--allow-read` (for model files).
 *
 * @example
 * ```ts ignore
 * import { OnnxPolicy } from "./onnx.ts";
 * const policy = await OnnxPolicy.load("runs/cartpole/policy.onnx", {
 *   executionProviders: ["cuda", "cpu"],
 * });
 * const { actions } = await policy.act([[0.01, 0.02, -0.03, 0.04]]);
 * console.log(actions[0], policy.info().executionProvider);
 * ```
 * @module
 */
export * from "./policies/onnx/mod.ts";
export {
  type ActResult,
  type ExecutionProvider,
  ExecutionProviderError,
  loadOnnxRuntime,
  OnnxPolicy,
  type OnnxPolicyInfo,
  type OnnxPolicyOptions,
  type OrtModule,
  type OrtSession,
  type OrtTensorLike,
  type ProviderFailure,
  type RawOutputs,
} from "./policies/onnx/runtime.ts";
export { type ObservationBatch, toObservationBatch } from "./policies/onnx/validate.ts";
export { ONNXRUNTIME_SPECIFIER } from "./policies/onnx/runtime_deps.ts";
