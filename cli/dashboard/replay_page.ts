/**
 * The two replay files `deno task render` writes:
 *
 * - {@link replayHtml}: one self-contained HTML page (styles, the bundled player and the
 *   episodes inline; it loads nothing from the network) with play/pause, a scrubber and the
 *   step's action, reward and return;
 * - {@link animatedSvg}: one SVG whose frames are shown in turn by a CSS animation (every
 *   frame is a `<g>` made visible for 1/fps s of a loop through the episode), with the step,
 *   action, reward and return written under the picture.
 * @module
 */
import { frameShapesToSvg } from "../../envs/render.ts";
import { bundleBrowser, inlineScript } from "./bundle.ts";
import { PAGE_CSS } from "./browser/styles.ts";
import { episodesToJson, type RecordedEpisode } from "./record.ts";

/** Headings of a replay. */
export interface ReplayMeta {
  /** Main heading (for example "ppo on CartPole-v1"). */
  title: string;
  /** Second line (run folder, seeds, policy). */
  subtitle: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The self-contained replay page. */
export async function replayHtml(episodes: RecordedEpisode[], meta: ReplayMeta): Promise<string> {
  const { js } = await bundleBrowser("replay_main.ts");
  const data = `{"title":${JSON.stringify(meta.title)},"subtitle":${
    JSON.stringify(meta.subtitle)
  },"episodes":${episodesToJson(episodes)}}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(meta.title)} · Ascent replay</title>
<style>${PAGE_CSS}
main { max-width: 980px; margin: 0 auto; }</style></head>
<body><header class="top"><h1>Ascent</h1><span class="muted">episode replay</span></header>
<main><section class="card" id="player"></section></main>
<script type="application/json" id="replay-data">${inlineScript(data)}</script>
<script type="module">${inlineScript(js)}</script>
</body></html>
`;
}

/** A number as short text. */
function short(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
}

/**
 * An animated SVG of `episode` (all of its frames, looping), `width` pixels wide, with a
 * caption line per frame.
 */
export function animatedSvg(episode: RecordedEpisode, title: string, width = 600): string {
  const frames = episode.frames;
  if (frames.length === 0) throw new Error("animatedSvg: the episode has no frames");
  const vp = frames[0].viewport;
  const w = vp.xMax - vp.xMin, h = vp.yMax - vp.yMin;
  const caption = h * 0.14;
  const fps = frames[0].fps ?? 30;
  const total = frames.length / fps;
  const share = 100 / frames.length;
  const num = (v: number) => String(Math.round(v * 10_000) / 10_000);
  const size = caption * 0.45;
  let body = "";
  for (let t = 0; t < frames.length; t++) {
    const f = frames[t];
    const a = t === 0 ? "—" : episode.actions[t - 1];
    const text = t === 0
      ? `step 0 / ${frames.length - 1} · seed ${episode.seed}`
      : `step ${t} / ${frames.length - 1} · action ${
        typeof a === "number" ? a : Array.isArray(a) ? `[${a.map(short).join(", ")}]` : a
      } · reward ${short(episode.rewards[t - 1])} · return ${short(episode.returns[t - 1])}`;
    body += `<g class="f" style="animation-delay:${num(t / fps)}s">${frameShapesToSvg(f)}<text x="${
      num(w / 2)
    }" y="${num(h + caption * 0.62)}" font-size="${
      num(size)
    }" text-anchor="middle" fill="#374151" font-family="system-ui,sans-serif">${
      escapeHtml(text)
    }</text></g>`;
  }
  const height = Math.round(width * (h + caption) / w);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${
    num(w)
  } ${num(h + caption)}"><title>${escapeHtml(title)}</title><style>
.f { visibility: hidden; animation: show ${num(total)}s step-end infinite; }
@keyframes show { 0% { visibility: visible; } ${
    num(share)
  }% { visibility: hidden; } 100% { visibility: hidden; } }
</style><rect width="100%" height="100%" fill="${
    escapeHtml(frames[0].background ?? "#fff")
  }"/><rect y="${num(h)}" width="${num(w)}" height="${num(caption)}" fill="#f3f4f6"/>${body}</svg>
`;
}
