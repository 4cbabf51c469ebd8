/**
 * The Worker of a {@link ThreadedVectorEnv}: makes its slice of copies from the default
 * registry (built-in environments), runs the toolkit's one `VectorEnv` over them (so a
 * slice has exactly the in-process semantics: same-step autoreset, time limits, per-copy
 * reset streams, raw returns) and answers the host's commands through the slice's shared
 * buffer (`vector_slice.ts`). Normalisation is the host's.
 *
 * The first message is a {@link SliceInit}; the Worker makes its copies and replies with
 * their spaces (`{ observationSpace, actionSpace }`) or `{ error }`. The second message is
 * `{ sab }`, the slice's shared buffer (sized for those spaces); the Worker acknowledges it
 * and serves commands through it until `close`.
 * @module
 */
import "./builtin.ts";
import { defaultRegistry, type MakeOptions } from "./registry.ts";
import { flatDim } from "./space_utils.ts";
import type { Env } from "./types.ts";
import { VectorEnv } from "./vector_env.ts";
import {
  Ctrl,
  describeError,
  serveSlice,
  SliceCommand,
  sliceViews,
  writeJson,
} from "./vector_slice.ts";

/** The first message of the host. */
export interface SliceInit {
  /** The registered id. */
  envId: string;
  /** Copies in this slice. */
  count: number;
  /** `make` options of every copy. */
  make: MakeOptions;
  /** Per-copy reset streams (see `VectorEnv`). */
  seedStreams: boolean;
}

/** How long a Worker polls for the next request before it sleeps on it. */
const SPIN_MS = 0.5;

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
};

/** The next message of the host. */
function nextMessage<T>(): Promise<T> {
  return new Promise((resolve) => {
    scope.onmessage = (e) => {
      scope.onmessage = null;
      resolve(e.data as T);
    };
  });
}

async function start(): Promise<void> {
  const init = await nextMessage<SliceInit>();
  const envs: Env[] = [];
  let vec: VectorEnv;
  try {
    for (let i = 0; i < init.count; i++) {
      envs.push(await defaultRegistry.make(init.envId, init.make));
    }
    vec = VectorEnv.fromEnvs(envs, { id: init.envId, seedStreams: init.seedStreams });
  } catch (error) {
    for (const e of envs) await e.close?.();
    scope.postMessage({ error: describeError(error) });
    scope.close();
    return;
  }
  scope.postMessage({
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace,
  });
  const { sab } = await nextMessage<{ sab: SharedArrayBuffer }>();
  const space = vec.singleActionSpace;
  const v = sliceViews(sab, {
    count: init.count,
    obsDim: vec.obsDim,
    actDim: space.type === "discrete" ? 1 : flatDim(space),
  }, space.type);
  scope.postMessage({ ready: true });
  let seen = 0;
  for (;;) {
    // Wait until the host posts a new request (never re-run the last one on a wake-up
    // that brought none).
    let request = Atomics.load(v.ctrl, Ctrl.request);
    // the next request usually follows within microseconds (the host's policy step): poll
    // for a moment before sleeping, which costs an event-loop and futex wake-up per step
    for (
      const until = performance.now() + SPIN_MS;
      request === seen && performance.now() < until;
    ) {
      request = Atomics.load(v.ctrl, Ctrl.request);
    }
    while (request === seen) {
      const wait = Atomics.waitAsync(v.ctrl, Ctrl.request, seen);
      if (wait.async) await wait.value;
      request = Atomics.load(v.ctrl, Ctrl.request);
    }
    seen = request;
    const command = Atomics.load(v.ctrl, Ctrl.command);
    let status = 0;
    try {
      await serveSlice(vec, v, command);
    } catch (error) {
      status = 1;
      writeJson(v, describeError(error));
    }
    Atomics.store(v.ctrl, Ctrl.status, status);
    Atomics.store(v.ctrl, Ctrl.done, seen);
    Atomics.notify(v.ctrl, Ctrl.done);
    if (command === SliceCommand.close) break;
  }
  scope.close();
}

void start();
