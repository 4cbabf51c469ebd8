/**
 * Builds the ONNX graph (IR version 8, opset 17) of a {@link PolicySpec}.
 *
 * For an observation batch `obs` of shape [batch, ...obsShape] (float32):
 *
 * 1. `x = Flatten(obs)` when the observation has more than one dimension;
 * 2. a discrete observation (the state as float32 [batch, 1]) is one-hot encoded:
 *    `x = Cast(Equal(obs, [start, …, start + n − 1]), float)` [batch, n] (a state outside
 *    the space gives a row of zeros);
 * 3. with normalisation: `x = Clip((x − μ) / σ, −c, c)` where `σ = √(var + ε)` is
 *    precomputed in float64 and stored in float32 (division, not multiplication by `1/σ`,
 *    so the graph rounds exactly as the toolkit's float32 forward pass does); no `Clip` when
 *    `c = ∞`;
 * 4. the actor MLP: `Gemm(h, W, b, transB=1)` (`h Wᵀ + b`, W stored row-major out × in),
 *    followed by `Tanh` or `Relu` on every layer but the last;
 * 5. discrete heads: `logits` [batch, n], `probs = Softmax(logits, axis=1)` and
 *    `action = ArgMax(logits, axis=1, keepdims=0) + start` (int64, [batch]);
 *    box heads: `mean` [batch, d], `log_std = Expand(logStd, Shape(mean))` [batch, d] and
 *    `action` = `mean` (float32 [batch, d]), clipped with `Min(Max(a, low), high)` to the
 *    action space when `clipActions`;
 *    multi-discrete heads (and multi-binary, as `nvec = [2, …, 2]`): `logits`
 *    [batch, Σ nvec] (the entries' logits side by side), `probs` [batch, Σ nvec] (a softmax
 *    per entry) and `action` int64 [batch, k], entry `c` the arg-max of its block
 *    `Slice(logits, o_c, o_c + nvec[c])`;
 * 6. `value` [batch, 1] from the critic MLP when `withValue`.
 *
 * With `deterministic: false`, `action` is sampled inside the graph: Gumbel-max for
 * discrete heads (per block for multi-discrete), `argmax(logits − log(−log U))` with `U ~ RandomUniformLike(logits)`,
 * which draws action `k` with probability `softmax(logits)_k`; and the reparameterised
 * Gaussian `mean + exp(log_std) · RandomNormalLike(mean)` for box heads (then clipped).
 * @module
 */
import { boxHigh, boxLow, flatDim, type Space } from "../../envs/spaces.ts";
import type { MlpSpec, PolicySpec } from "../spec.ts";
import { VERSION } from "../../version.ts";
import {
  AttributeType,
  DataType,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "./proto.ts";
import {
  CONTRACT_FORMAT,
  MetadataKey,
  pluginsToMetadata,
  type PolicyContract,
  type PolicyPlugins,
  spaceToJson,
  type TensorContract,
} from "./metadata.ts";

/** The ONNX IR version written (accepted by Debian's `python3-onnx` 1.12 checker). */
export const IR_VERSION = 8;
/** The default-domain operator-set version written. */
export const OPSET_VERSION = 17;
/** Name of the symbolic batch dimension. */
export const BATCH_DIM = "batch";

/** Options of {@link buildPolicyModel} and `exportOnnx`. */
export interface ExportOptions {
  /** `action` is the greedy action (default true); false samples inside the graph. */
  deterministic?: boolean;
  /** Add the critic's `value` output (default false; needs `PolicySpec.critic`). */
  withValue?: boolean;
  /** Clip box actions to the action space bounds (default true). */
  clipActions?: boolean;
  /**
   * The plugins the environment came from and which ran sandboxed (`ascent.plugins`,
   * `ascent.sandboxed_plugins`), so that the trust level travels with the file.
   */
  plugins?: PolicyPlugins;
  /** Extra metadata entries (keys must not start with `ascent.`). */
  metadata?: Record<string, string>;
}

type Attr = { name: string; int?: number; float?: number; ints?: number[] };

class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  #count = 0;

  floatConst(name: string, dims: number[], data: ArrayLike<number>): string {
    const f = new Float32Array(data.length);
    f.set(Array.from(data));
    this.initializers.push({
      name,
      dataType: DataType.FLOAT,
      dims,
      rawData: new Uint8Array(f.buffer),
    });
    return name;
  }

  int64Const(name: string, dims: number[], data: number[]): string {
    const b = new BigInt64Array(data.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dataType: DataType.INT64,
      dims,
      rawData: new Uint8Array(b.buffer),
    });
    return name;
  }

  node(opType: string, inputs: string[], output: string | null, attrs: Attr[] = []): string {
    const index = this.#count++;
    const out = output ?? `${opType.toLowerCase()}_${index}`;
    this.nodes.push({
      input: inputs,
      output: [out],
      name: `${opType}_${index}`,
      opType,
      attribute: attrs.map((a) => {
        if (a.ints !== undefined) return { name: a.name, type: AttributeType.INTS, ints: a.ints };
        if (a.float !== undefined) {
          return { name: a.name, type: AttributeType.FLOAT, f: a.float };
        }
        return { name: a.name, type: AttributeType.INT, i: a.int ?? 0 };
      }),
    });
    return out;
  }

  mlp(mlp: MlpSpec, input: string, prefix: string, inDim: number, output: string): string {
    if (mlp.layers.length === 0) throw new RangeError(`${prefix}: the MLP has no layers`);
    let h = input;
    let width = inDim;
    mlp.layers.forEach((layer, i) => {
      const where = `${prefix}.layers[${i}]`;
      if (layer.inDim !== width) {
        throw new RangeError(`${where}.inDim is ${layer.inDim} but its input has width ${width}`);
      }
      if (layer.weight.length !== layer.outDim * layer.inDim) {
        throw new RangeError(
          `${where}.weight has ${layer.weight.length} elements, expected outDim × inDim = ` +
            `${layer.outDim} × ${layer.inDim}`,
        );
      }
      if (layer.bias.length !== layer.outDim) {
        throw new RangeError(
          `${where}.bias has ${layer.bias.length} elements, expected outDim = ${layer.outDim}`,
        );
      }
      const w = this.floatConst(`${prefix}.${i}.weight`, [layer.outDim, layer.inDim], layer.weight);
      const b = this.floatConst(`${prefix}.${i}.bias`, [layer.outDim], layer.bias);
      const last = i === mlp.layers.length - 1;
      h = this.node("Gemm", [h, w, b], last ? output : null, [{ name: "transB", int: 1 }]);
      if (!last) {
        if (mlp.activation !== "tanh" && mlp.activation !== "relu") {
          throw new RangeError(`${prefix}.activation "${mlp.activation}" is not tanh or relu`);
        }
        h = this.node(mlp.activation === "tanh" ? "Tanh" : "Relu", [h], null);
      }
      width = layer.outDim;
    });
    return h;
  }
}

/** Gumbel noise `−log(−log U)`, `U ~ RandomUniformLike(like)`. */
function gumbelLike(g: GraphBuilder, like: string): string {
  const u = g.node("RandomUniformLike", [like], null, [{ name: "dtype", int: DataType.FLOAT }]);
  return g.node("Neg", [
    g.node("Log", [g.node("Neg", [g.node("Log", [u], null)], null)], null),
  ], null);
}

function observationShape(space: Space): number[] {
  return space.type === "box" ? [...space.shape] : [flatDim(space)];
}

function valueInfo(t: TensorContract): ValueInfoProto {
  return {
    name: t.name,
    elemType: t.dtype === "int64" ? DataType.INT64 : DataType.FLOAT,
    shape: t.shape.map((d) => (typeof d === "number" ? { value: d } : { param: d })),
  };
}

/**
 * Builds the {@link ModelProto} of `spec` (see the module doc for the graph).
 * @throws RangeError naming the spec field when dimensions do not chain.
 */
export function buildPolicyModel(spec: PolicySpec, options: ExportOptions = {}): ModelProto {
  const deterministic = options.deterministic ?? true;
  const clipActions = options.clipActions ?? true;
  const withValue = options.withValue ?? false;
  const obsSpace = spec.observationSpace;
  const actSpace = spec.actionSpace;
  if (withValue && spec.critic === undefined) {
    throw new RangeError("exportOnnx: withValue is true but PolicySpec.critic is missing");
  }
  const obsShape = observationShape(obsSpace);
  const obsDim = flatDim(obsSpace);
  const g = new GraphBuilder();

  let x = "obs";
  if (obsShape.length > 1) x = g.node("Flatten", [x], "obs_flat", [{ name: "axis", int: 1 }]);

  const norm = spec.obsNorm;
  if (norm !== undefined) {
    if (norm.mean.length !== obsDim || norm.var.length !== obsDim) {
      throw new RangeError(
        `PolicySpec.obsNorm has mean/var of length ${norm.mean.length}/${norm.var.length}, ` +
          `but the observation has ${obsDim} elements`,
      );
    }
    const std = new Float64Array(obsDim);
    for (let i = 0; i < obsDim; i++) {
      const s = Math.sqrt(norm.var[i] + norm.epsilon);
      if (!(s > 0) || !Number.isFinite(s)) {
        throw new RangeError(
          `PolicySpec.obsNorm: √(var[${i}] + epsilon) = ${s} (var ${norm.var[i]}, epsilon ` +
            `${norm.epsilon}) is not a positive finite number`,
        );
      }
      std[i] = s;
    }
    const mean = g.floatConst("obs_norm.mean", [obsDim], norm.mean);
    const stdName = g.floatConst("obs_norm.std", [obsDim], std);
    x = g.node("Div", [g.node("Sub", [x, mean], null), stdName], null);
    if (Number.isFinite(norm.clip)) {
      if (!(norm.clip > 0)) {
        throw new RangeError(`PolicySpec.obsNorm.clip must be positive, got ${norm.clip}`);
      }
      const lo = g.floatConst("obs_norm.clip_min", [], [-norm.clip]);
      const hi = g.floatConst("obs_norm.clip_max", [], [norm.clip]);
      x = g.node("Clip", [x, lo, hi], "obs_normalized");
    }
  }

  let inDim = obsDim;
  if (obsSpace.type === "discrete") {
    const start = obsSpace.start ?? 0;
    const states = g.floatConst(
      "obs.states",
      [obsSpace.n],
      Array.from({ length: obsSpace.n }, (_, i) => start + i),
    );
    x = g.node("Cast", [g.node("Equal", [x, states], null)], "obs_one_hot", [
      { name: "to", int: DataType.FLOAT },
    ]);
    inDim = obsSpace.n;
  }

  const outputs: TensorContract[] = [];
  const batch = BATCH_DIM;
  if (actSpace.type === "multi-discrete" || actSpace.type === "multi-binary") {
    const nvec = actSpace.type === "multi-discrete"
      ? actSpace.nvec
      : new Array<number>(actSpace.n).fill(2);
    const width = nvec.reduce((a, b) => a + b, 0), k = nvec.length;
    const last = spec.actor.layers.at(-1);
    if (last !== undefined && last.outDim !== width) {
      throw new RangeError(
        `PolicySpec.actor's last layer has outDim ${last.outDim}, but the ${actSpace.type} ` +
          `action space needs ${width} logits`,
      );
    }
    const logits = g.mlp(spec.actor, x, "actor", inDim, "logits");
    let choose = logits;
    if (!deterministic) choose = g.node("Add", [logits, gumbelLike(g, logits)], null);
    const axes = g.int64Const("action.axes", [1], [1]);
    const entries: string[] = [], probs: string[] = [];
    let o = 0;
    nvec.forEach((n, c) => {
      const from = g.int64Const(`action.${c}.start`, [1], [o]);
      const to = g.int64Const(`action.${c}.end`, [1], [o + n]);
      const block = g.node("Slice", [choose, from, to, axes], null);
      entries.push(g.node("ArgMax", [block], null, [
        { name: "axis", int: 1 },
        { name: "keepdims", int: 1 },
      ]));
      const logitBlock = g.node("Slice", [logits, from, to, axes], null);
      probs.push(g.node("Softmax", [logitBlock], null, [{ name: "axis", int: 1 }]));
      o += n;
    });
    g.node("Concat", entries, "action", [{ name: "axis", int: 1 }]);
    g.node("Concat", probs, "probs", [{ name: "axis", int: 1 }]);
    outputs.push(
      {
        name: "action",
        dtype: "int64",
        shape: [batch, k],
        description: deterministic
          ? "per entry, the argmax of its block of logits"
          : "per entry, an action sampled from the softmax of its block (Gumbel-max)",
      },
      {
        name: "logits",
        dtype: "float32",
        shape: [batch, width],
        description: `the entries' logits side by side (nvec [${nvec}])`,
      },
      {
        name: "probs",
        dtype: "float32",
        shape: [batch, width],
        description: "softmax of each entry's block of logits",
      },
    );
  } else if (actSpace.type === "discrete") {
    const n = actSpace.n;
    const last = spec.actor.layers.at(-1);
    if (last !== undefined && last.outDim !== n) {
      throw new RangeError(
        `PolicySpec.actor's last layer has outDim ${last.outDim}, but the discrete action ` +
          `space has n = ${n}`,
      );
    }
    const logits = g.mlp(spec.actor, x, "actor", inDim, "logits");
    let choose = logits;
    if (!deterministic) choose = g.node("Add", [logits, gumbelLike(g, logits)], null);
    const start = actSpace.start ?? 0;
    const argmax = g.node("ArgMax", [choose], start === 0 ? "action" : null, [
      { name: "axis", int: 1 },
      { name: "keepdims", int: 0 },
    ]);
    if (start !== 0) g.node("Add", [argmax, g.int64Const("action_start", [], [start])], "action");
    g.node("Softmax", [logits], "probs", [{ name: "axis", int: 1 }]);
    outputs.push(
      {
        name: "action",
        dtype: "int64",
        shape: [batch],
        description: deterministic
          ? `argmax of logits${start !== 0 ? ` plus start ${start}` : ""}`
          : "action sampled from softmax(logits) (Gumbel-max)",
      },
      { name: "logits", dtype: "float32", shape: [batch, n], description: "action logits" },
      { name: "probs", dtype: "float32", shape: [batch, n], description: "softmax(logits)" },
    );
  } else {
    const d = flatDim(actSpace);
    const last = spec.actor.layers.at(-1);
    if (last !== undefined && last.outDim !== d) {
      throw new RangeError(
        `PolicySpec.actor's last layer has outDim ${last.outDim}, but the box action space ` +
          `has ${d} elements`,
      );
    }
    if (spec.logStd === undefined || spec.logStd.length !== d) {
      throw new RangeError(
        `PolicySpec.logStd must have ${d} elements for a box action space, got ${
          spec.logStd?.length ?? "none"
        }`,
      );
    }
    const mean = g.mlp(spec.actor, x, "actor", inDim, "mean");
    const logStdConst = g.floatConst("log_std.param", [d], spec.logStd);
    const logStd = g.node("Expand", [logStdConst, g.node("Shape", [mean], null)], "log_std");
    let action = mean;
    if (!deterministic) {
      const eps = g.node("RandomNormalLike", [mean], null, [{
        name: "dtype",
        int: DataType.FLOAT,
      }]);
      action = g.node(
        "Add",
        [mean, g.node("Mul", [g.node("Exp", [logStd], null), eps], null)],
        null,
      );
    }
    let bounded = false;
    for (let i = 0; i < d; i++) {
      if (Number.isFinite(boxLow(actSpace, i)) || Number.isFinite(boxHigh(actSpace, i))) {
        bounded = true;
      }
    }
    if (clipActions && bounded) {
      const low = Array.from({ length: d }, (_, i) => boxLow(actSpace, i));
      const high = Array.from({ length: d }, (_, i) => boxHigh(actSpace, i));
      const lo = g.floatConst("action.low", [d], low);
      const hi = g.floatConst("action.high", [d], high);
      g.node("Min", [g.node("Max", [action, lo], null), hi], "action");
    } else {
      g.node("Identity", [action], "action");
    }
    outputs.push(
      {
        name: "action",
        dtype: "float32",
        shape: [batch, d],
        description: (deterministic ? "the Gaussian mean" : "a sample of N(mean, exp(log_std)²)") +
          (clipActions && bounded ? ", clipped to the action space" : ""),
      },
      { name: "mean", dtype: "float32", shape: [batch, d], description: "Gaussian mean" },
      {
        name: "log_std",
        dtype: "float32",
        shape: [batch, d],
        description: "log standard deviation (state-independent, repeated per row)",
      },
    );
  }

  if (withValue) {
    g.mlp(spec.critic!, x, "critic", inDim, "value");
    const vLast = spec.critic!.layers.at(-1)!;
    if (vLast.outDim !== 1) {
      throw new RangeError(`PolicySpec.critic's last layer has outDim ${vLast.outDim}, not 1`);
    }
    outputs.push({
      name: "value",
      dtype: "float32",
      shape: [batch, 1],
      description: "critic state value",
    });
  }

  const inputs: TensorContract[] = [{
    name: "obs",
    dtype: "float32",
    shape: [batch, ...obsShape],
    description: "raw (unnormalised) observations",
  }];
  const contract: PolicyContract = {
    format: CONTRACT_FORMAT,
    actionKind: actSpace.type,
    deterministic,
    clipActions,
    normalization: norm !== undefined,
    inputs,
    outputs,
  };

  const metadata: Record<string, string> = {
    [MetadataKey.version]: VERSION,
    [MetadataKey.algorithm]: spec.provenance.algorithm,
    [MetadataKey.envId]: spec.provenance.envId,
    [MetadataKey.observationSpace]: spaceToJson(obsSpace),
    [MetadataKey.actionSpace]: spaceToJson(actSpace),
    [MetadataKey.timesteps]: String(spec.provenance.timesteps),
    [MetadataKey.contract]: JSON.stringify(contract),
  };
  const { seed, envOptions, simulator } = spec.provenance;
  if (seed !== undefined) metadata[MetadataKey.seed] = String(seed);
  if (envOptions !== undefined && Object.keys(envOptions).length > 0) {
    metadata[MetadataKey.envOptions] = JSON.stringify(envOptions);
  }
  if (simulator !== undefined) metadata[MetadataKey.simulator] = simulator;
  if (options.plugins) Object.assign(metadata, pluginsToMetadata(options.plugins));
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    if (key.startsWith("ascent.")) {
      throw new RangeError(`exportOnnx: metadata key "${key}" is reserved (prefix "ascent.")`);
    }
    if (typeof value !== "string") {
      throw new TypeError(`exportOnnx: metadata["${key}"] must be a string, got ${typeof value}`);
    }
    metadata[key] = value;
  }

  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET_VERSION }],
    producerName: "ascent",
    producerVersion: VERSION,
    docString: `${spec.provenance.algorithm} policy for ${spec.provenance.envId}`,
    graph: {
      node: g.nodes,
      name: "ascent_policy",
      initializer: g.initializers,
      input: inputs.map(valueInfo),
      output: outputs.map(valueInfo),
      valueInfo: [],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}
