/**
 * `readOnnxInfo`: what an `.onnx` file declares, read without ONNX Runtime.
 *
 * Decodes the model with the protobuf decoder of `proto.ts` and reports the IR version,
 * operator sets, graph inputs and outputs with their element types and shapes (a number
 * for a fixed dimension, the symbolic name such as `"batch"` for a dynamic one, `null`
 * when unnamed), the metadata entries and, for files written by this toolkit, the parsed
 * input/output contract. A truncated or corrupt file fails with an error naming the byte
 * offset and the field being read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportOnnx } from "./export.ts";
 * import { readOnnxInfo } from "./info.ts";
 * const layer = (i: number, o: number) => ({
 *   inDim: i, outDim: o, weight: new Float32Array(i * o), bias: new Float32Array(o),
 * });
 * const bytes = await exportOnnx({
 *   observationSpace: { type: "box", low: -1, high: 1, shape: [3] },
 *   actionSpace: { type: "discrete", n: 2 },
 *   actor: { layers: [layer(3, 2)], activation: "tanh" },
 *   provenance: { algorithm: "ppo", envId: "Demo-v0", timesteps: 10 },
 * }, null);
 * const info = readOnnxInfo(bytes);
 * assert.equal(info.inputs[0].shape.join(), "batch,3");
 * assert.equal(info.metadata["ascent.env_id"], "Demo-v0");
 * ```
 * @module
 */
import { dataTypeName, decodeModel, type ModelProto, type ValueInfoProto } from "./proto.ts";
import { contractFromMetadata, type PolicyContract } from "./metadata.ts";

/** A graph input or output. */
export interface TensorInfo {
  /** Value name. */
  name: string;
  /** Element type name, e.g. `"float32"` or `"int64"`. */
  dtype: string;
  /** Dimensions: size, symbolic name, or `null` when unknown. Empty for scalars. */
  shape: (number | string | null)[];
}

/** Everything {@link readOnnxInfo} reports. */
export interface OnnxInfo {
  /** IR version. */
  irVersion: number;
  /** Operator-set imports (`domain` `""` is the default ONNX domain). */
  opsetImports: { domain: string; version: number }[];
  /** Producer name and version, when given. */
  producer: string;
  /** Graph name. */
  graphName: string;
  /** Graph inputs (initialisers excluded). */
  inputs: TensorInfo[];
  /** Graph outputs. */
  outputs: TensorInfo[];
  /** Metadata entries. */
  metadata: Record<string, string>;
  /** Number of nodes. */
  nodeCount: number;
  /** Sorted distinct operator types. */
  operators: string[];
  /** The toolkit's input/output contract, or `null` for models written elsewhere. */
  contract: PolicyContract | null;
}

function tensorInfo(v: ValueInfoProto): TensorInfo {
  return {
    name: v.name,
    dtype: dataTypeName(v.elemType),
    shape: (v.shape ?? []).map((d) => d.value ?? d.param ?? null),
  };
}

/** Summarises a decoded model (see {@link readOnnxInfo}). */
export function modelInfo(model: ModelProto): OnnxInfo {
  if (model.irVersion <= 0) {
    throw new SyntaxError(
      "not an ONNX model: ModelProto.ir_version (field 1) is missing or zero",
    );
  }
  const graph = model.graph;
  if (graph === undefined) {
    throw new SyntaxError("not an ONNX model: ModelProto.graph (field 7) is missing");
  }
  const initialisers = new Set(graph.initializer.map((t) => t.name));
  const metadata: Record<string, string> = {};
  for (const { key, value } of model.metadataProps) metadata[key] = value;
  return {
    irVersion: model.irVersion,
    opsetImports: model.opsetImport.map((o) => ({ domain: o.domain, version: o.version })),
    producer: [model.producerName, model.producerVersion].filter((s) => s).join(" "),
    graphName: graph.name,
    inputs: graph.input.filter((v) => !initialisers.has(v.name)).map(tensorInfo),
    outputs: graph.output.map(tensorInfo),
    metadata,
    nodeCount: graph.node.length,
    operators: [...new Set(graph.node.map((n) => n.opType))].sort(),
    contract: contractFromMetadata(metadata),
  };
}

/**
 * Reads the declared contract of an ONNX model from its bytes.
 * @throws SyntaxError for truncated or corrupt bytes (naming the byte offset and field
 * path), and when the bytes parse but are not an ONNX model (naming the missing field).
 */
export function readOnnxInfo(bytes: Uint8Array): OnnxInfo {
  if (bytes.length === 0) throw new SyntaxError("not an ONNX model: the file is empty");
  return modelInfo(decodeModel(bytes));
}
