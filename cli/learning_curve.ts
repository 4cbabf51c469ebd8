/**
 * A self-contained SVG plot of mean episode return against environment steps, written
 * next to `metrics.jsonl` so that a glance tells whether a run learned.
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
 * ```
 * @module
 */

/** One point of the curve. */
export interface CurvePoint {
  /** Environment steps so far. */
  timesteps: number;
  /** Mean return of recent episodes. */
  meanReturn: number;
}

/** Options of {@link learningCurveSvg}. */
export interface CurveOptions {
  /** Title shown above the plot. */
  title: string;
  /** A horizontal dashed line, e.g. the environment's reward threshold. */
  threshold?: number;
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
  const pad = { left: 64, right: 16, top: 36, bottom: 44 };
  const finite = points.filter((p) => Number.isFinite(p.meanReturn));
  const xs = finite.map((p) => p.timesteps);
  const ys = finite.map((p) => p.meanReturn);
  if (options.threshold !== undefined) ys.push(options.threshold);
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
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
