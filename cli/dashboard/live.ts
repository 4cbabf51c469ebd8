/**
 * The live policy page: `policy.onnx` acting in the browser (see `browser/live_main.ts`),
 * served from 127.0.0.1 by `deno task render RUN_DIR --live` (and by the dashboard under
 * `/live/<run>/`).
 *
 * Routes, relative to the page: `./` the page (environment code and player bundled inline),
 * `./policy.onnx` the run's model, `/ort/<file>` onnxruntime-web's modules and `.wasm`.
 * @module
 */
import { bundleBrowser, inlineScript } from "./bundle.ts";
import { PAGE_CSS } from "./browser/styles.ts";

/** What the live page runs. */
export interface LiveOptions {
  /** Environment id. */
  envId: string;
  /** Episodes. */
  episodes: number;
  /** Seed of episode 0 (episode i: seed + i, as `deno task infer`). */
  seed: number;
  /** Heading. */
  title: string;
  /** Second line. */
  subtitle: string;
  /** Step as fast as possible (default: at the environment's frame rate). */
  fast?: boolean;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The live page's HTML. */
export async function liveHtml(options: LiveOptions): Promise<string> {
  const { js } = await bundleBrowser("live_main.ts");
  const config = JSON.stringify({ fast: false, ...options });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(options.title)} · Ascent live policy</title>
<style>${PAGE_CSS}
main { max-width: 980px; margin: 0 auto; }</style></head>
<body><header class="top"><h1>Ascent</h1><span class="muted">policy.onnx running in this page</span></header>
<main>
<section class="card"><p id="provider" class="note">Loading ONNX Runtime…</p>
<div id="player"></div></section>
<section class="card"><h2>Episodes</h2>
<table class="runs"><thead><tr><th>episode</th><th>seed</th><th>return</th><th>length</th></tr></thead>
<tbody id="returns"></tbody></table>
<p class="muted">Compare: <code>deno task infer policy.onnx --env ${
    escapeHtml(options.envId)
  } --episodes ${options.episodes} --seed ${options.seed}</code></p></section>
</main>
<script type="application/json" id="live-config">${inlineScript(config)}</script>
<script type="module">${inlineScript(js)}</script>
</body></html>
`;
}
