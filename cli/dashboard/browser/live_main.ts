/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The live policy page (browser code): runs the exported `policy.onnx` with
 * onnxruntime-web against the environment's own TypeScript code (bundled with this file) and
 * draws every step as it happens.
 *
 * Episode i is made and reset exactly as `deno task infer` does (`make(id, { seed })`, then
 * `reset({ seed: seed + i })`, the model's `action` output stepped until `terminated` or
 * `truncated`), so the returns are the same. The execution provider: WebGPU when the browser
 * offers an adapter and the session builds on it, else WebAssembly (with a note saying why).
 * ONNX Runtime's files are served by the local server under `/ort/`.
 *
 * When it is done, `globalThis.__ascentLive` holds `{ done, returns, lengths,
 * executionProvider, note, error }` (read by the browser tests).
 * @module
 */
import {
  type Action,
  canRenderFrames,
  flatDim,
  type Frame,
  isPromiseLike,
  make,
  renderFrameOf,
} from "../../../envs/mod.ts";
import { mountPlayer, type PlayerEpisode } from "./player.ts";

/** What the server embeds in `<script id="live-config" type="application/json">`. */
interface LiveConfig {
  envId: string;
  episodes: number;
  seed: number;
  title: string;
  subtitle: string;
  /** Step as fast as possible instead of at the environment's frame rate. */
  fast: boolean;
}

/** The part of onnxruntime-web this page uses. */
interface OrtTensor {
  data: Float32Array | BigInt64Array | Int32Array;
  dims: readonly number[];
}
interface OrtSession {
  inputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}
interface OrtModule {
  env: { wasm: { wasmPaths?: string; numThreads?: number; proxy?: boolean } };
  Tensor: new (type: "float32", data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(model: Uint8Array, options: { executionProviders: string[] }): Promise<OrtSession>;
  };
}

/** What the tests read. */
interface LiveState {
  done: boolean;
  returns: number[];
  lengths: number[];
  executionProvider: string;
  note: string;
  error: string | null;
}

const state: LiveState = {
  done: false,
  returns: [],
  lengths: [],
  executionProvider: "",
  note: "",
  error: null,
};
(globalThis as { __ascentLive?: LiveState }).__ascentLive = state;

const config: LiveConfig = JSON.parse(document.getElementById("live-config")!.textContent!);
if (new URLSearchParams(location.search).has("fast")) config.fast = true;
const noteBox = document.getElementById("provider")!;
const table = document.getElementById("returns")!;

async function loadOrt(file: string): Promise<OrtModule> {
  const ort = await import(`/ort/${file}`) as OrtModule;
  ort.env.wasm.wasmPaths = "/ort/";
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  return ort;
}

/** WebGPU when possible, else Wasm; the note says what happened. */
async function createSession(model: Uint8Array): Promise<{ ort: OrtModule; session: OrtSession }> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  let why = "this browser has no WebGPU";
  if (gpu !== undefined) {
    try {
      const adapter = await gpu.requestAdapter();
      if (adapter) {
        const ort = await loadOrt("ort.webgpu.bundle.min.mjs");
        const session = await ort.InferenceSession.create(model, {
          executionProviders: ["webgpu"],
        });
        state.executionProvider = "webgpu";
        state.note = "WebGPU";
        return { ort, session };
      }
      why = "WebGPU offers no adapter here";
    } catch (error) {
      why = `WebGPU failed (${(error as Error).message ?? error})`;
    }
  }
  const ort = await loadOrt("ort.wasm.bundle.min.mjs");
  const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"] });
  state.executionProvider = "wasm";
  state.note = `${why}: running on WebAssembly`;
  return { ort, session };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function addRow(i: number, seed: number, ret: number, length: number): void {
  const tr = document.createElement("tr");
  for (const v of [String(i), String(seed), String(ret), String(length)]) {
    const td = document.createElement("td");
    td.textContent = v;
    td.className = "num";
    tr.append(td);
  }
  table.append(tr);
}

async function run(): Promise<void> {
  const response = await fetch("policy.onnx");
  if (!response.ok) throw new Error(`policy.onnx: HTTP ${response.status}`);
  const model = new Uint8Array(await response.arrayBuffer());
  const { ort, session } = await createSession(model);
  noteBox.textContent = `Execution provider: ${state.executionProvider}` +
    (state.executionProvider === "wasm" ? ` — ${state.note}` : "");
  noteBox.className = state.executionProvider === "webgpu" ? "note ok" : "note";
  const env = await make(config.envId, { seed: config.seed });
  // An environment that draws no frames still runs (the returns are the point); the stage
  // then shows a placeholder.
  const drawable = canRenderFrames(env);
  const placeholder: Frame = {
    viewport: { xMin: 0, xMax: 3, yMin: 0, yMax: 1 },
    shapes: [{
      type: "text",
      x: 1.5,
      y: 0.5,
      text: `${config.envId} draws no frames`,
      size: 0.12,
      anchor: "middle",
      fill: "#6b7280",
    }],
  };
  const picture = () => (drawable ? renderFrameOf(env)! : placeholder);
  const dim = flatDim(env.observationSpace);
  const continuous = env.actionSpace.type === "box";
  const inputName = session.inputNames[0];
  const player = mountPlayer(document.getElementById("player")!, [], {
    title: config.title,
    subtitle: config.subtitle,
    follow: true,
  });
  for (let i = 0; i < config.episodes; i++) {
    const seed = config.seed + i;
    let reset = env.reset({ seed: seed });
    if (isPromiseLike(reset)) reset = await reset;
    let obs = Float32Array.from(reset.observation);
    const episode: PlayerEpisode = {
      seed,
      frames: [picture()],
      actions: [],
      rewards: [],
      returns: [],
    };
    player.addEpisode(episode);
    let total = 0;
    const fps = episode.frames[0].fps ?? 30;
    let next = performance.now();
    for (;;) {
      const out = await session.run({ [inputName]: new ort.Tensor("float32", obs, [1, dim]) });
      const data = out.action.data;
      const action: Action = continuous
        ? Float32Array.from(data as Float32Array)
        : Number((data as BigInt64Array)[0]);
      let step = env.step(action);
      if (isPromiseLike(step)) step = await step;
      total += step.reward;
      episode.actions.push(typeof action === "number" ? action : Array.from(action));
      episode.rewards.push(step.reward);
      episode.returns.push(total);
      episode.frames.push(picture());
      obs = Float32Array.from(step.observation);
      const over = step.terminated || step.truncated;
      if (over) episode.end = step.terminated ? "terminated" : "truncated";
      player.push();
      if (over) break;
      if (!config.fast) {
        next += 1000 / fps;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      } else if (episode.rewards.length % 50 === 0) {
        await sleep(0);
      }
    }
    state.returns.push(total);
    state.lengths.push(episode.rewards.length);
    addRow(i, seed, total, episode.rewards.length);
  }
  state.done = true;
  document.body.dataset.done = "true";
}

run().catch((error) => {
  state.error = String((error as Error)?.stack ?? error);
  state.done = true;
  noteBox.textContent = `Error: ${(error as Error)?.message ?? error}`;
  noteBox.className = "note";
  console.error(error);
});
