/**
 * Random {@link PolicySpec}s for tests and benchmarks of the ONNX exporter.
 *
 * Weights are drawn `W ~ U(−1, 1)/√inDim` and biases `b ~ U(−0.5, 0.5)` from the
 * toolkit's seeded `Rng`, so the same seed gives the same policy. Normalisation statistics,
 * when asked, are `μ ~ N(0, 1)`, `var ~ U(0.25, 4)`, ε = 1e-8 and the requested clip.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomPolicySpec } from "./testing.ts";
 * const spec = randomPolicySpec({ seed: 1, obsShape: [4], action: { type: "discrete", n: 2 } });
 * assert.equal(spec.actor.layers[0].inDim, 4);
 * ```
 * @module
 */
import { Rng } from "../../random.ts";
import { actionParamDim, type Space } from "../../envs/spaces.ts";
import type { DenseLayerSpec, MlpSpec, PolicySpec } from "../spec.ts";

/** Options of {@link randomPolicySpec}. */
export interface RandomPolicyOptions {
  /** PRNG seed. */
  seed: number;
  /** Observation shape (box, bounds ±10). */
  obsShape: number[];
  /** Action space. */
  action: Space;
  /** Observation space instead of the box of `obsShape` (a discrete one is one-hot encoded). */
  observation?: Space;
  /** Hidden widths (default [64, 64]). */
  hidden?: number[];
  /** Hidden activation (default tanh). */
  activation?: "tanh" | "relu";
  /** Add observation normalisation with this clip (`Infinity` for none). */
  normClip?: number;
  /** Add a critic (default true). */
  critic?: boolean;
}

function dense(rng: Rng, inDim: number, outDim: number): DenseLayerSpec {
  const scale = 1 / Math.sqrt(inDim);
  return {
    inDim,
    outDim,
    weight: Float32Array.from({ length: inDim * outDim }, () => rng.uniformRange(-1, 1) * scale),
    bias: Float32Array.from({ length: outDim }, () => rng.uniformRange(-0.5, 0.5)),
  };
}

function mlp(rng: Rng, widths: number[], activation: "tanh" | "relu"): MlpSpec {
  const layers: DenseLayerSpec[] = [];
  for (let i = 0; i + 1 < widths.length; i++) layers.push(dense(rng, widths[i], widths[i + 1]));
  return { layers, activation };
}

/** A random policy (see the module doc). */
export function randomPolicySpec(options: RandomPolicyOptions): PolicySpec {
  const rng = new Rng(options.seed);
  const observationSpace: Space = options.observation ??
    { type: "box", low: -10, high: 10, shape: options.obsShape };
  const obsDim = observationSpace.type === "discrete"
    ? observationSpace.n
    : options.obsShape.reduce((a, b) => a * b, 1);
  const hidden = options.hidden ?? [64, 64];
  const activation = options.activation ?? "tanh";
  const outDim = actionParamDim(options.action);
  const spec: PolicySpec = {
    observationSpace,
    actionSpace: options.action,
    actor: mlp(rng, [obsDim, ...hidden, outDim], activation),
    provenance: { algorithm: "ppo", envId: "Random-v0", timesteps: 12345 },
  };
  if (options.action.type === "box") {
    spec.logStd = Float32Array.from({ length: outDim }, () => rng.uniformRange(-1, 0));
  }
  if (options.critic ?? true) spec.critic = mlp(rng, [obsDim, ...hidden, 1], activation);
  if (options.normClip !== undefined && observationSpace.type !== "discrete") {
    spec.obsNorm = {
      mean: Float64Array.from({ length: obsDim }, () => rng.normal()),
      var: Float64Array.from({ length: obsDim }, () => rng.uniformRange(0.25, 4)),
      epsilon: 1e-8,
      clip: options.normClip,
    };
  }
  return spec;
}
