/**
 * `exportOnnx`: a {@link PolicySpec} (or an agent that gives one) to a standalone `.onnx` file.
 *
 * The graph is built by {@link buildPolicyModel} (see `graph.ts` for the equations) and
 * serialised by the hand-written protobuf encoder of `proto.ts`; no ONNX library and no
 * ONNX Runtime is loaded. With a path, the file is written atomically (a temporary file in
 * the same folder, then `Deno.rename`), so a reader never sees half a model.
 * @module
 */
import type { PolicySpec } from "../spec.ts";
import { buildPolicyModel, type ExportOptions } from "./graph.ts";
import { encodeModel } from "./proto.ts";
import { writeFileAtomic } from "../atomic.ts";

/** Anything that can describe its policy as plain data (a trained agent, a loaded checkpoint). */
export interface PolicySource {
  /** The policy as a {@link PolicySpec}. */
  toPolicySpec(): PolicySpec;
}

/**
 * Serialises a policy (a {@link PolicySpec}, or an agent's `toPolicySpec()`) as an ONNX
 * model (IR 8, opset 17) and, when `path` is given, writes it there atomically. Returns the
 * bytes either way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportOnnx } from "./export.ts";
 * const layer = (i: number, o: number) => ({
 *   inDim: i, outDim: o, weight: new Float32Array(i * o), bias: new Float32Array(o),
 * });
 * const bytes = await exportOnnx({
 *   observationSpace: { type: "box", low: -1, high: 1, shape: [4] },
 *   actionSpace: { type: "discrete", n: 2 },
 *   actor: { layers: [layer(4, 8), layer(8, 2)], activation: "tanh" },
 *   provenance: { algorithm: "ppo", envId: "CartPole-v1", timesteps: 0 },
 * }, null);
 * assert.ok(bytes.length > 0);
 * ```
 */
export async function exportOnnx(
  policy: PolicySpec | PolicySource,
  path: string | null,
  options: ExportOptions = {},
): Promise<Uint8Array> {
  const spec = "toPolicySpec" in policy ? policy.toPolicySpec() : policy;
  const bytes = encodeModel(buildPolicyModel(spec, options));
  if (path !== null) {
    try {
      await writeFileAtomic(path, bytes);
    } catch (e) {
      throw new Error(`exportOnnx: cannot write "${path}": ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  return bytes;
}
