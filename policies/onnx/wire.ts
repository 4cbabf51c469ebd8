/**
 * The protocol-buffers wire format, the little of it ONNX files need.
 *
 * A message is a sequence of fields; each field starts with a varint key
 * `key = (fieldNumber << 3) | wireType`, followed by its payload:
 *
 * | wire type | payload                                              | used for                   |
 * | --------- | ---------------------------------------------------- | -------------------------- |
 * | 0 VARINT  | base-128 varint, 7 bits per byte, low group first     | int32, int64, enum         |
 * | 1 I64     | 8 bytes little-endian                                 | double (skipped only)      |
 * | 2 LEN     | varint byte length, then that many bytes              | string, bytes, messages, packed arrays |
 * | 5 I32     | 4 bytes little-endian                                 | float                      |
 *
 * Negative int64 values are written as their 64-bit two's complement (ten varint bytes).
 * {@link ProtoWriter} appends fields; {@link ProtoReader} walks them and turns every
 * malformed input (truncation, an over-long varint, an unknown wire type, a length past the
 * end) into a `SyntaxError` whose message names the byte offset and the field path:
 * `invalid ONNX protobuf at byte 41 (ModelProto.graph): …`.
 * @module
 */

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** The protobuf wire types. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/** Appends protobuf fields to a growable byte buffer. */
export class ProtoWriter {
  #buf = new Uint8Array(256);
  #len = 0;
  #view = new DataView(this.#buf.buffer);

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** Writes a non-negative or negative integer (int64 semantics) as a varint. */
  varint(value: number | bigint): void {
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) {
        throw new RangeError(`varint value must be a safe integer, got ${value}`);
      }
      if (value >= 0) {
        this.#reserve(10);
        let v = value;
        while (v >= 0x80) {
          this.#buf[this.#len++] = (v % 0x80) | 0x80;
          v = Math.floor(v / 0x80);
        }
        this.#buf[this.#len++] = v;
        return;
      }
      value = BigInt(value);
    }
    let v = BigInt.asUintN(64, value);
    this.#reserve(10);
    while (v >= 0x80n) {
      this.#buf[this.#len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#len++] = Number(v);
  }

  /** Writes a field key. */
  key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Writes an int64/int32/enum field (wire type 0). */
  int(field: number, value: number | bigint): void {
    this.key(field, WireType.VARINT);
    this.varint(value);
  }

  /** Writes a float field (wire type 5). */
  float(field: number, value: number): void {
    this.key(field, WireType.I32);
    this.#reserve(4);
    this.#view.setFloat32(this.#len, value, true);
    this.#len += 4;
  }

  /** Writes a length-delimited field of raw bytes (wire type 2). */
  bytes(field: number, value: Uint8Array): void {
    this.key(field, WireType.LEN);
    this.varint(value.length);
    this.#reserve(value.length);
    this.#buf.set(value, this.#len);
    this.#len += value.length;
  }

  /** Writes a UTF-8 string field. */
  string(field: number, value: string): void {
    this.bytes(field, textEncoder.encode(value));
  }

  /** Writes an embedded message, encoded by `encode` into a fresh writer. */
  message(field: number, encode: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    encode(inner);
    this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy of exactly that length). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** One decoded field key and where it started. */
export interface FieldKey {
  /** Field number. */
  field: number;
  /** Wire type. */
  wireType: number;
  /** Absolute byte offset of the key. */
  offset: number;
}

/**
 * Walks the fields of one message in `bytes[start, end)`. Offsets in errors are absolute
 * (`base` + position), so nested readers report positions in the whole file.
 */
export class ProtoReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;
  /** The field path of this message, for errors. */
  readonly path: string;

  /** Reads `bytes[start, end)`; `path` names the message in errors. */
  constructor(bytes: Uint8Array, path: string, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
    this.path = path;
  }

  /** Current absolute offset. */
  get offset(): number {
    return this.#pos;
  }

  /** True while fields remain. */
  more(): boolean {
    return this.#pos < this.#end;
  }

  /**
   * Throws a `SyntaxError` at `offset` for `field`, naming both: the field path is dotted,
   * e.g. `ModelProto.graph.node[3].attribute[0]`, the offset counts from the file's start.
   */
  fail(message: string, offset = this.#pos, field?: string): never {
    const path = field ? `${this.path}.${field}` : this.path;
    throw new SyntaxError(`invalid ONNX protobuf at byte ${offset} (${path}): ${message}`);
  }

  /** Reads a raw varint as a number (int64 two's complement folded to a signed value). */
  #varint(field?: string): number {
    const start = this.#pos;
    let lo = 0;
    let shift = 0;
    let b = 0;
    // First 4 bytes (28 bits) in 32-bit integer arithmetic.
    for (; shift < 28; shift += 7) {
      if (this.#pos >= this.#end) this.fail("truncated varint", start, field);
      b = this.#bytes[this.#pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return lo >>> 0;
    }
    // Longer values: continue in BigInt (rare: large ints or negative int64).
    let big = BigInt(lo >>> 0);
    let bigShift = 28n;
    for (let i = 4; i < 10; i++) {
      if (this.#pos >= this.#end) this.fail("truncated varint", start, field);
      b = this.#bytes[this.#pos++];
      big |= BigInt(b & 0x7f) << bigShift;
      bigShift += 7n;
      if (b < 0x80) {
        const signed = BigInt.asIntN(64, big);
        if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.fail(`integer ${signed} does not fit a safe JavaScript number`, start, field);
        }
        return Number(signed);
      }
    }
    return this.fail("varint longer than 10 bytes", start, field);
  }

  /** Reads the next field key. */
  key(): FieldKey {
    const offset = this.#pos;
    const k = this.#varint();
    const field = Math.floor(k / 8);
    const wireType = k % 8;
    if (field === 0) this.fail(`field number 0 (key byte 0x${k.toString(16)})`, offset);
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) {
      this.fail(`unsupported wire type ${wireType} for field ${field}`, offset);
    }
    return { field, wireType, offset };
  }

  #expect(key: FieldKey, wireType: number, name: string): void {
    if (key.wireType !== wireType) {
      this.fail(
        `field ${key.field} has wire type ${key.wireType}, expected ${wireType}`,
        key.offset,
        name,
      );
    }
  }

  /** Reads a varint field's value. */
  int(key: FieldKey, name: string): number {
    this.#expect(key, WireType.VARINT, name);
    return this.#varint(name);
  }

  /** Reads a float (wire type 5) field's value. */
  float(key: FieldKey, name: string): number {
    this.#expect(key, WireType.I32, name);
    if (this.#pos + 4 > this.#end) this.fail("truncated float", key.offset, name);
    const v = this.#view.getFloat32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  /** Reads a length-delimited field and returns its [start, end) byte range. */
  span(key: FieldKey, name: string): [number, number] {
    this.#expect(key, WireType.LEN, name);
    const lenAt = this.#pos;
    const len = this.#varint(name);
    if (len < 0 || this.#pos + len > this.#end) {
      this.fail(
        `length ${len} (declared at byte ${lenAt}) runs past the end of the enclosing message ` +
          `at byte ${this.#end} (${
            this.#end - this.#pos
          } bytes left): the file is truncated or corrupt`,
        key.offset,
        name,
      );
    }
    const start = this.#pos;
    this.#pos += len;
    return [start, start + len];
  }

  /** Reads a bytes field (a view into the input, not a copy). */
  bytes(key: FieldKey, name: string): Uint8Array {
    const [s, e] = this.span(key, name);
    return this.#bytes.subarray(s, e);
  }

  /** Reads a UTF-8 string field. */
  string(key: FieldKey, name: string): string {
    const b = this.bytes(key, name);
    try {
      return textDecoder.decode(b);
    } catch {
      return this.fail("string is not valid UTF-8", key.offset, name);
    }
  }

  /** A reader over an embedded message field. */
  message(key: FieldKey, name: string): ProtoReader {
    const [s, e] = this.span(key, name);
    return new ProtoReader(this.#bytes, `${this.path}.${name}`, s, e);
  }

  /** Reads a repeated int64 given either one unpacked element or a packed run. */
  ints(key: FieldKey, name: string, out: number[]): void {
    if (key.wireType === WireType.LEN) {
      const inner = this.message(key, name);
      while (inner.more()) out.push(inner.#varint(name));
    } else {
      out.push(this.int(key, name));
    }
  }

  /** Reads a repeated float given either one unpacked element or a packed run. */
  floats(key: FieldKey, name: string, out: number[]): void {
    if (key.wireType === WireType.LEN) {
      const [s, e] = this.span(key, name);
      if ((e - s) % 4 !== 0) this.fail(`packed floats of ${e - s} bytes`, key.offset, name);
      for (let p = s; p < e; p += 4) out.push(this.#view.getFloat32(p, true));
    } else {
      out.push(this.float(key, name));
    }
  }

  /** Skips a field this decoder does not interpret. */
  skip(key: FieldKey): void {
    const name = `field ${key.field}`;
    switch (key.wireType) {
      case WireType.VARINT:
        this.#varint(name);
        return;
      case WireType.I64:
        if (this.#pos + 8 > this.#end) this.fail("truncated 64-bit field", key.offset, name);
        this.#pos += 8;
        return;
      case WireType.I32:
        if (this.#pos + 4 > this.#end) this.fail("truncated 32-bit field", key.offset, name);
        this.#pos += 4;
        return;
      case WireType.LEN:
        this.span(key, name);
        return;
    }
  }
}
