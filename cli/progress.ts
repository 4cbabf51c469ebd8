/**
 * The live progress line of `deno task train`: a bar, timesteps, steps per second, the
 * recent mean return and the estimated time left. On a terminal the line is redrawn in
 * place; otherwise (CI, pipes) a plain line is printed at most every few seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./progress.ts";
 * const line = formatProgress({ timesteps: 5000, totalTimesteps: 10000, sps: 2500, meanReturn: 42 });
 * assert.ok(line.includes("50%"));
 * ```
 * @module
 */

/** What one progress line shows. */
export interface ProgressState {
  /** Environment steps done. */
  timesteps: number;
  /** Environment steps planned. */
  totalTimesteps: number;
  /** Environment steps per second so far. */
  sps: number;
  /** Mean return of recent episodes (NaN before the first episode ends). */
  meanReturn: number;
}

/** Formats seconds as `1m05s` / `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** One progress line (no terminal control characters). */
export function formatProgress(p: ProgressState, barWidth = 24): string {
  const frac = p.totalTimesteps > 0 ? Math.min(1, p.timesteps / p.totalTimesteps) : 0;
  const filled = Math.round(frac * barWidth);
  const bar = "█".repeat(filled) + "░".repeat(barWidth - filled);
  const eta = p.sps > 0 ? (p.totalTimesteps - p.timesteps) / p.sps : NaN;
  const ret = Number.isFinite(p.meanReturn) ? p.meanReturn.toFixed(1) : "–";
  return `${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${p.timesteps}/${p.totalTimesteps} steps` +
    ` | ${Math.round(p.sps)} sps | return ${ret} | eta ${formatDuration(eta)}`;
}

/** Prints progress lines, redrawn in place on a terminal and throttled elsewhere. */
export class ProgressPrinter {
  #lastPrint = -Infinity;
  readonly #tty: boolean;
  readonly #encoder = new TextEncoder();

  /** `intervalMs`: the least time between two lines when not on a terminal. */
  constructor(readonly quiet = false, readonly intervalMs = 2000) {
    this.#tty = Deno.stdout.isTerminal();
  }

  /** Shows the state (maybe: throttled unless `force`). */
  update(p: ProgressState, force = false): void {
    if (this.quiet) return;
    const now = performance.now();
    const interval = this.#tty ? 100 : this.intervalMs;
    if (!force && now - this.#lastPrint < interval) return;
    this.#lastPrint = now;
    const line = formatProgress(p);
    if (this.#tty) Deno.stdout.writeSync(this.#encoder.encode(`\r\x1b[2K${line}`));
    else console.log(line);
  }

  /** Ends the in-place line. */
  finish(): void {
    if (!this.quiet && this.#tty) Deno.stdout.writeSync(this.#encoder.encode("\n"));
  }
}
