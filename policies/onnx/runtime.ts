/**
 * `OnnxPolicy`: runs an exported policy with ONNX Runtime (`onnxruntime-node`).
 *
 * Loading: the file is first decoded and checked by this toolkit (`readOnnxInfo`,
 * `checkPolicyModel`), so a truncated file or a model whose inputs do not match the policy
 * contract fails with a precise message before ONNX Runtime sees it. ONNX Runtime itself is
 * imported dynamically on the first load (see `runtime_deps.ts`): importing this module
 * costs nothing.
 *
 * Execution providers: the requested list `[p₁, …, p_k]` (default `["cpu"]`) is tried in
 * order, one provider per attempt (ONNX Runtime itself places any node a provider cannot
 * run on the CPU). When creating the session with `pᵢ` fails (for example `cuda` without
 * the CUDA provider libraries: "Failed to load shared library" — ONNX Runtime does not fall
 * back by itself), a warning names `pᵢ` and the reason and `pᵢ₊₁` is tried. With
 * `strict: true` the first failure throws instead. `info().executionProvider` is the
 * provider that worked; `info().unavailableProviders` lists the ones skipped, with
 * reasons.
 *
 * Permissions: `--allow-ffi` (the native addon) and `--allow-read` for a model path;
 * `--allow-env` is not needed.
 * @module
 */
import type { Space } from "../../envs/spaces.ts";
import { type OnnxInfo, readOnnxInfo } from "./info.ts";
import type { PolicyContract } from "./metadata.ts";
import { ONNXRUNTIME_SPECIFIER } from "./runtime_deps.ts";
import { checkPolicyModel, type PolicyIo, toObservationBatch } from "./validate.ts";

/** The subset of an ONNX Runtime tensor used here. */
export interface OrtTensorLike {
  /** Element data. */
  readonly data: unknown;
  /** Shape. */
  readonly dims: readonly number[];
  /** Element type name. */
  readonly type: string;
}

/** The subset of an ONNX Runtime inference session used here. */
export interface OrtSession {
  /** Runs the model on the named input tensors; resolves with the named outputs. */
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  /** Frees the session's native resources. */
  release(): Promise<void>;
}

/** The subset of the `onnxruntime-node` module used here (what {@link loadOnnxRuntime} gives). */
export interface OrtModule {
  /** Creates a session from the model bytes and session options. */
  InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSession> };
  /** Builds a float32 tensor of the given shape over `data`. */
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensorLike;
  /** Runtime environment: library versions and log level, when present. */
  env?: { versions?: Record<string, string>; logLevel?: string };
  /** Lists the execution providers the installed build supports, when present. */
  listSupportedBackends?: () => { name: string; bundled: boolean }[];
}

let ortPromise: Promise<OrtModule> | null = null;

/** Loads ONNX Runtime once (dynamic import of the pinned specifier). */
export function loadOnnxRuntime(): Promise<OrtModule> {
  const specifier: string = ONNXRUNTIME_SPECIFIER;
  ortPromise ??= import(specifier).then(
    (m) => m as OrtModule,
    (e) => {
      ortPromise = null;
      throw new Error(
        `cannot load ONNX Runtime (${specifier}): ${(e as Error).message}. It needs ` +
          `--allow-ffi (and --allow-read for model files) and the npm registry on first use`,
        { cause: e },
      );
    },
  );
  return ortPromise;
}

/** An execution provider: a name (`"cpu"`, `"cuda"`, …) or a name with provider options. */
export type ExecutionProvider = string | ({ name: string } & Record<string, unknown>);

/** Options of {@link OnnxPolicy.load}. */
export interface OnnxPolicyOptions {
  /** Providers in order of preference (default `["cpu"]`). */
  executionProviders?: ExecutionProvider[];
  /** Throw when a requested provider is unavailable instead of falling back. */
  strict?: boolean;
  /** Receives fallback warnings (default `console.warn`). */
  onWarning?: (message: string) => void;
  /** Intra-op thread count passed to ONNX Runtime (default: its own choice). */
  intraOpNumThreads?: number;
  /**
   * ONNX Runtime's own log level, process-wide, taking effect with the first session
   * (default `"fatal"`: its errors reach the caller as exceptions and warnings instead;
   * `"error"` or `"verbose"` helps to debug a failing GPU provider).
   */
  logLevel?: "verbose" | "info" | "warning" | "error" | "fatal";
}

/** A provider that could not be used, and why. */
export interface ProviderFailure {
  /** Provider name. */
  provider: string;
  /** ONNX Runtime's error message. */
  reason: string;
}

/** What {@link OnnxPolicy.info} reports. */
export interface OnnxPolicyInfo extends OnnxInfo {
  /** Where the model came from (path or `"<bytes>"`). */
  source: string;
  /** The provider actually in use. */
  executionProvider: string;
  /** The providers requested, in order. */
  requestedProviders: string[];
  /** Requested providers that failed, with ONNX Runtime's reason. */
  unavailableProviders: ProviderFailure[];
  /** Observation shape after the batch dimension. */
  observationShape: number[];
  /** The stored observation space, if any. */
  observationSpace: Space | null;
  /** The stored action space, if any. */
  actionSpace: Space | null;
  /** onnxruntime-node version. */
  onnxRuntimeVersion: string;
}

/** Raw outputs of one run: name → flat data and shape. */
export type RawOutputs = Record<string, { data: Float32Array | BigInt64Array; dims: number[] }>;

/** What {@link OnnxPolicy.act} returns, one entry per observation row. */
export interface ActResult {
  /**
   * Discrete: action integers. Box: one action vector per row. Multi-discrete and
   * multi-binary: one `Int32Array` of `k` entries per row.
   */
  actions: number[] | Float32Array[] | Int32Array[];
  /** Discrete: logits per row (multi-discrete: the entries' logits side by side). */
  logits?: Float32Array[];
  /** Discrete: action probabilities per row. */
  probs?: Float32Array[];
  /** Box: Gaussian mean per row. */
  mean?: Float32Array[];
  /** Box: log standard deviation per row. */
  logStd?: Float32Array[];
  /** State values, when the model has a `value` output. */
  value?: number[];
}

/** A provider was unavailable under `strict: true`. */
export class ExecutionProviderError extends Error {
  /** The provider that failed. */
  readonly provider: string;
  /** Builds the error. */
  constructor(provider: string, reason: string) {
    super(
      `execution provider "${provider}" could not create a session (strict: no fallback): ` +
        reason,
    );
    this.name = "ExecutionProviderError";
    this.provider = provider;
  }
}

function providerName(p: ExecutionProvider): string {
  return typeof p === "string" ? p : p.name;
}

function rows<T extends Float32Array | Int32Array>(data: T, batch: number): T[] {
  const width = data.length / batch;
  const out: T[] = new Array(batch);
  for (let i = 0; i < batch; i++) out[i] = data.slice(i * width, (i + 1) * width) as T;
  return out;
}

/** An exported policy loaded into ONNX Runtime. */
export class OnnxPolicy {
  readonly #ort: OrtModule;
  readonly #session: OrtSession;
  readonly #io: PolicyIo;
  readonly #info: OnnxPolicyInfo;
  #closed = false;

  private constructor(ort: OrtModule, session: OrtSession, io: PolicyIo, info: OnnxPolicyInfo) {
    this.#ort = ort;
    this.#session = session;
    this.#io = io;
    this.#info = info;
  }

  /**
   * Loads a model from a path or bytes.
   * @throws SyntaxError for corrupt files, TypeError for contract mismatches,
   * ExecutionProviderError under `strict`, Error when no provider works.
   */
  static async load(
    pathOrBytes: string | URL | Uint8Array,
    options: OnnxPolicyOptions = {},
  ): Promise<OnnxPolicy> {
    let bytes: Uint8Array;
    let source: string;
    if (pathOrBytes instanceof Uint8Array) {
      bytes = pathOrBytes;
      source = "<bytes>";
    } else {
      source = pathOrBytes instanceof URL ? pathOrBytes.pathname : pathOrBytes;
      try {
        bytes = await Deno.readFile(pathOrBytes);
      } catch (e) {
        throw new Error(`cannot read ONNX model "${source}": ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
    let info: OnnxInfo;
    try {
      info = readOnnxInfo(bytes);
    } catch (e) {
      const err = e as Error;
      err.message = `${source}: ${err.message}`;
      throw err;
    }
    const io = checkPolicyModel(info, source);
    const ort = await loadOnnxRuntime();
    if (ort.env !== undefined) ort.env.logLevel = options.logLevel ?? "fatal";

    const requested = options.executionProviders ?? ["cpu"];
    if (requested.length === 0) throw new RangeError("executionProviders is empty");
    const failures: ProviderFailure[] = [];
    const warn = options.onWarning ?? ((m: string) => console.warn(m));
    let session: OrtSession | null = null;
    let active = "";
    const supported = ort.listSupportedBackends?.().map((b) => b.name);
    for (let i = 0; i < requested.length && session === null; i++) {
      const name = providerName(requested[i]);
      try {
        if (supported !== undefined && !supported.includes(name)) {
          // onnxruntime-node silently ignores names it does not know: refuse them here.
          throw new Error(
            `onnxruntime-node ${ort.env?.versions?.node ?? ""} on ${Deno.build.os}-` +
              `${Deno.build.arch} supports only [${supported.join(", ")}]`,
          );
        }
        session = await ort.InferenceSession.create(bytes, {
          executionProviders: [requested[i]],
          graphOptimizationLevel: "all",
          logSeverityLevel: 3,
          ...(options.intraOpNumThreads !== undefined
            ? { intraOpNumThreads: options.intraOpNumThreads }
            : {}),
        });
        active = name;
      } catch (e) {
        let reason = (e as Error).message ?? String(e);
        if (/Failed to load shared library/i.test(reason)) {
          reason += `: the ${name} provider libraries (libonnxruntime_providers_${name}.so, ` +
            `installed by onnxruntime-node's install script) or the CUDA/cuDNN libraries ` +
            `they need are missing; see policies/onnx/README.md`;
        }
        if (options.strict) throw new ExecutionProviderError(name, reason);
        failures.push({ provider: name, reason });
        const next = i + 1 < requested.length
          ? `falling back to "${providerName(requested[i + 1])}"`
          : "no provider left";
        warn(
          `ONNX Runtime could not create a session with execution provider "${name}" ` +
            `(${reason}); ${next}`,
        );
      }
    }
    if (session === null) {
      throw new Error(
        `${source}: ONNX Runtime could not create a session with any requested execution ` +
          `provider: ` +
          failures.map((f) => `${f.provider}: ${f.reason}`).join("; "),
      );
    }
    return new OnnxPolicy(ort, session, io, {
      ...info,
      source,
      executionProvider: active,
      requestedProviders: requested.map(providerName),
      unavailableProviders: failures,
      observationShape: io.obsShape,
      observationSpace: io.observationSpace,
      actionSpace: io.actionSpace,
      onnxRuntimeVersion: ort.env?.versions?.node ?? "unknown",
    });
  }

  /** Inputs, outputs, metadata, contract and the execution provider in use. */
  info(): OnnxPolicyInfo {
    return structuredClone(this.#info);
  }

  /** The contract stored in the file, if any. */
  get contract(): PolicyContract | null {
    return this.#info.contract;
  }

  /** Elements per observation. */
  get observationDim(): number {
    return this.#io.obsDim;
  }

  /**
   * Runs the model on `batch` observations stored row-major in `data` (length batch·D),
   * returning every output as flat data. No validation beyond the length: the fast path.
   */
  async actRaw(data: Float32Array, batch: number): Promise<RawOutputs> {
    if (this.#closed) throw new Error(`${this.#info.source}: OnnxPolicy is closed`);
    if (data.length !== batch * this.#io.obsDim) {
      throw new RangeError(
        `actRaw: ${data.length} numbers for batch ${batch}, expected ${batch * this.#io.obsDim}`,
      );
    }
    const input = new this.#ort.Tensor("float32", data, [batch, ...this.#io.obsShape]);
    const result = await this.#session.run({ [this.#io.inputName]: input });
    const out: RawOutputs = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = { data: t.data as Float32Array | BigInt64Array, dims: [...t.dims] };
    }
    return out;
  }

  /**
   * Acts on one observation or a batch (validated: shape and finiteness, see
   * `validate.ts`). Results always hold one entry per row (one row for one observation).
   */
  async act(
    observations: Float32Array | number[] | number[][] | ArrayLike<ArrayLike<number>>,
  ): Promise<ActResult> {
    const batch = toObservationBatch(observations, this.#io.obsDim, this.#io.observationSpace);
    const raw = await this.actRaw(batch.data, batch.batch);
    const b = batch.batch;
    const action = raw.action;
    const result: ActResult = {
      actions: !(action.data instanceof BigInt64Array)
        ? rows(action.data as Float32Array, b)
        : action.dims.length === 2
        ? rows(Int32Array.from(action.data, (v) => Number(v)), b)
        : Array.from(action.data, (v) => Number(v)),
    };
    const f = (name: string) => raw[name]?.data as Float32Array | undefined;
    if (f("logits")) result.logits = rows(f("logits")!, b);
    if (f("probs")) result.probs = rows(f("probs")!, b);
    if (f("mean")) result.mean = rows(f("mean")!, b);
    if (f("log_std")) result.logStd = rows(f("log_std")!, b);
    if (f("value")) result.value = Array.from(f("value")!);
    return result;
  }

  /** Releases the ONNX Runtime session. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session.release();
  }
}
