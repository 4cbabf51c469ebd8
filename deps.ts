/**
 * Every third-party module the library uses, as pinned `npm:` specifiers, so that the
 * toolkit works when imported by URL from a folder with no `deno.json`.
 *
 * ONNX Runtime is deliberately absent: it is a large native package, loaded only by the
 * separate `onnx.ts` entry point (see `policies/onnx/runtime_deps.ts`). MuJoCo
 * (`npm:@mujoco/mujoco@3.12.0`) is absent for the same reason: it is imported dynamically
 * the first time a MuJoCo environment is made (see `envs/mujoco/deps.ts`).
 * @module
 */
export { z } from "npm:zod@4.6.7";
export type { ZodError, ZodType } from "npm:zod@4.6.7";
