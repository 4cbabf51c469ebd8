/**
 * Bundles the browser code under `cli/dashboard/browser/` (and what it imports: the frame
 * drawing of `envs/render.ts`, the environments themselves for the live page, uPlot) with
 * Deno's bundler into one ES module per entry point, kept in memory.
 *
 * `Deno.bundle` is unstable (`"bundle"` in deno.json's `unstable` list); it fetches
 * esbuild the first time it runs, which only the render and dashboard commands do.
 * @module
 */

/** A bundled entry point. */
export interface Bundle {
  /** The JavaScript (an ES module). */
  js: string;
  /** CSS imported by the code, if any. */
  css: string;
}

const cache = new Map<string, Promise<Bundle>>();

/** The browser entry point `name` (a file in `browser/`), e.g. `"replay_main.ts"`. */
export function browserEntry(name: string): string {
  return new URL(`./browser/${name}`, import.meta.url).pathname;
}

/**
 * Bundles (and caches for the life of the process) the browser entry point `name`.
 * @throws Error with the bundler's messages.
 */
export function bundleBrowser(name: string, options: { minify?: boolean } = {}): Promise<Bundle> {
  const key = `${name}:${options.minify ?? true}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = build(name, options.minify ?? true);
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

async function build(name: string, minify: boolean): Promise<Bundle> {
  const entry = browserEntry(name);
  if (typeof (Deno as { bundle?: unknown }).bundle !== "function") {
    throw new Error(
      `bundling ${name} for the browser needs Deno's unstable bundler: run with ` +
        "--unstable-bundle (the deno.json of this repository enables it for every task)",
    );
  }
  const result = await Deno.bundle({
    entrypoints: [entry],
    outputDir: new URL("./.bundle-out/", import.meta.url).pathname,
    write: false,
    format: "esm",
    platform: "browser",
    minify,
  });
  if (!result.success || !result.outputFiles) {
    const why = result.errors.map((e) => e.text).join("; ");
    throw new Error(`bundling ${name} for the browser failed: ${why}`);
  }
  const decoder = new TextDecoder();
  let js = "", css = "";
  for (const f of result.outputFiles) {
    const text = f.text ? f.text() : decoder.decode(f.contents);
    if (f.path.endsWith(".css")) css += text;
    else if (f.path.endsWith(".js")) js += text;
  }
  return { js, css };
}

/** `code` made safe to place inside an inline `<script>` element. */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}
