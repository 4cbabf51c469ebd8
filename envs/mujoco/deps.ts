/**
 * The pinned MuJoCo build, kept out of the root `deps.ts` on purpose.
 *
 * `@mujoco/mujoco` is DeepMind's official WebAssembly build of MuJoCo: a 5.4 MB download
 * (21.7 MB unpacked in the Deno cache, single- and multi-threaded builds; the single-threaded
 * 10 MB `mujoco.wasm` is what runs). Nothing that imports `mod.ts` or trains a
 * classic-control environment may fetch it, so it is only ever loaded by `runtime.ts`, with
 * a dynamic `import()` of this specifier held in a variable: Deno cannot see it while
 * building the module graph, and the package is downloaded and instantiated the first time
 * a MuJoCo environment is made.
 *
 * The npm version equals the MuJoCo release (`mj_versionString()`), and the release is part
 * of each environment's definition: simulations differ between releases.
 * @module
 */

/** The MuJoCo release these environments are defined on (and recorded against). */
export const MUJOCO_VERSION = "3.12.0";

/** The npm specifier of the official MuJoCo WebAssembly build, pinned. */
export const MUJOCO_SPECIFIER = "npm:@mujoco/mujoco@3.12.0";
