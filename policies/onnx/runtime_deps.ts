/**
 * The pinned ONNX Runtime package, kept out of `deps.ts` on purpose.
 *
 * `onnxruntime-node` ships native libraries for every platform (hundreds of MB unpacked),
 * so nothing that training imports may load it. Only `runtime.ts` loads it, with a dynamic
 * `import()` of this specifier held in a variable: Deno cannot see it while building the
 * module graph, so importing the exporter (or even `runtime.ts` itself) downloads nothing;
 * the package is fetched and loaded the first time `OnnxPolicy.load` runs.
 * @module
 */

/** The npm specifier of ONNX Runtime for Node, pinned. */
export const ONNXRUNTIME_SPECIFIER = "npm:onnxruntime-node@1.30.0";
