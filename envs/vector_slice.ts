/**
 * The shared memory of one Worker's slice of a {@link ThreadedVectorEnv}: one
 * `SharedArrayBuffer` holding a control block, the slice's actions and its step results,
 * and a byte area for JSON (states, error messages). Host and Worker both view it through
 * {@link SliceViews}; a command is a write of its code and arguments, then a bump of the
 * request counter and `Atomics.notify`; the Worker answers by writing its results, its
 * status and then the done counter (and `Atomics.notify`). The host waits with
 * `Atomics.wait`, so a step costs a few microseconds of signalling and no message copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sliceViews, sliceBytes } from "./vector_slice.ts";
 * const sab = new SharedArrayBuffer(sliceBytes({ count: 2, obsDim: 3, actDim: 1 }));
 * const v = sliceViews(sab, { count: 2, obsDim: 3, actDim: 1 }, "discrete");
 * assert.equal(v.observations.length, 6);
 * assert.ok(v.actions instanceof Int32Array);
 * ```
 * @module
 */
import { isPromiseLike, type MaybePromise } from "./types.ts";
import type { VectorEnv, VectorEnvState } from "./vector_env.ts";

/** Commands the host writes into the control block. */
export const SliceCommand = {
  /** Step the slice with the actions area. */
  step: 1,
  /** Reset the slice (seed in `seed[0]`, NaN for none). */
  reset: 2,
  /** Write the slice's `VectorEnvState` as JSON into the byte area. */
  getState: 3,
  /** Restore the state in the byte area; write the observations. */
  setState: 4,
  /** Close the copies and stop. */
  close: 5,
} as const;

/** Control block slots (an `Int32Array`). */
export const Ctrl = {
  /** Request counter (host increments). */
  request: 0,
  /** Done counter (Worker sets it to the request it answered). */
  done: 1,
  /** The command of the current request. */
  command: 2,
  /** 0: ok; 1: failed (message as JSON text in the byte area). */
  status: 3,
  /** Finished episodes written by the last step. */
  finished: 4,
  /** Bytes of JSON in the byte area. */
  textBytes: 5,
} as const;

const CTRL_SLOTS = 8;

/** The dimensions of one slice. */
export interface SliceShape {
  /** Copies in the slice. */
  count: number;
  /** Elements of one observation. */
  obsDim: number;
  /** Elements of one action (1 for discrete). */
  actDim: number;
}

/** Typed views into a slice's shared buffer. */
export interface SliceViews {
  /** The control block (see {@link Ctrl}). */
  ctrl: Int32Array;
  /** The reset seed (NaN: none). */
  seed: Float64Array;
  /** `count × actDim` actions. */
  actions: Float32Array | Int32Array;
  /** `count × obsDim` observations after the step (raw). */
  observations: Float32Array;
  /** `count × obsDim` final observations of the copies that ended (raw). */
  finalObservations: Float32Array;
  /** `count` raw rewards. */
  rewards: Float64Array;
  /** `count` terminated flags. */
  terminated: Uint8Array;
  /** `count` truncated flags. */
  truncated: Uint8Array;
  /** Finished episodes, `(env, return, length)` triples in copy order. */
  finished: Float64Array;
  /** JSON text (states, error messages). */
  text: Uint8Array;
}

/** Bytes of JSON a slice can hold: 64 KiB plus 32 KiB per copy. */
export function textCapacity(count: number): number {
  return 65536 + 32768 * count;
}

function layout(shape: SliceShape): { offsets: number[]; total: number } {
  const { count: c, obsDim: d, actDim: a } = shape;
  // Float64 parts first (8-byte aligned), then 4-byte, then 1-byte parts.
  const sizes = [
    CTRL_SLOTS * 4 + 4, // ctrl, padded to 8
    8, // seed
    c * 8, // rewards
    c * 3 * 8, // finished
    c * a * 4, // actions
    c * d * 4, // observations
    c * d * 4, // final observations
    c, // terminated
    c, // truncated
    textCapacity(c),
  ];
  const offsets: number[] = [];
  let at = 0;
  for (const size of sizes) {
    offsets.push(at);
    at += Math.ceil(size / 8) * 8;
  }
  return { offsets, total: at };
}

/** Bytes of the shared buffer of a slice of `shape`. */
export function sliceBytes(shape: SliceShape): number {
  return layout(shape).total;
}

/** The views of `sab` for a slice of `shape` (integer actions unless the actions are a box). */
export function sliceViews(
  sab: SharedArrayBuffer,
  shape: SliceShape,
  actionType: string,
): SliceViews {
  const { count: c, obsDim: d, actDim: a } = shape;
  const o = layout(shape).offsets;
  return {
    ctrl: new Int32Array(sab, o[0], CTRL_SLOTS),
    seed: new Float64Array(sab, o[1], 1),
    rewards: new Float64Array(sab, o[2], c),
    finished: new Float64Array(sab, o[3], c * 3),
    actions: actionType === "box"
      ? new Float32Array(sab, o[4], c * a)
      : new Int32Array(sab, o[4], c * a),
    observations: new Float32Array(sab, o[5], c * d),
    finalObservations: new Float32Array(sab, o[6], c * d),
    terminated: new Uint8Array(sab, o[7], c),
    truncated: new Uint8Array(sab, o[8], c),
    text: new Uint8Array(sab, o[9], textCapacity(c)),
  };
}

/** Writes `value` as JSON into the byte area; throws when it does not fit. */
export function writeJson(v: SliceViews, value: unknown): void {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  if (bytes.length > v.text.length) {
    throw new RangeError(
      `a state of ${bytes.length} bytes does not fit the slice's ${v.text.length}-byte area`,
    );
  }
  v.text.set(bytes);
  Atomics.store(v.ctrl, Ctrl.textBytes, bytes.length);
}

/** Reads the JSON the other side wrote into the byte area. */
export function readJson(v: SliceViews): unknown {
  const n = Atomics.load(v.ctrl, Ctrl.textBytes);
  return JSON.parse(new TextDecoder().decode(v.text.slice(0, n)));
}

/** An error as a slice reports it to the host: `"Name: message"`. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs one command on a slice's `VectorEnv` and writes its results into the slice's views
 * (a Worker's, or the host's own slice). Synchronous when the environments are; a Promise
 * only when one of them answers with one.
 */
export function serveSlice(vec: VectorEnv, v: SliceViews, command: number): void | Promise<void> {
  const then = <T>(x: MaybePromise<T>, f: (value: T) => void): void | Promise<void> =>
    isPromiseLike(x) ? x.then(f) : f(x as T);
  switch (command) {
    case SliceCommand.step:
      return then(vec.step(v.actions), (r) => {
        v.observations.set(r.observations);
        v.finalObservations.set(r.finalObservations);
        v.rewards.set(r.rewards);
        v.terminated.set(r.terminated);
        v.truncated.set(r.truncated);
        const f = r.finishedEpisodes;
        for (let j = 0; j < f.length; j++) {
          v.finished[3 * j] = f[j].env;
          v.finished[3 * j + 1] = f[j].return;
          v.finished[3 * j + 2] = f[j].length;
        }
        Atomics.store(v.ctrl, Ctrl.finished, f.length);
      });
    case SliceCommand.reset: {
      const seed = v.seed[0];
      return then(vec.reset(Number.isNaN(seed) ? undefined : seed), (obs) => {
        v.observations.set(obs);
      });
    }
    case SliceCommand.getState:
      writeJson(v, vec.getState());
      return;
    case SliceCommand.setState:
      return then(vec.setState(readJson(v) as VectorEnvState), () => {
        v.observations.set(vec.observations);
      });
    case SliceCommand.close:
      return then(vec.close(), () => {});
    default:
      throw new Error(`unknown slice command ${command}`);
  }
}
