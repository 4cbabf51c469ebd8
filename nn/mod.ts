/**
 * The numeric core: 2-D float32 tensors, reverse-mode autodiff, the Wasm SIMD kernels,
 * `Linear`/`MLP` layers, Adam/SGD, the Categorical and DiagGaussian policy distributions,
 * TRPO's Fisher-vector product and flat parameter vectors. See `nn/API.md` for a guide.
 *
 * @example
 * ```ts
 * import { Rng } from "../random.ts";
 * import { Adam, backward, mean, MLP, square, sub, tensor } from "./mod.ts";
 * const net = new MLP({ sizes: [2, 8, 1], rng: new Rng(0) });
 * const opt = new Adam(net.parameters(), { lr: 1e-2 });
 * const x = tensor([0, 1, 1, 0], 2, 2), target = tensor([1, -1], 2, 1);
 * opt.zeroGrad();
 * const loss = mean(square(sub(net.forward(x), target)));
 * backward(loss);
 * opt.step();
 * ```
 * @module
 */
export {
  backward,
  isGradEnabled,
  noGrad,
  Parameter,
  scalar,
  shapeError,
  Tensor,
  tensor,
  zeroGrad,
} from "./tensor.ts";
export {
  abs,
  add,
  addScalar,
  broadcastTo,
  clip,
  detach,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  mulScalar,
  neg,
  powScalar,
  relu,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
  type TensorLike,
  where,
} from "./ops.ts";
export { type Axis, columns, gather, logSoftmax, mean, softmax, sum } from "./reduce.ts";
export { dense, linear, matmul } from "./linear_op.ts";
export { orthogonal } from "./init.ts";
export { BufferPool } from "./pool.ts";
export {
  categoricalClippedObjective,
  type ClippedObjective,
  clippedSquaredError,
} from "./clipped_objective.ts";
export {
  type Activation,
  Linear,
  type LinearOptions,
  MLP,
  type MlpOptions,
  type Module,
} from "./layers.ts";
export {
  Adam,
  type AdamOptions,
  clipGradNorm,
  clipScale,
  gradNorm,
  linearDecay,
  type Optimizer,
  type OptimizerState,
  RMSprop,
  type RmspropOptions,
  SGD,
  type SgdOptions,
} from "./optim.ts";
export { Categorical, sampleCategoricalRows } from "./categorical.ts";
export { DiagGaussian, sampleGaussianRows } from "./gaussian.ts";
export { MultiCategorical, sampleMultiCategoricalRows } from "./multi_categorical.ts";
export {
  conjugateGradient,
  dotProduct,
  FisherOperator,
  fisherParameters,
  type FisherPolicy,
  fisherVectorProduct,
} from "./fisher.ts";
export { flatSize, getFlatGrad, getFlatParams, setFlatGrad, setFlatParams } from "./flat.ts";
export type { DenseLayerSpec, MlpSpec } from "./spec.ts";
export {
  type DenseActivation,
  type Kernels,
  kernels,
  setKernels,
  tsKernels,
  wasmKernels,
} from "./kernels.ts";
