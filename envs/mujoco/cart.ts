/**
 * The cart both inverted pendulums stand on: a capsule (radius 0.1, half-length 0.1, lying
 * along the rail) on the `slider` joint, which slides along x within [−1, 1] m, carrying
 * the pole's body. The pendulums differ only in the pole(s) and the slider's margin.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cartBody } from "./cart.ts";
 * const cart = cartBody({ name: "pole", pos: [0, 0, 0] });
 * assert.equal(cart.joints?.[0].name, "slider");
 * ```
 * @module
 */
import type { BodyDesc, JointAttributes } from "./mjcf.ts";

/** The cart body carrying `pole`; `slider` adds attributes to the slider joint. */
export function cartBody(pole: BodyDesc, slider: JointAttributes = {}): BodyDesc {
  return {
    name: "cart",
    pos: [0, 0, 0],
    joints: [{ name: "slider", type: "slide", axis: [1, 0, 0], range: [-1, 1], ...slider }],
    geoms: [{ name: "cart", type: "capsule", size: [0.1, 0.1], quat: [0.707, 0, 0.707, 0] }],
    bodies: [pole],
  };
}
