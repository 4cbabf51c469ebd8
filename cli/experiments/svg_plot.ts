/**
 * Self-contained SVG line charts for comparisons: several series, each a line with a
 * shaded confidence band, an optional marked point with an error bar (the final
 * evaluation), a horizontal reference line (the threshold), labelled axes with "nice"
 * ticks (1, 2 or 5 × 10ᵏ, about seven per axis) and a legend beside the plot. Pure string
 * building: no Deno APIs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineChart } from "./svg_plot.ts";
 * const svg = lineChart({
 *   title: "CartPole-v1",
 *   xLabel: "environment steps",
 *   yLabel: "return",
 *   series: [{ label: "ppo", points: [{ x: 0, y: 10, lo: 5, hi: 15 }, { x: 100, y: 50, lo: 40, hi: 60 }] }],
 *   hLine: { y: 475, label: "threshold 475" },
 * });
 * assert.ok(svg.startsWith("<svg") && svg.includes("ppo") && svg.includes("threshold 475"));
 * ```
 * @module
 */

/** One point of a series, with its interval. */
export interface PlotPoint {
  /** x. */
  x: number;
  /** y (the line). */
  y: number;
  /** Lower end of the band (optional). */
  lo?: number;
  /** Upper end of the band (optional). */
  hi?: number;
}

/** One series. */
export interface Series {
  /** Legend text. */
  label: string;
  /** The line, in x order. */
  points: PlotPoint[];
  /** A point marked with a diamond and an error bar, e.g. the final evaluation. */
  marker?: PlotPoint;
  /** Draw the line as steps (a performance profile) instead of straight segments. */
  step?: boolean;
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  /** Title above the plot. */
  title: string;
  /** x-axis label. */
  xLabel: string;
  /** y-axis label. */
  yLabel: string;
  /** The series. */
  series: Series[];
  /** A dashed horizontal reference line. */
  hLine?: { y: number; label: string };
  /** Fixed y range (default: from the data). */
  yRange?: [number, number];
  /** Start the x axis at 0 (when the data are non-negative). */
  xFromZero?: boolean;
  /** A note under the legend (e.g. what the bands are). */
  note?: string;
  /** Width (default 820). */
  width?: number;
  /** Height (default 420). */
  height?: number;
}

/** A colour-blind-safe palette (Okabe–Ito), then greys. */
export const PALETTE: readonly string[] = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
  "#F0E442",
];

/** Escapes text for XML. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A "nice" tick step for `span`: the smallest of 1, 2, 2.5 or 5 × 10ᵏ that gives at most
 * `ticks` intervals (so between about `ticks`/2.5 and `ticks` of them).
 */
export function niceStep(span: number, ticks: number): number {
  const raw = span / Math.max(1, ticks);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= raw * (1 - 1e-12)) return m * pow;
  return 10 * pow;
}

/** Tick values from `lo` to `hi` at a nice step. */
export function ticks(lo: number, hi: number, count = 7): number[] {
  const step = niceStep(hi - lo, count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

/** A tick label: `12k`, `1.5M`, `0.25`. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(3)}`;
}

const f = (v: number) => v.toFixed(1);

/** Renders the chart (see the module doc). */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 880;
  const height = o.height ?? 420;
  const legendW = 270;
  const pad = { left: 70, right: legendW + 20, top: 40, bottom: 50 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series) {
    for (const p of [...s.points, ...(s.marker ? [s.marker] : [])]) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      xs.push(p.x);
      ys.push(p.y);
      if (p.lo !== undefined && Number.isFinite(p.lo)) ys.push(p.lo);
      if (p.hi !== undefined && Number.isFinite(p.hi)) ys.push(p.hi);
    }
  }
  if (o.hLine) ys.push(o.hLine.y);
  let xMin = xs.length ? Math.min(...xs) : 0;
  let xMax = xs.length ? Math.max(...xs) : 1;
  if (xMin > 0 && (o.xFromZero || xMin < (xMax - xMin) * 0.2)) xMin = 0;
  if (xMax - xMin < 1e-12) {
    xMin -= 1;
    xMax += 1;
  }
  let [yMin, yMax] = o.yRange ?? [ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1];
  if (yMax - yMin < 1e-12) {
    yMin -= 1;
    yMax += 1;
  }
  if (!o.yRange) {
    const m = (yMax - yMin) * 0.04;
    yMin -= m;
    yMax += m;
  }
  const sx = (x: number) => pad.left + (x - xMin) / (xMax - xMin) * plotW;
  const sy = (y: number) => pad.top + (1 - (y - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${pad.left + plotW / 2}" y="22" text-anchor="middle" font-size="14">${
      escapeXml(o.title)
    }</text>`,
    `<clipPath id="plot"><rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}"/></clipPath>`,
  ];
  for (const y of ticks(yMin, yMax, 8)) {
    parts.push(
      `<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${f(sy(y))}" y2="${
        f(sy(y))
      }" stroke="#e6e6e6"/>`,
      `<text x="${pad.left - 6}" y="${f(sy(y) + 4)}" text-anchor="end">${formatTick(y)}</text>`,
    );
  }
  for (const x of ticks(xMin, xMax, 10)) {
    parts.push(
      `<line x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${pad.top}" y2="${
        pad.top + plotH
      }" stroke="#f0f0f0"/>`,
      `<text x="${f(sx(x))}" y="${pad.top + plotH + 16}" text-anchor="middle">${
        formatTick(x)
      }</text>`,
    );
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${pad.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${
      escapeXml(o.xLabel)
    }</text>`,
    `<text transform="translate(16 ${pad.top + plotH / 2}) rotate(-90)" text-anchor="middle">${
      escapeXml(o.yLabel)
    }</text>`,
  );
  const body: string[] = [];
  const markers: string[] = []; // drawn above the clipped lines: one at the edge shows whole
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const band = pts.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    const path = (list: PlotPoint[], key: "y" | "lo" | "hi") => {
      const out: string[] = [];
      list.forEach((p, k) => {
        const y = f(sy(p[key]!));
        if (k === 0) out.push(`M${f(sx(p.x))} ${y}`);
        else if (s.step) out.push(`H${f(sx(p.x))} V${y}`);
        else out.push(`L${f(sx(p.x))} ${y}`);
      });
      return out.join(" ");
    };
    if (band.length > 1) {
      const upper = path(band, "hi");
      const last = band[band.length - 1];
      const lower = s.step
        ? `L${f(sx(last.x))} ${f(sy(last.lo!))} ` +
          band.slice(0, -1).reverse().map((p) => `V${f(sy(p.lo!))} H${f(sx(p.x))}`).join(" ")
        : [...band].reverse().map((p) => `L${f(sx(p.x))} ${f(sy(p.lo!))}`).join(" ");
      body.push(
        `<path d="${upper} ${lower} Z" fill="${color}" fill-opacity="0.18" stroke="none"/>`,
      );
    }
    if (pts.length > 0) {
      body.push(
        `<path d="${path(pts, "y")}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
    }
    if (s.marker && Number.isFinite(s.marker.y)) {
      const mx = sx(s.marker.x), my = sy(s.marker.y);
      if (Number.isFinite(s.marker.lo) && Number.isFinite(s.marker.hi)) {
        markers.push(
          `<line x1="${f(mx)}" x2="${f(mx)}" y1="${f(sy(s.marker.lo!))}" y2="${
            f(sy(s.marker.hi!))
          }" stroke="${color}" stroke-width="2"/>`,
        );
      }
      markers.push(
        `<path d="M${f(mx)} ${f(my - 6)} L${f(mx + 6)} ${f(my)} L${f(mx)} ${f(my + 6)} L${
          f(mx - 6)
        } ${f(my)} Z" fill="${color}" stroke="white"/>`,
      );
    }
  });
  parts.push(`<g clip-path="url(#plot)">`, ...body, `</g>`, ...markers);
  if (o.hLine) {
    const y = sy(o.hLine.y);
    parts.push(
      `<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${f(y)}" y2="${
        f(y)
      }" stroke="#c33" stroke-dasharray="6 4"/>`,
      `<text x="${pad.left + plotW - 4}" y="${
        f(y - 4 < pad.top + 12 ? y + 14 : y - 4)
      }" text-anchor="end" fill="#c33">${escapeXml(o.hLine.label)}</text>`,
    );
  }
  // Legend, to the right of the plot.
  const lx = pad.left + plotW + 16;
  let ly = pad.top + 6;
  parts.push(`<g font-size="11">`);
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    parts.push(
      `<rect x="${lx}" y="${ly}" width="18" height="10" fill="${color}" fill-opacity="0.25" stroke="${color}"/>`,
      `<text x="${lx + 24}" y="${ly + 9}">${escapeXml(truncate(s.label, 42))}</text>`,
    );
    ly += 18;
  });
  if (o.series.some((s) => s.marker)) {
    parts.push(
      `<path d="M${lx + 9} ${ly} L${lx + 15} ${ly + 6} L${lx + 9} ${ly + 12} L${lx + 3} ${
        ly + 6
      } Z" fill="#555"/>`,
      `<text x="${lx + 24}" y="${ly + 10}">final evaluation (95 % CI)</text>`,
    );
    ly += 18;
  }
  if (o.note) {
    for (const line of o.note.split("\n")) {
      parts.push(`<text x="${lx}" y="${ly + 10}" fill="#555">${escapeXml(line)}</text>`);
      ly += 14;
    }
  }
  parts.push(`</g>`, "</svg>");
  return parts.join("\n") + "\n";
}

function truncate(text: string, n: number): string {
  return text.length <= n ? text : text.slice(0, n - 1) + "…";
}
