/**
 * The ONNX messages this toolkit writes and reads, with their protobuf encoder and decoder.
 *
 * Why a hand-written codec: `onnx-proto` on npm carries the ONNX 1.10 schema as old CommonJS
 * whose named exports fail under Deno; `@bufbuild/protobuf` needs code generated from
 * `onnx.proto`, a file we may not copy into the repository. An exported policy uses only
 * nine messages (Model, Graph, Node, Attribute, Tensor, ValueInfo with its Type/Shape, the
 * operator-set id and the string–string metadata entry), so a small codec written from the
 * field numbers of the ONNX specification does the job with no dependency. The encoder
 * writes fields in field-number order, proto2 style (repeated `dims` and attribute
 * `ints`/`floats` unpacked, tensor `*_data` packed), which is the order and layout
 * protobuf's own serialisers use, so the bytes match theirs. The decoder accepts both packed
 * and unpacked repeated scalars and skips every field it does not know (for example
 * `training_info` or `functions` in models written by other tools).
 *
 * Field numbers used (ONNX IR, `onnx.proto`):
 *
 * - ModelProto: ir_version 1, producer_name 2, producer_version 3, domain 4,
 *   model_version 5, doc_string 6, graph 7, opset_import 8, metadata_props 14.
 * - OperatorSetIdProto: domain 1, version 2. StringStringEntryProto: key 1, value 2.
 * - GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12,
 *   value_info 13.
 * - NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, doc_string 6, domain 7.
 * - AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, strings 9,
 *   doc_string 13, type 20.
 * - TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8,
 *   raw_data 9, doc_string 12.
 * - ValueInfoProto: name 1, type 2, doc_string 3; TypeProto: tensor_type 1;
 *   TypeProto.Tensor: elem_type 1, shape 2; TensorShapeProto: dim 1;
 *   Dimension: dim_value 1, dim_param 2.
 * @module
 */
import { ProtoReader, ProtoWriter } from "./wire.ts";

/** `TensorProto.DataType` values used here. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** A human-readable name of an ONNX element type (`"float32"`, `"int64"`, …). */
export function dataTypeName(t: number): string {
  const names: Record<number, string> = {
    0: "undefined",
    1: "float32",
    2: "uint8",
    3: "int8",
    4: "uint16",
    5: "int16",
    6: "int32",
    7: "int64",
    8: "string",
    9: "bool",
    10: "float16",
    11: "float64",
    12: "uint32",
    13: "uint64",
  };
  return names[t] ?? `type#${t}`;
}

/** A tensor (initialiser or attribute value). Only the fields this toolkit uses. */
export interface TensorProto {
  /** Name (the graph-wide value name for initialisers). */
  name?: string;
  /** Element type, a {@link DataType} value. */
  dataType: number;
  /** Shape. */
  dims: number[];
  /** Little-endian packed elements. */
  rawData?: Uint8Array;
  /** Float elements (alternative to `rawData`). */
  floatData?: number[];
  /** int32-family elements. */
  int32Data?: number[];
  /** int64 elements. */
  int64Data?: number[];
  /** Documentation. */
  docString?: string;
}

/** A node attribute; exactly one value field is set, matching `type`. */
export interface AttributeProto {
  /** Attribute name. */
  name: string;
  /** An {@link AttributeType} value. */
  type: number;
  /** FLOAT value. */
  f?: number;
  /** INT value. */
  i?: number;
  /** STRING value (bytes). */
  s?: Uint8Array;
  /** TENSOR value. */
  t?: TensorProto;
  /** FLOATS value. */
  floats?: number[];
  /** INTS value. */
  ints?: number[];
  /** STRINGS value. */
  strings?: Uint8Array[];
  /** Documentation. */
  docString?: string;
}

/** One operator application. */
export interface NodeProto {
  /** Input value names. */
  input: string[];
  /** Output value names. */
  output: string[];
  /** Node name. */
  name?: string;
  /** Operator type, e.g. `"Gemm"`. */
  opType: string;
  /** Operator domain (`""` is the default ONNX domain). */
  domain?: string;
  /** Attributes. */
  attribute: AttributeProto[];
  /** Documentation. */
  docString?: string;
}

/** One dimension of a tensor shape: a fixed size or a symbolic name. */
export interface Dimension {
  /** Fixed size. */
  value?: number;
  /** Symbolic name, e.g. `"batch"`. */
  param?: string;
}

/** A typed graph input or output (tensor types only). */
export interface ValueInfoProto {
  /** Value name. */
  name: string;
  /** Element type ({@link DataType}); 0 when the type is absent or not a tensor. */
  elemType: number;
  /** Shape; `null` when unknown (no shape given). */
  shape: Dimension[] | null;
  /** Documentation. */
  docString?: string;
}

/** A computation graph. */
export interface GraphProto {
  /** Nodes in topological order. */
  node: NodeProto[];
  /** Graph name. */
  name: string;
  /** Constant tensors. */
  initializer: TensorProto[];
  /** Documentation. */
  docString?: string;
  /** Inputs. */
  input: ValueInfoProto[];
  /** Outputs. */
  output: ValueInfoProto[];
  /** Intermediate value types. */
  valueInfo: ValueInfoProto[];
}

/** An operator-set import. */
export interface OperatorSetId {
  /** Domain (`""` for the default ONNX operators). */
  domain: string;
  /** Operator-set version. */
  version: number;
}

/** A metadata entry. */
export interface StringStringEntry {
  /** Key. */
  key: string;
  /** Value. */
  value: string;
}

/** A whole ONNX model. */
export interface ModelProto {
  /** IR version. */
  irVersion: number;
  /** Operator-set imports. */
  opsetImport: OperatorSetId[];
  /** Producer name. */
  producerName?: string;
  /** Producer version. */
  producerVersion?: string;
  /** Model domain. */
  domain?: string;
  /** Model version. */
  modelVersion?: number;
  /** Documentation. */
  docString?: string;
  /** The graph (absent only in malformed files). */
  graph?: GraphProto;
  /** Metadata entries, in file order. */
  metadataProps: StringStringEntry[];
}

// ---------------------------------------------------------------- encoder

function writeTensor(w: ProtoWriter, t: TensorProto): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  if (t.floatData !== undefined && t.floatData.length > 0) {
    const packed = new Uint8Array(4 * t.floatData.length);
    const view = new DataView(packed.buffer);
    t.floatData.forEach((v, i) => view.setFloat32(4 * i, v, true));
    w.bytes(4, packed);
  }
  if (t.int32Data !== undefined && t.int32Data.length > 0) {
    w.message(5, (p) => t.int32Data!.forEach((v) => p.varint(v)));
  }
  if (t.int64Data !== undefined && t.int64Data.length > 0) {
    w.message(7, (p) => t.int64Data!.forEach((v) => p.varint(v)));
  }
  if (t.name !== undefined) w.string(8, t.name);
  if (t.rawData !== undefined) w.bytes(9, t.rawData);
  if (t.docString !== undefined) w.string(12, t.docString);
}

function writeAttribute(w: ProtoWriter, a: AttributeProto): void {
  w.string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  if (a.i !== undefined) w.int(3, a.i);
  if (a.s !== undefined) w.bytes(4, a.s);
  if (a.t !== undefined) w.message(5, (m) => writeTensor(m, a.t!));
  for (const v of a.floats ?? []) w.float(7, v);
  for (const v of a.ints ?? []) w.int(8, v);
  for (const v of a.strings ?? []) w.bytes(9, v);
  if (a.docString !== undefined) w.string(13, a.docString);
  w.int(20, a.type);
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const s of n.input) w.string(1, s);
  for (const s of n.output) w.string(2, s);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attribute) w.message(5, (m) => writeAttribute(m, a));
  if (n.docString !== undefined) w.string(6, n.docString);
  if (n.domain !== undefined) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.elemType);
      if (v.shape !== null) {
        tensor.message(2, (shape) => {
          for (const d of v.shape!) {
            shape.message(1, (dim) => {
              if (d.value !== undefined) dim.int(1, d.value);
              if (d.param !== undefined) dim.string(2, d.param);
            });
          }
        });
      }
    }));
  if (v.docString !== undefined) w.string(3, v.docString);
}

function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.node) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializer) w.message(5, (m) => writeTensor(m, t));
  if (g.docString !== undefined) w.string(10, g.docString);
  for (const v of g.input) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.output) w.message(12, (m) => writeValueInfo(m, v));
  for (const v of g.valueInfo) w.message(13, (m) => writeValueInfo(m, v));
}

/** Serialises a model to protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  if (model.producerName !== undefined) w.string(2, model.producerName);
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion);
  if (model.domain !== undefined) w.string(4, model.domain);
  if (model.modelVersion !== undefined) w.int(5, model.modelVersion);
  if (model.docString !== undefined) w.string(6, model.docString);
  if (model.graph !== undefined) w.message(7, (m) => writeGraph(m, model.graph!));
  for (const o of model.opsetImport) {
    w.message(8, (m) => {
      m.string(1, o.domain);
      m.int(2, o.version);
    });
  }
  for (const e of model.metadataProps) {
    w.message(14, (m) => {
      m.string(1, e.key);
      m.string(2, e.value);
    });
  }
  return w.finish();
}

// ---------------------------------------------------------------- decoder

function readTensor(r: ProtoReader): TensorProto {
  const t: TensorProto = { dataType: 0, dims: [] };
  while (r.more()) {
    const k = r.key();
    switch (k.field) {
      case 1:
        r.ints(k, "dims", t.dims);
        break;
      case 2:
        t.dataType = r.int(k, "data_type");
        break;
      case 4:
        r.floats(k, "float_data", t.floatData ??= []);
        break;
      case 5:
        r.ints(k, "int32_data", t.int32Data ??= []);
        break;
      case 7:
        r.ints(k, "int64_data", t.int64Data ??= []);
        break;
      case 8:
        t.name = r.string(k, "name");
        break;
      case 9:
        t.rawData = r.bytes(k, "raw_data").slice();
        break;
      case 12:
        t.docString = r.string(k, "doc_string");
        break;
      default:
        r.skip(k);
    }
  }
  return t;
}

function readAttribute(r: ProtoReader): AttributeProto {
  const a: AttributeProto = { name: "", type: 0 };
  while (r.more()) {
    const k = r.key();
    switch (k.field) {
      case 1:
        a.name = r.string(k, "name");
        break;
      case 2:
        a.f = r.float(k, "f");
        break;
      case 3:
        a.i = r.int(k, "i");
        break;
      case 4:
        a.s = r.bytes(k, "s").slice();
        break;
      case 5:
        a.t = readTensor(r.message(k, "t"));
        break;
      case 7:
        r.floats(k, "floats", a.floats ??= []);
        break;
      case 8:
        r.ints(k, "ints", a.ints ??= []);
        break;
      case 9:
        (a.strings ??= []).push(r.bytes(k, "strings").slice());
        break;
      case 13:
        a.docString = r.string(k, "doc_string");
        break;
      case 20:
        a.type = r.int(k, "type");
        break;
      default:
        r.skip(k);
    }
  }
  return a;
}

function readNode(r: ProtoReader): NodeProto {
  const n: NodeProto = { input: [], output: [], opType: "", attribute: [] };
  while (r.more()) {
    const k = r.key();
    switch (k.field) {
      case 1:
        n.input.push(r.string(k, "input"));
        break;
      case 2:
        n.output.push(r.string(k, "output"));
        break;
      case 3:
        n.name = r.string(k, "name");
        break;
      case 4:
        n.opType = r.string(k, "op_type");
        break;
      case 5:
        n.attribute.push(readAttribute(r.message(k, `attribute[${n.attribute.length}]`)));
        break;
      case 6:
        n.docString = r.string(k, "doc_string");
        break;
      case 7:
        n.domain = r.string(k, "domain");
        break;
      default:
        r.skip(k);
    }
  }
  return n;
}

function readShape(r: ProtoReader): Dimension[] {
  const dims: Dimension[] = [];
  while (r.more()) {
    const k = r.key();
    if (k.field !== 1) {
      r.skip(k);
      continue;
    }
    const dr = r.message(k, `dim[${dims.length}]`);
    const d: Dimension = {};
    while (dr.more()) {
      const dk = dr.key();
      if (dk.field === 1) d.value = dr.int(dk, "dim_value");
      else if (dk.field === 2) d.param = dr.string(dk, "dim_param");
      else dr.skip(dk);
    }
    dims.push(d);
  }
  return dims;
}

function readValueInfo(r: ProtoReader): ValueInfoProto {
  const v: ValueInfoProto = { name: "", elemType: 0, shape: null };
  while (r.more()) {
    const k = r.key();
    if (k.field === 1) v.name = r.string(k, "name");
    else if (k.field === 3) v.docString = r.string(k, "doc_string");
    else if (k.field === 2) {
      const tr = r.message(k, "type");
      while (tr.more()) {
        const tk = tr.key();
        if (tk.field !== 1) {
          tr.skip(tk);
          continue;
        }
        const tt = tr.message(tk, "tensor_type");
        while (tt.more()) {
          const kk = tt.key();
          if (kk.field === 1) v.elemType = tt.int(kk, "elem_type");
          else if (kk.field === 2) v.shape = readShape(tt.message(kk, "shape"));
          else tt.skip(kk);
        }
      }
    } else r.skip(k);
  }
  return v;
}

function readGraph(r: ProtoReader): GraphProto {
  const g: GraphProto = {
    node: [],
    name: "",
    initializer: [],
    input: [],
    output: [],
    valueInfo: [],
  };
  while (r.more()) {
    const k = r.key();
    switch (k.field) {
      case 1:
        g.node.push(readNode(r.message(k, `node[${g.node.length}]`)));
        break;
      case 2:
        g.name = r.string(k, "name");
        break;
      case 5:
        g.initializer.push(readTensor(r.message(k, `initializer[${g.initializer.length}]`)));
        break;
      case 10:
        g.docString = r.string(k, "doc_string");
        break;
      case 11:
        g.input.push(readValueInfo(r.message(k, `input[${g.input.length}]`)));
        break;
      case 12:
        g.output.push(readValueInfo(r.message(k, `output[${g.output.length}]`)));
        break;
      case 13:
        g.valueInfo.push(readValueInfo(r.message(k, `value_info[${g.valueInfo.length}]`)));
        break;
      default:
        r.skip(k);
    }
  }
  return g;
}

/**
 * Parses protobuf bytes into a {@link ModelProto}.
 * @throws SyntaxError naming the byte offset and field path of the first malformed
 * field (truncated file, bad length, unknown wire type, invalid UTF-8).
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const r = new ProtoReader(bytes, "ModelProto");
  const m: ModelProto = { irVersion: 0, opsetImport: [], metadataProps: [] };
  while (r.more()) {
    const k = r.key();
    switch (k.field) {
      case 1:
        m.irVersion = r.int(k, "ir_version");
        break;
      case 2:
        m.producerName = r.string(k, "producer_name");
        break;
      case 3:
        m.producerVersion = r.string(k, "producer_version");
        break;
      case 4:
        m.domain = r.string(k, "domain");
        break;
      case 5:
        m.modelVersion = r.int(k, "model_version");
        break;
      case 6:
        m.docString = r.string(k, "doc_string");
        break;
      case 7:
        m.graph = readGraph(r.message(k, "graph"));
        break;
      case 8: {
        const o = r.message(k, `opset_import[${m.opsetImport.length}]`);
        const id: OperatorSetId = { domain: "", version: 0 };
        while (o.more()) {
          const ok = o.key();
          if (ok.field === 1) id.domain = o.string(ok, "domain");
          else if (ok.field === 2) id.version = o.int(ok, "version");
          else o.skip(ok);
        }
        m.opsetImport.push(id);
        break;
      }
      case 14: {
        const e = r.message(k, `metadata_props[${m.metadataProps.length}]`);
        const entry: StringStringEntry = { key: "", value: "" };
        while (e.more()) {
          const ek = e.key();
          if (ek.field === 1) entry.key = e.string(ek, "key");
          else if (ek.field === 2) entry.value = e.string(ek, "value");
          else e.skip(ek);
        }
        m.metadataProps.push(entry);
        break;
      }
      default:
        r.skip(k);
    }
  }
  return m;
}
