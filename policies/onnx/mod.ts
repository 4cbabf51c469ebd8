/**
 * ONNX export and inspection of trained policies: the part of the ONNX support that needs
 * no ONNX Runtime (and so belongs in the main `mod.ts` surface).
 *
 * - {@link exportOnnx}: a `PolicySpec` to an `.onnx` file (IR 8, opset 17);
 * - {@link readOnnxInfo}: a file's inputs, outputs, metadata and contract;
 * - `encodeModel` / `decodeModel`: the protobuf codec of the ONNX messages used.
 *
 * Running models lives in `runtime.ts`, exported by the separate `onnx.ts` entry point.
 * @module
 */
export { exportOnnx, type PolicySource } from "./export.ts";
export {
  BATCH_DIM,
  buildPolicyModel,
  type ExportOptions,
  IR_VERSION,
  OPSET_VERSION,
} from "./graph.ts";
export { modelInfo, type OnnxInfo, readOnnxInfo, type TensorInfo } from "./info.ts";
export {
  CONTRACT_FORMAT,
  MetadataKey,
  pluginsFromMetadata,
  type PolicyContract,
  type PolicyPlugins,
  type TensorContract,
} from "./metadata.ts";
export {
  type AttributeProto,
  DataType,
  decodeModel,
  type Dimension,
  encodeModel,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type OperatorSetId,
  type StringStringEntry,
  type TensorProto,
  type ValueInfoProto,
} from "./proto.ts";
