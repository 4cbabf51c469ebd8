/**
 * Checkpoint files: named float32 tensors plus JSON metadata in one file, in the
 * **safetensors** layout, loaded back bit for bit and written atomically.
 *
 * Layout (all little-endian):
 *
 * 1. 8 bytes: `N`, the header length (unsigned 64-bit);
 * 2. `N` bytes: a UTF-8 JSON header `{ "__metadata__": { "format": "ascent-checkpoint/2",
 *    "crc32": "<8 hex digits>", "ascent": "<the metadata as a JSON string>" },
 *    "<tensor name>": { "dtype": "F32", "shape": [r, c], "data_offsets": [begin, end] }, … }`,
 *    padded with spaces to a multiple of 8 bytes;
 * 3. the tensor data, float32, contiguous, in header order.
 *
 * The CRC-32 covers the **whole file**: it is computed with its own 8 hex digits written as
 * `00000000`, then stored in their place; so one flipped bit anywhere — header length,
 * tensor table, metadata (counters such as the step count) or data — is detected. (Files
 * of the first format, `ascent-checkpoint/1`, whose CRC covers the tensor data only, are
 * still read.)
 *
 * Any safetensors reader can open the file. Loading checks every field, the offsets, the
 * sizes against the shapes and the CRC-32, and names the file and what is wrong. Saving writes `path.tmp-<random>` and renames it over `path`, so a killed process
 * leaves either the old or the new file, never a torn one. Every problem with a checkpoint
 * (unreadable, truncated, corrupt, mismatched, unwritable) is a {@link CheckpointError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
 * const bytes = encodeCheckpoint({
 *   tensors: { w: { shape: [1, 2], data: new Float32Array([1, 2]) } },
 *   metadata: { step: 3 },
 * });
 * const back = decodeCheckpoint(bytes, "memory");
 * assert.deepEqual(back.tensors.w.data, new Float32Array([1, 2]));
 * assert.deepEqual(back.metadata, { step: 3 });
 * ```
 * @module
 */
import type { OptimizerState } from "../nn/optim.ts";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic.ts";
import type { Parameter } from "../nn/tensor.ts";

/**
 * A problem with a checkpoint: a file that cannot be read or written, is truncated,
 * corrupt or malformed, or does not fit the network or optimiser it is loaded into. The
 * message names the file (`source`) and what is wrong, e.g.
 * `checkpoint run/checkpoint.safetensors: tensor "actor.0.weight" has shape [5,3], expected [6, 3]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CheckpointError, decodeCheckpoint } from "./checkpoint.ts";
 * assert.throws(() => decodeCheckpoint(new Uint8Array(3), "x.safetensors"), CheckpointError);
 * ```
 */
export class CheckpointError extends Error {
  /** The file (or other source) the checkpoint came from or was going to. */
  readonly source: string;
  /** Builds the error; `message` is what is wrong, the source is prefixed. */
  constructor(source: string, message: string, options?: ErrorOptions) {
    super(`checkpoint ${source}: ${message}`, options);
    this.name = "CheckpointError";
    this.source = source;
  }
}

/** A JSON value (what checkpoint metadata may hold). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One stored tensor: float32 values and their shape (product of `shape` = length). */
export interface CheckpointTensor {
  /** Dimensions, e.g. `[64, 4]`. */
  shape: number[];
  /** Values, row-major. */
  data: Float32Array;
}

/** The contents of a checkpoint file. */
export interface Checkpoint {
  /** Named tensors (names are unique; `"__metadata__"` is reserved). */
  tensors: Record<string, CheckpointTensor>;
  /**
   * Arbitrary JSON-serialisable data (counters, RNG states, configuration, optimiser
   * hyper-parameters); saved with `JSON.stringify`, loaded with `JSON.parse` (so
   * `undefined` members vanish and non-finite numbers become `null`).
   */
  metadata: unknown;
}

const FORMAT = "ascent-checkpoint/2";
/** The first format: its CRC covers the tensor data only. */
const FORMAT_V1 = "ascent-checkpoint/1";
const CRC_FIELD = new TextEncoder().encode('"crc32":"');
const CRC_ZERO = "00000000";

/** Byte offset of the CRC's 8 hex digits in a header (the first `"crc32":"`), or -1. */
function crcDigitsAt(bytes: Uint8Array, from: number, to: number): number {
  outer: for (let i = from; i + CRC_FIELD.length + 8 <= to; i++) {
    for (let j = 0; j < CRC_FIELD.length; j++) {
      if (bytes[i + j] !== CRC_FIELD[j]) continue outer;
    }
    return i + CRC_FIELD.length;
  }
  return -1;
}

/** CRC-32 of `bytes` with the 8 bytes at `at` read as ASCII zeros. */
function crcWithZeroedDigits(bytes: Uint8Array, at: number): string {
  const copy = bytes.slice();
  copy.set(new TextEncoder().encode(CRC_ZERO), at);
  return crc32(copy).toString(16).padStart(8, "0");
}
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3 polynomial) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function float32Bytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}

/** Serialises a checkpoint to bytes (safetensors layout). */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const names = Object.keys(checkpoint.tensors);
  const header: Record<string, unknown> = {};
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const name of names) {
    if (name === "__metadata__") {
      throw new CheckpointError("(encoding)", `tensor name "${name}" is reserved`);
    }
    const t = checkpoint.tensors[name];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || count !== t.data.length) {
      throw new CheckpointError(
        "(encoding)",
        `tensor "${name}" has ${t.data.length} values but shape [${t.shape}]`,
      );
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    chunks.push(float32Bytes(t.data));
    offset += 4 * count;
  }
  const data = new Uint8Array(offset);
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.length;
  }
  header.__metadata__ = {
    format: FORMAT,
    crc32: CRC_ZERO, // replaced below by the CRC of the whole file
    ascent: JSON.stringify(checkpoint.metadata ?? null),
  };
  // __metadata__ first, as safetensors writers do.
  const ordered = { __metadata__: header.__metadata__, ...header };
  let json = new TextEncoder().encode(JSON.stringify(ordered));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  const at = crcDigitsAt(out, 8, 8 + json.length);
  out.set(new TextEncoder().encode(crc32(out).toString(16).padStart(8, "0")), at);
  return out;
}

/** Parses checkpoint bytes; `source` (a file name) is named in every error. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const fail = (what: string): never => {
    throw new CheckpointError(source, what);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for a header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) {
    fail(
      `header length ${n} exceeds the file size ${bytes.length} (truncated or not a checkpoint)`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    fail("header is not a JSON object");
  }
  const meta = header.__metadata__ as Record<string, unknown> | undefined;
  if (meta === undefined || typeof meta !== "object" || meta === null) {
    fail(`header has no "__metadata__" object (not an Ascent checkpoint)`);
  }
  if (meta!.format !== FORMAT && meta!.format !== FORMAT_V1) {
    fail(`format is ${JSON.stringify(meta!.format)}, expected "${FORMAT}"`);
  }
  const data = bytes.subarray(8 + n);
  const expectedCrc = meta!.crc32;
  let crc: string;
  let covers = "data";
  if (meta!.format === FORMAT) {
    covers = "file";
    const at = crcDigitsAt(bytes, 8, 8 + n);
    if (at < 0) fail(`header has no "crc32" field`);
    crc = crcWithZeroedDigits(bytes, at);
  } else {
    crc = crc32(data).toString(16).padStart(8, "0");
  }
  const tensors: Record<string, CheckpointTensor> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== "object") fail(`tensor "${name}": entry is not an object`);
    if (e.dtype !== "F32") {
      fail(`tensor "${name}": dtype ${JSON.stringify(e.dtype)}, expected "F32"`);
    }
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`tensor "${name}": invalid shape ${JSON.stringify(shape)}`);
    }
    const offs = e.data_offsets;
    if (
      !Array.isArray(offs) || offs.length !== 2 || !offs.every((x) => Number.isInteger(x)) ||
      offs[0] < 0 || offs[1] < offs[0]
    ) {
      fail(`tensor "${name}": invalid data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== 4 * count) {
      fail(
        `tensor "${name}": shape [${shape}] needs ${4 * count} bytes, offsets span ${end - begin}`,
      );
    }
    if (end > data.length) {
      fail(
        `tensor "${name}": data ends at byte ${end} but only ${data.length} data bytes (truncated)`,
      );
    }
    const values = new Float32Array(count);
    if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(data.subarray(begin, end));
    else {
      const dv = new DataView(data.buffer, data.byteOffset + begin, end - begin);
      for (let i = 0; i < count; i++) values[i] = dv.getFloat32(4 * i, true);
    }
    tensors[name] = { shape: shape as number[], data: values };
    ranges.push([begin, end, name]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== pos) {
      fail(`tensor "${name}": data starts at ${begin}, expected ${pos} (overlap or gap)`);
    }
    pos = end;
  }
  if (pos !== data.length) fail(`${data.length - pos} unexpected trailing data bytes`);
  if (expectedCrc !== crc) {
    fail(`${covers} CRC-32 is ${crc}, header says ${String(expectedCrc)} (corrupt)`);
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(String(meta!.ascent ?? "null"));
  } catch (e) {
    return fail(`metadata is not valid JSON (${(e as Error).message})`);
  }
  return { tensors, metadata };
}

/** Writes `checkpoint` to `path` atomically (temporary file, then rename). */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const bytes = encodeCheckpoint(checkpoint);
  try {
    await writeFileAtomic(path, bytes);
  } catch (e) {
    throw new CheckpointError(path, `cannot write (${(e as Error).message})`, { cause: e });
  }
}

/** Synchronous {@link saveCheckpoint} (for exit handlers). */
export function saveCheckpointSync(path: string, checkpoint: Checkpoint): void {
  const bytes = encodeCheckpoint(checkpoint);
  try {
    writeFileAtomicSync(path, bytes);
  } catch (e) {
    throw new CheckpointError(path, `cannot write (${(e as Error).message})`, { cause: e });
  }
}

/** Reads and validates a checkpoint file. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new CheckpointError(path, `cannot read (${(e as Error).message})`, { cause: e });
  }
  return decodeCheckpoint(bytes, path);
}

/** Synchronous {@link loadCheckpoint}. */
export function loadCheckpointSync(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    throw new CheckpointError(path, `cannot read (${(e as Error).message})`, { cause: e });
  }
  return decodeCheckpoint(bytes, path);
}

/** The parameters as checkpoint tensors named `prefix + parameter.name` (data copied). */
export function parametersToTensors(
  params: readonly Parameter[],
  prefix = "",
): Record<string, CheckpointTensor> {
  const out: Record<string, CheckpointTensor> = {};
  for (const p of params) {
    const key = prefix + p.name;
    if (key in out) {
      throw new CheckpointError("(encoding)", `duplicate parameter name "${key}"`);
    }
    out[key] = { shape: [p.rows, p.cols], data: p.data.slice() };
  }
  return out;
}

/**
 * Copies tensors named `prefix + parameter.name` into the parameters; throws, naming
 * `source`, the tensor and both shapes, when one is missing or has another shape.
 */
export function loadParameters(
  params: readonly Parameter[],
  tensors: Record<string, CheckpointTensor>,
  source: string,
  prefix = "",
): void {
  for (const p of params) {
    const key = prefix + p.name;
    const t = tensors[key];
    if (t === undefined) throw new CheckpointError(source, `missing tensor "${key}"`);
    const shapeOk = (t.shape.length === 2 && t.shape[0] === p.rows && t.shape[1] === p.cols) ||
      (t.shape.length === 1 && t.shape[0] === p.size && (p.rows === 1 || p.cols === 1));
    if (!shapeOk) {
      throw new CheckpointError(
        source,
        `tensor "${key}" has shape [${t.shape}], expected [${p.rows}, ${p.cols}]`,
      );
    }
  }
  for (const p of params) p.data.set(tensors[prefix + p.name].data);
}

/** Splits an optimiser state into JSON (for metadata) and tensors named `prefix + buffer`. */
export function optimizerStateToCheckpoint(
  state: OptimizerState,
  prefix = "optim/",
): { json: JsonValue; tensors: Record<string, CheckpointTensor> } {
  const tensors: Record<string, CheckpointTensor> = {};
  for (const [k, v] of Object.entries(state.buffers)) {
    tensors[prefix + k] = { shape: [v.length], data: v.slice() };
  }
  return {
    json: {
      kind: state.kind,
      hyper: state.hyper,
      step: state.step,
      buffers: Object.keys(state.buffers),
    },
    tensors,
  };
}

/** Rebuilds an optimiser state from {@link optimizerStateToCheckpoint}'s JSON and tensors. */
export function optimizerStateFromCheckpoint(
  json: unknown,
  tensors: Record<string, CheckpointTensor>,
  source: string,
  prefix = "optim/",
): OptimizerState {
  const j = json as { kind?: unknown; hyper?: unknown; step?: unknown; buffers?: unknown };
  if (
    j === null || typeof j !== "object" ||
    (j.kind !== "adam" && j.kind !== "rmsprop" && j.kind !== "sgd") ||
    typeof j.step !== "number" || !Array.isArray(j.buffers) || typeof j.hyper !== "object"
  ) {
    throw new CheckpointError(source, `invalid optimiser state ${JSON.stringify(json)}`);
  }
  const buffers: Record<string, Float32Array> = {};
  for (const k of j.buffers as string[]) {
    const t = tensors[prefix + k];
    if (t === undefined) {
      throw new CheckpointError(source, `missing optimiser tensor "${prefix + k}"`);
    }
    buffers[k] = t.data;
  }
  return {
    kind: j.kind,
    hyper: j.hyper as Record<string, number>,
    step: j.step,
    buffers,
  };
}
