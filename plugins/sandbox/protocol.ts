/**
 * The messages between the trusted host and an environment Worker. Every request carries
 * an `id`; the Worker answers each with `{id, ok: true, result}` or
 * `{id, ok: false, error}`. Observations travel as `Float32Array`s whose buffers are
 * transferred, never copied twice.
 *
 * Requests: `load` (import the plugin module, answer a clone-safe summary of its default
 * export), `builtin` (use the toolkit's own registry instead of a plugin), `create`,
 * `reset`, `step`, `render`, `close` (one environment by handle), and `vecInit`,
 * `vecReset`, `vecStep`, `vecClose` (a batch of environments stepped together with autoreset).
 * @module
 */
import type { Problem } from "../validate.ts";

/** Marks a function in a clone-safe manifest summary. */
export const FUNCTION_MARKER = "[function]";

/** A request from the host. */
export type Request =
  | { id: number; type: "load"; url: string }
  | { id: number; type: "builtin" }
  | { id: number; type: "create"; handle: number; envId: string; options: Record<string, unknown> }
  | {
    id: number;
    type: "reset";
    handle: number;
    seed?: number;
    options?: Record<string, unknown>;
  }
  | { id: number; type: "step"; handle: number; action: number | Float32Array | Int32Array }
  | { id: number; type: "render"; handle: number }
  | { id: number; type: "close"; handle: number }
  | {
    id: number;
    type: "vecInit";
    envId: string;
    count: number;
    options: Record<string, unknown>;
    maxEpisodeSteps: number | null;
  }
  | { id: number; type: "vecReset"; seed: number | null }
  | { id: number; type: "vecStep"; actions: Int32Array | Float32Array }
  | { id: number; type: "vecClose" };

/** A request before the channel assigns its id (distributes over the union). */
export type RequestBody = Request extends infer R ? R extends { id: number } ? Omit<R, "id"> : never
  : never;

/** The spaces of a created environment, as the plugin wrote them (validated by the host). */
export interface SpacesReply {
  /** Raw observation space. */
  observationSpace: unknown;
  /** Raw action space. */
  actionSpace: unknown;
}

/** A batch step's results for the Worker's slice of environments. */
export interface VecStepReply {
  /** count × obsDim observations (reset observations where an episode ended). */
  observations: Float32Array;
  /** count × obsDim last observations of the episodes that ended (else a copy). */
  finalObservations: Float32Array;
  /** Rewards. */
  rewards: Float64Array;
  /** Terminated flags. */
  terminated: Uint8Array;
  /** Truncated flags (plugin's own or time limit). */
  truncated: Uint8Array;
  /** Episodes that ended, with the local env index. */
  finished: { env: number; return: number; length: number }[];
}

/** A failure inside the Worker. */
export interface WorkerFailure {
  /** Method, field path, problem and value. */
  problem: Problem;
  /** The plugin-local env id, when known. */
  envId?: string;
  /** True when the problem was an exception thrown by plugin code. */
  thrown: boolean;
}

/** A reply from the Worker. */
export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WorkerFailure };

// Captured when this module loads, before any plugin code runs in the same realm: a
// plugin that replaces Number.isFinite or JSON.stringify does not change the encoding.
const isFiniteNumber = Number.isFinite;
const stringify = JSON.stringify;
const parse = JSON.parse;
const isView = ArrayBuffer.isView;
const arrayFrom = Array.from;

const TYPED_ARRAYS: Record<string, new (data: number[]) => ArrayBufferView> = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint8Array,
  Int8Array,
  Int16Array,
  Uint16Array,
  Uint32Array,
  Uint8ClampedArray,
};

/**
 * Encodes a message as one line of JSON for the stdio channel of a sandbox process. Typed
 * arrays, non-finite numbers and bigints, which JSON cannot carry, are tagged
 * (`{"$ta": "Float32Array", "d": […]}`, `{"$num": "NaN"}`, `{"$big": "12"}`) and restored by
 * {@link decodeFrame}; a float32 or float64 value survives the round trip exactly.
 */
export function encodeFrame(message: unknown): string {
  return stringify(message, function (this: unknown, _key, value: unknown) {
    if (typeof value === "number") return isFiniteNumber(value) ? value : { $num: String(value) };
    if (typeof value === "bigint") return { $big: String(value) };
    if (isView(value) && !(value instanceof DataView)) {
      return {
        $ta: value.constructor.name,
        d: arrayFrom(value as unknown as ArrayLike<number>),
      };
    }
    return value;
  });
}

/** Decodes a line written by {@link encodeFrame}. */
export function decodeFrame(line: string): unknown {
  return parse(line, (_key, value: unknown) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const v = value as Record<string, unknown>;
    const keys = Object.keys(v);
    if (keys.length === 1 && typeof v.$num === "string") return Number(v.$num);
    if (keys.length === 1 && typeof v.$big === "string" && /^-?\d+$/.test(v.$big)) {
      return BigInt(v.$big);
    }
    if (
      keys.length === 2 && typeof v.$ta === "string" && Array.isArray(v.d) &&
      Object.hasOwn(TYPED_ARRAYS, v.$ta) && v.d.every((x) => typeof x === "number")
    ) {
      return new TYPED_ARRAYS[v.$ta](v.d as number[]);
    }
    return value;
  });
}
