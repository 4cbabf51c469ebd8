/**
 * A network's layers as plain data, for export and for checkpoints: the numeric core
 * produces it (`MLP.toSpec()`) and reads it back (`MLP.loadSpec()`); `policies/spec.ts`
 * builds a whole policy description from it.
 * @module
 */

/** One fully connected layer, `y = W x + b`. */
export interface DenseLayerSpec {
  /** Input width. */
  inDim: number;
  /** Output width. */
  outDim: number;
  /** Weights, `outDim × inDim`, row-major (row `o` holds the weights into output `o`). */
  weight: Float32Array;
  /** Biases, length `outDim`. */
  bias: Float32Array;
}

/** A multi-layer perceptron: the activation follows every layer but the last. */
export interface MlpSpec {
  /** The layers, input first. */
  layers: DenseLayerSpec[];
  /** Hidden activation. */
  activation: "tanh" | "relu";
}
