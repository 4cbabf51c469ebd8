/**
 * A self-contained SVG plot of mean episode return against environment steps, written
 * next to `metrics.jsonl` so that a glance tells whether a run learned: the mean of the
 * recent episodes as a line, a band from their minimum to their maximum (when given), and
 * the periodic evaluations as points with ± one standard deviation (when given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningCurveSvg } from "./learning_curve.ts";
 * const svg = learningCurveSvg([{ timesteps: 0, meanReturn: 10 }, { timesteps: 100, meanReturn: 50 }], {
 *   title: "PPO on CartPole-v1",
 *   threshold: 475,
 * });
 * assert.ok(svg.startsWith("<svg"));
 * const banded = learningCurveSvg([
 *   { timesteps: 100, meanReturn: 50, min: 20, max: 90 },
 *   { timesteps: 200, meanReturn: 70, min: 40, max: 95 },
 * ], {
 *   title: "t",
 *   evaluations: [{ timesteps: 100, mean: 60, std: 5 }],
 * });
 * assert.ok(banded.includes("min–max of recent episodes") && banded.includes("<circle"));
 * ```
 * @module
 */

/** One point of the curve. */
export interface CurvePoint {
  /** Environment steps so far. */
  timesteps: number;
  /** Mean return of recent episodes. */
  meanReturn: number;
  /** Smallest return of the recent episodes (the band's lower edge). */
  min?: number | null;
  /** Largest return of the recent episodes (the band's upper edge). */
  max?: number | null;
}

/** One periodic evaluation, drawn as a point. */
export interface EvalPoint {
  /** Environment steps when it ran. */
  timesteps: number;
  /** Mean return. */
  mean: number;
  /** Standard deviation of the returns (an error bar). */
  std?: number;
}

/** Options of {@link learningCurveSvg}. */
export interface CurveOptions {
  /** Title shown above the plot. */
  title: string;
  /** A horizontal dashed line, e.g. the environment's reward threshold. */
  threshold?: number;
  /** Periodic evaluations, drawn as points with error bars. */
  evaluations?: EvalPoint[];
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 360). */
  height?: number;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A "nice" number for axis ticks (1, 2 or 5 times a power of ten). */
function niceStep(span: number, ticks: number): number {
  const raw = span / Math.max(1, ticks);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * pow;
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

/** Renders the learning curve as an SVG document. */
export function learningCurveSvg(points: CurvePoint[], options: CurveOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const pad = { left: 64, right: 16, top: 48, bottom: 44 };
  const finite = points.filter((p) => Number.isFinite(p.meanReturn));
  const xs = finite.map((p) => p.timesteps);
  const ys = finite.map((p) => p.meanReturn);
  if (options.threshold !== undefined) ys.push(options.threshold);
  const band = finite.filter((p) => Number.isFinite(p.min) && Number.isFinite(p.max));
  for (const p of band) ys.push(p.min!, p.max!);
  const evals = (options.evaluations ?? []).filter((e) => Number.isFinite(e.mean));
  for (const e of evals) {
    xs.push(e.timesteps);
    ys.push(e.mean - (e.std ?? 0), e.mean + (e.std ?? 0));
  }
  const xMax = Math.max(1, ...xs);
  let yMin = ys.length ? Math.min(...ys) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (yMax - yMin < 1e-9) {
    yMin -= 1;
    yMax += 1;
  }
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const sx = (x: number) => pad.left + (x / xMax) * plotW;
  const sy = (y: number) => pad.top + (1 - (y - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${
      escapeXml(options.title)
    }</text>`,
  ];
  const yStep = niceStep(yMax - yMin, 5);
  for (let y = Math.ceil(yMin / yStep) * yStep; y <= yMax + 1e-9; y += yStep) {
    parts.push(
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${sy(y)}" y2="${
        sy(y)
      }" stroke="#eee"/>`,
      `<text x="${pad.left - 6}" y="${sy(y) + 4}" text-anchor="end">${formatTick(y)}</text>`,
    );
  }
  const xStep = niceStep(xMax, 6);
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    parts.push(
      `<text x="${sx(x)}" y="${height - pad.bottom + 16}" text-anchor="middle">${
        formatTick(x)
      }</text>`,
    );
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${pad.left + plotW / 2}" y="${
      height - 8
    }" text-anchor="middle">environment steps</text>`,
    `<text transform="translate(14 ${
      pad.top + plotH / 2
    }) rotate(-90)" text-anchor="middle">mean episode return</text>`,
  );
  if (options.threshold !== undefined) {
    const y = sy(options.threshold);
    const labelY = y - 4 < pad.top + 12 ? y + 14 : y - 4;
    parts.push(
      `<line x1="${pad.left}" x2="${
        width - pad.right
      }" y1="${y}" y2="${y}" stroke="#c33" stroke-dasharray="5 4"/>`,
      `<text x="${width - pad.right - 4}" y="${labelY}" text-anchor="end" fill="#c33">threshold ${
        formatTick(options.threshold)
      }</text>`,
    );
  }
  if (band.length > 1) {
    const upper = band.map((p, i) =>
      `${i ? "L" : "M"}${sx(p.timesteps).toFixed(1)} ${sy(p.max!).toFixed(1)}`
    );
    const lower = [...band].reverse().map((p) =>
      `L${sx(p.timesteps).toFixed(1)} ${sy(p.min!).toFixed(1)}`
    );
    parts.push(
      `<path d="${upper.join(" ")} ${
        lower.join(" ")
      } Z" fill="#1f5fbf" fill-opacity="0.15" stroke="none"/>`,
    );
  }
  if (finite.length > 0) {
    const d = finite.map((p, i) =>
      `${i ? "L" : "M"}${sx(p.timesteps).toFixed(1)} ${sy(p.meanReturn).toFixed(1)}`
    ).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`);
  } else {
    parts.push(
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no finished episodes</text>`,
    );
  }
  for (const e of evals) {
    const x = sx(e.timesteps).toFixed(1);
    if (e.std) {
      parts.push(
        `<line x1="${x}" x2="${x}" y1="${sy(e.mean - e.std).toFixed(1)}" y2="${
          sy(e.mean + e.std).toFixed(1)
        }" stroke="#d55e00" stroke-width="1.5"/>`,
      );
    }
    parts.push(
      `<circle cx="${x}" cy="${sy(e.mean).toFixed(1)}" r="3.5" fill="#d55e00" stroke="white"/>`,
    );
  }
  const legend: [string, string][] = [[
    `<line x1="0" x2="18" y1="5" y2="5" stroke="#1f5fbf" stroke-width="2"/>`,
    "mean of recent episodes",
  ]];
  if (band.length > 1) {
    legend.push([
      `<rect width="18" height="10" fill="#1f5fbf" fill-opacity="0.15"/>`,
      "min–max of recent episodes",
    ]);
  }
  if (evals.length > 0) {
    legend.push([`<circle cx="9" cy="5" r="3.5" fill="#d55e00"/>`, "evaluation (mean ± std)"]);
  }
  // The legend, in a row between the title and the plot.
  let lx = pad.left;
  for (const [glyph, text] of legend) {
    parts.push(
      `<g transform="translate(${lx} ${
        pad.top - 15
      })">${glyph}<text x="24" y="9">${text}</text></g>`,
    );
    lx += 34 + text.length * 6;
  }
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
