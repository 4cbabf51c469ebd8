/**
 * The frame format: what an environment draws, as plain JSON data a browser can paint.
 *
 * A {@link Frame} is a {@link Viewport} (a rectangle of the environment's own world
 * coordinates, **y pointing up**) and a list of {@link Shape}s drawn in order: lines,
 * polylines, polygons, circles and text. Sizes (stroke widths, radii, text heights) are in
 * world units too, so a frame scales to any picture size. Colours are CSS colour strings.
 *
 * An environment offers frames through an optional `renderFrame()` method
 * ({@link RenderableEnv}); {@link renderFrameOf} finds it through any stack of wrappers.
 * Frames are built from the current state by a few arithmetic operations and allocate a
 * handful of small objects, so recording one every step costs little next to the policy.
 * Frames cross Worker boundaries and files unchanged (they are JSON); `parseFrame`
 * validates one that came from a plugin
 * (`render_schema.ts`, kept apart so that browser bundles of this file carry no Zod).
 *
 * {@link frameToSvg} turns a frame into an SVG picture: world (x, y) maps to SVG
 * (x − xMin, yMax − y), with the viewBox the viewport's size, so the same numbers serve
 * both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Frame, frameToSvg } from "./render.ts";
 * const frame: Frame = {
 *   viewport: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 },
 *   shapes: [{ type: "circle", x: 0, y: 0, r: 0.5, fill: "#c44" }],
 * };
 * assert.match(frameToSvg(frame), /<circle/);
 * ```
 * @module
 */
import type { Env } from "./types.ts";

/** The rectangle of world coordinates a frame shows (y up). */
export interface Viewport {
  /** Left edge. */
  xMin: number;
  /** Right edge. */
  xMax: number;
  /** Bottom edge. */
  yMin: number;
  /** Top edge. */
  yMax: number;
}

/** Paint of a shape; absent fields are not painted (no fill, no stroke). */
export interface Style {
  /** CSS fill colour. */
  fill?: string;
  /** CSS stroke colour. */
  stroke?: string;
  /** Stroke width in world units (default: 1/200 of the viewport's width). */
  width?: number;
  /** Opacity in [0, 1] (default 1). */
  opacity?: number;
}

/** A straight segment from (x1, y1) to (x2, y2). */
export interface LineShape extends Style {
  /** Discriminant. */
  type: "line";
  /** Start x. */
  x1: number;
  /** Start y. */
  y1: number;
  /** End x. */
  x2: number;
  /** End y. */
  y2: number;
}

/** An open path through `points` = [x0, y0, x1, y1, …]. */
export interface PolylineShape extends Style {
  /** Discriminant. */
  type: "polyline";
  /** Flat list of coordinates, x then y. */
  points: number[];
}

/** A closed polygon through `points` = [x0, y0, x1, y1, …]. */
export interface PolygonShape extends Style {
  /** Discriminant. */
  type: "polygon";
  /** Flat list of coordinates, x then y. */
  points: number[];
}

/** A circle of radius `r` centred on (x, y). */
export interface CircleShape extends Style {
  /** Discriminant. */
  type: "circle";
  /** Centre x. */
  x: number;
  /** Centre y. */
  y: number;
  /** Radius (world units). */
  r: number;
}

/** A line of text whose baseline starts (or centres, or ends) at (x, y). */
export interface TextShape extends Style {
  /** Discriminant. */
  type: "text";
  /** Anchor x. */
  x: number;
  /** Baseline y. */
  y: number;
  /** The text. */
  text: string;
  /** Height of the font (world units). */
  size: number;
  /** Horizontal anchor (default "start"). */
  anchor?: "start" | "middle" | "end";
}

/** One drawable primitive. */
export type Shape = LineShape | PolylineShape | PolygonShape | CircleShape | TextShape;

/** One picture of an environment's state. */
export interface Frame {
  /** The world rectangle shown. */
  viewport: Viewport;
  /** The shapes, painted in order (later ones on top). */
  shapes: Shape[];
  /** CSS background colour (default white). */
  background?: string;
  /** Playback rate suggested for a sequence of these frames (Gymnasium's `render_fps`). */
  fps?: number;
}

/** An environment that draws its current state as a {@link Frame}. */
export interface RenderableEnv extends Env {
  /** A picture of the current state (after `reset` or `step`). */
  renderFrame(): Frame;
}

/** True when `env` itself (not a wrapper around it) has a `renderFrame` method. */
export function isRenderable(env: Env): env is RenderableEnv {
  return typeof (env as Partial<RenderableEnv>).renderFrame === "function";
}

/**
 * The frame of `env`'s current state, looking through wrappers (their `env` field) for the
 * first environment with `renderFrame`; `undefined` when none renders.
 */
export function renderFrameOf(env: Env): Frame | undefined {
  let e: Env | undefined = env;
  for (let depth = 0; e !== undefined && depth < 64; depth++) {
    if (isRenderable(e)) return e.renderFrame();
    e = (e as { env?: Env }).env;
  }
  return undefined;
}

/** True when some environment in the wrapper stack of `env` renders frames. */
export function canRenderFrames(env: Env): boolean {
  let e: Env | undefined = env;
  for (let depth = 0; e !== undefined && depth < 64; depth++) {
    if (isRenderable(e)) return true;
    e = (e as { env?: Env }).env;
  }
  return false;
}

/** A number as short SVG text (4 decimals at most). */
function num(v: number): string {
  return String(Math.round(v * 10_000) / 10_000);
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function styleAttrs(s: Style, defaultWidth: number): string {
  let out = ` fill="${s.fill === undefined ? "none" : escapeXml(s.fill)}"`;
  if (s.stroke !== undefined) {
    out += ` stroke="${escapeXml(s.stroke)}" stroke-width="${num(s.width ?? defaultWidth)}"` +
      ` stroke-linecap="round" stroke-linejoin="round"`;
  }
  if (s.opacity !== undefined && s.opacity !== 1) out += ` opacity="${num(s.opacity)}"`;
  return out;
}

/** The SVG elements of a frame's shapes (no `<svg>` wrapper), in the viewBox of {@link frameToSvg}. */
export function frameShapesToSvg(frame: Frame): string {
  const { xMin, xMax, yMax } = frame.viewport;
  const X = (x: number) => num(x - xMin);
  const Y = (y: number) => num(yMax - y);
  const w = (xMax - xMin) / 200;
  const pts = (p: number[]) => {
    let s = "";
    for (let i = 0; i + 1 < p.length; i += 2) s += `${i ? " " : ""}${X(p[i])},${Y(p[i + 1])}`;
    return s;
  };
  let out = "";
  for (const s of frame.shapes) {
    switch (s.type) {
      case "line":
        out += `<line x1="${X(s.x1)}" y1="${Y(s.y1)}" x2="${X(s.x2)}" y2="${Y(s.y2)}"${
          styleAttrs({ stroke: "#000", ...s }, w)
        }/>`;
        break;
      case "polyline":
        out += `<polyline points="${pts(s.points)}"${styleAttrs({ stroke: "#000", ...s }, w)}/>`;
        break;
      case "polygon":
        out += `<polygon points="${pts(s.points)}"${styleAttrs(s, w)}/>`;
        break;
      case "circle":
        out += `<circle cx="${X(s.x)}" cy="${Y(s.y)}" r="${num(s.r)}"${styleAttrs(s, w)}/>`;
        break;
      case "text":
        out += `<text x="${X(s.x)}" y="${Y(s.y)}" font-size="${num(s.size)}" ` +
          `font-family="system-ui,sans-serif" text-anchor="${s.anchor ?? "start"}"${
            styleAttrs({ fill: "#000", ...s }, w)
          }>${escapeXml(s.text)}</text>`;
        break;
    }
  }
  return out;
}

/** Options of {@link frameToSvg}. */
export interface SvgOptions {
  /** Width attribute of the `<svg>` (default: none, the picture fills its container). */
  width?: number;
  /** Height attribute of the `<svg>`. */
  height?: number;
}

/** A complete `<svg>` picture of a frame. */
export function frameToSvg(frame: Frame, options: SvgOptions = {}): string {
  const { xMin, xMax, yMin, yMax } = frame.viewport;
  const size = (options.width !== undefined ? ` width="${options.width}"` : "") +
    (options.height !== undefined ? ` height="${options.height}"` : "");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(xMax - xMin)} ${
    num(yMax - yMin)
  }"${size}><rect width="100%" height="100%" fill="${escapeXml(frame.background ?? "#fff")}"/>${
    frameShapesToSvg(frame)
  }</svg>`;
}
