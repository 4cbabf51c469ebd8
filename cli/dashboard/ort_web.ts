/**
 * onnxruntime-web for the live policy page: the pinned package and the folder of its
 * `dist/` files (ES modules and `.wasm` binaries) in Deno's npm cache, served to the browser
 * under `/ort/` so that the page needs no network.
 *
 * The specifier is held in a variable and imported dynamically, so that nothing but the live
 * page (never training) fetches the package; importing it once makes Deno download it and
 * lets `import.meta.resolve` name the file it resolved to.
 * @module
 */

/** The pinned npm specifier of onnxruntime-web (its WebAssembly-only build). */
export const ORT_WEB_SPECIFIER = "npm:onnxruntime-web@1.30.0/wasm";

let dist: Promise<string> | undefined;

/** The absolute path of onnxruntime-web's `dist/` folder (downloading the package once). */
export function ortWebDist(): Promise<string> {
  dist ??= (async () => {
    const specifier = ORT_WEB_SPECIFIER;
    await import(specifier);
    const file = new URL(import.meta.resolve(specifier));
    if (file.protocol !== "file:") {
      throw new Error(`onnxruntime-web resolved to ${file.href}, not a local file`);
    }
    return decodeURIComponent(file.pathname).replace(/\/[^/]+$/, "");
  })();
  return dist;
}

/** The files of `dist/` the browser may ask for. */
const SERVABLE = /^ort[\w.-]*\.(mjs|wasm)$/;

/** Serves `/ort/<file>` from onnxruntime-web's `dist/`; `null` for other names. */
export async function serveOrtFile(name: string): Promise<Response | null> {
  if (!SERVABLE.test(name)) return null;
  const path = `${await ortWebDist()}/${name}`;
  try {
    const file = await Deno.open(path, { read: true });
    const type = name.endsWith(".wasm") ? "application/wasm" : "text/javascript";
    return new Response(file.readable, {
      headers: { "content-type": type, "cache-control": "max-age=3600" },
    });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
