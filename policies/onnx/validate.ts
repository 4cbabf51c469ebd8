/**
 * Checks an ONNX model against the policy contract, and observations against the model.
 *
 * A model is runnable as a policy when it has exactly one input, `obs`, of element type
 * float32 and shape [batch, d₁, …, d_k] with a dynamic (symbolic or unnamed) first
 * dimension and fixed d₁…d_k, and an output named `action`. When the file stores an
 * observation space (`ascent.observation_space`), d₁…d_k must equal its shape.
 *
 * Observations are accepted as one flat observation (`number[]` or a `Float32Array` of
 * length D = d₁⋯d_k), a batch of rows (`number[][]`), or a flat `Float32Array` holding B·D
 * numbers; every row must have D elements and every element must be a finite number that
 * fits float32 (|x| ≤ 3.4028234663852886e38, {@link FLOAT32_MAX}): a larger double such as
 * `1e39` would become ±Infinity in the model's float32 input, so it is refused.
 * @module
 */
import { flatDim, preview, type Space } from "../../envs/spaces.ts";
import type { OnnxInfo } from "./info.ts";
import { MetadataKey, spaceFromMetadata } from "./metadata.ts";

/** What a validated model promises. */
export interface PolicyIo {
  /** The input name (always `obs`). */
  inputName: string;
  /** Observation shape after the batch dimension. */
  obsShape: number[];
  /** Elements per observation, D. */
  obsDim: number;
  /** The stored observation space, when the file has one. */
  observationSpace: Space | null;
  /** The stored action space, when the file has one. */
  actionSpace: Space | null;
  /** Output names in file order. */
  outputNames: string[];
}

/**
 * Verifies that `info` describes a policy this toolkit can run.
 * @throws TypeError naming `where` (the file), the offending input/output and its shape.
 */
export function checkPolicyModel(info: OnnxInfo, where: string): PolicyIo {
  const names = info.inputs.map((i) => `${i.name}: ${i.dtype}[${i.shape.join(", ")}]`);
  if (info.inputs.length !== 1 || info.inputs[0].name !== "obs") {
    throw new TypeError(
      `${where}: model inputs do not match the policy contract: expected exactly one input ` +
        `"obs" (float32 [batch, ...observation shape]), found ${info.inputs.length}: ` +
        `[${names.join("; ")}]`,
    );
  }
  const input = info.inputs[0];
  if (input.dtype !== "float32") {
    throw new TypeError(
      `${where}: input "obs" has element type ${input.dtype}, the contract needs float32`,
    );
  }
  if (input.shape.length < 2) {
    throw new TypeError(
      `${where}: input "obs" has shape [${input.shape.join(", ")}], the contract needs ` +
        `[batch, ...observation shape] (rank ≥ 2)`,
    );
  }
  if (typeof input.shape[0] === "number") {
    throw new TypeError(
      `${where}: input "obs" has a fixed batch dimension ${input.shape[0]}, the contract ` +
        `needs a dynamic one (dim_param "batch")`,
    );
  }
  const obsShape: number[] = [];
  input.shape.slice(1).forEach((d, i) => {
    if (typeof d !== "number" || d <= 0) {
      throw new TypeError(
        `${where}: input "obs" dimension ${i + 1} is ${JSON.stringify(d)}, the contract ` +
          `needs fixed observation dimensions`,
      );
    }
    obsShape.push(d);
  });
  const outputNames = info.outputs.map((o) => o.name);
  if (!outputNames.includes("action")) {
    throw new TypeError(
      `${where}: model outputs [${outputNames.join(", ")}] have no "action" output`,
    );
  }
  let observationSpace: Space | null = null;
  let actionSpace: Space | null = null;
  if (info.metadata[MetadataKey.observationSpace] !== undefined) {
    observationSpace = spaceFromMetadata(info.metadata, MetadataKey.observationSpace);
    const spaceShape = observationSpace.type === "box"
      ? observationSpace.shape
      : [flatDim(observationSpace)];
    if (spaceShape.join() !== obsShape.join()) {
      throw new TypeError(
        `${where}: input "obs" has observation shape [${obsShape}] but the stored ` +
          `observation space has shape [${spaceShape}]`,
      );
    }
  }
  if (info.metadata[MetadataKey.actionSpace] !== undefined) {
    actionSpace = spaceFromMetadata(info.metadata, MetadataKey.actionSpace);
  }
  return {
    inputName: input.name,
    obsShape,
    obsDim: obsShape.reduce((a, b) => a * b, 1),
    observationSpace,
    actionSpace,
    outputNames,
  };
}

/** The observations of one `act` call, flattened. */
export interface ObservationBatch {
  /** B·D float32 numbers, row-major. */
  data: Float32Array;
  /** Number of rows B. */
  batch: number;
  /** True when the caller passed one observation (not a batch). */
  single: boolean;
}

/** The largest finite float32, 3.4028234663852886e38. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** True when `v` is a number that stays finite when rounded to float32. */
export function fitsFloat32(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(Math.fround(v));
}

const FIT = `finite numbers that fit float32 (|x| ≤ ${FLOAT32_MAX})`;

function show(v: unknown): string {
  return typeof v === "number" ? String(v) : preview(v);
}

function describeSpace(space: Space | null, obsDim: number): string {
  return space === null ? `${obsDim} elements` : `observation space ${preview(space, 80)}`;
}

function checkFinite(data: Float32Array, obsDim: number, space: Space | null): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / obsDim);
      throw new RangeError(
        `observation row ${row}, element ${i % obsDim} is ${data[i]}: observations must be ` +
          `${FIT} (${describeSpace(space, obsDim)})`,
      );
    }
  }
}

/**
 * Flattens and validates observations (see the module doc for the accepted forms).
 * @throws RangeError naming the row, the element and the value.
 */
export function toObservationBatch(
  observations: Float32Array | ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  obsDim: number,
  space: Space | null = null,
): ObservationBatch {
  const expected = `expected ${obsDim} (${describeSpace(space, obsDim)})`;
  if (observations instanceof Float32Array) {
    if (observations.length === 0 || observations.length % obsDim !== 0) {
      throw new RangeError(
        `observations: a Float32Array of ${observations.length} numbers is not a whole ` +
          `number of observations of ${obsDim} elements; ${expected}`,
      );
    }
    checkFinite(observations, obsDim, space);
    const batch = observations.length / obsDim;
    return { data: observations, batch, single: batch === 1 };
  }
  if (observations === null || typeof observations !== "object" || !("length" in observations)) {
    throw new TypeError(
      `observations must be an array of numbers or of rows, got ${preview(observations)}`,
    );
  }
  if (observations.length === 0) throw new RangeError("observations: empty batch");
  const first = observations[0];
  if (typeof first === "number" || first === null || first === undefined) {
    // One observation.
    const row = observations as ArrayLike<number>;
    if (row.length !== obsDim) {
      throw new RangeError(`observation has ${row.length} elements, ${expected}`);
    }
    const data = new Float32Array(obsDim);
    for (let j = 0; j < obsDim; j++) {
      const v = row[j];
      if (!fitsFloat32(v)) {
        throw new RangeError(
          `observation row 0, element ${j} is ${show(v)}: observations must be ` +
            FIT,
        );
      }
      data[j] = v;
    }
    return { data, batch: 1, single: true };
  }
  const rows = observations as ArrayLike<ArrayLike<number>>;
  const batch = rows.length;
  const data = new Float32Array(batch * obsDim);
  for (let i = 0; i < batch; i++) {
    const row = rows[i];
    if (row === null || typeof row !== "object" || !("length" in row)) {
      throw new TypeError(`observation row ${i} is not an array: ${preview(row)}`);
    }
    if (row.length !== obsDim) {
      throw new RangeError(`observation row ${i} has ${row.length} elements, ${expected}`);
    }
    for (let j = 0; j < obsDim; j++) {
      const v = row[j];
      if (!fitsFloat32(v)) {
        throw new RangeError(
          `observation row ${i}, element ${j} is ${show(v)}: observations must be ` +
            FIT,
        );
      }
      data[i * obsDim + j] = v;
    }
  }
  return { data, batch, single: false };
}
