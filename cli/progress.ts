/**
 * The live progress line of `deno task train`: a bar, timesteps, steps per second, the
 * mean return of the recent episodes (the statistics window), elapsed and remaining time. On a terminal the line is redrawn in
 * place; otherwise (CI, pipes) a plain line is printed at most every few seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./progress.ts";
 * const line = formatProgress({ timesteps: 5000, totalTimesteps: 10000, sps: 2500, meanReturn: 42 });
 * assert.match(line, / 50% 5000\/10000 steps/);
 * assert.ok(formatProgress({ timesteps: 1, totalTimesteps: 2, sps: 1, meanReturn: 1 }, 40).length <= 40);
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
  /** Mean undiscounted return of recent episodes (NaN before the first episode ends). */
  meanReturn: number;
  /** How many recent episodes `meanReturn` averages (the statistics window). */
  returnWindow?: number;
  /** Seconds since training started. */
  elapsedSeconds?: number;
}

/** Formats seconds as `1m05s` / `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * One progress line (no terminal control characters) at most `width` characters wide:
 * the bar narrows and the least important fields go first when the terminal is narrow.
 */
export function formatProgress(p: ProgressState, width = Infinity): string {
  const frac = p.totalTimesteps > 0 ? Math.min(1, p.timesteps / p.totalTimesteps) : 0;
  const eta = p.sps > 0 ? (p.totalTimesteps - p.timesteps) / p.sps : NaN;
  const ret = Number.isFinite(p.meanReturn) ? p.meanReturn.toFixed(1) : "–";
  const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
  const steps = `${p.timesteps}/${p.totalTimesteps} steps`;
  const sps = `${Math.round(p.sps)} sps`;
  const window = p.returnWindow === undefined ? "" : `, last ${p.returnWindow} ep`;
  const returnLong = `mean return ${ret}${window}`;
  const returnShort = `ret ${ret}`;
  const time = p.elapsedSeconds === undefined
    ? `eta ${formatDuration(eta)}`
    : `${formatDuration(p.elapsedSeconds)} elapsed, eta ${formatDuration(eta)}`;
  const bar = (n: number) =>
    "█".repeat(Math.round(frac * n)) + "░".repeat(n - Math.round(frac * n));
  // From the fullest line to the barest; the first that fits is shown.
  const variants = [
    [bar(24), pct, `${steps} | ${sps} | ${returnLong} | ${time}`],
    [bar(12), pct, `${steps} | ${sps} | ${returnLong} | ${time}`],
    [bar(12), pct, `${steps} | ${sps} | ${returnShort} | eta ${formatDuration(eta)}`],
    [pct, `${steps} | ${returnShort} | eta ${formatDuration(eta)}`],
    [pct, `${p.timesteps} | ${returnShort}`],
  ].map((parts) => parts.join(" "));
  const fit = variants.find((line) => line.length <= width);
  return fit ?? variants.at(-1)!.slice(0, Math.max(0, width));
}

/**
 * Prints progress lines: on a terminal one line redrawn in place, never wider than the
 * terminal; elsewhere (CI, pipes) a plain line at most every `intervalMs`. The final state
 * is always shown ({@link ProgressPrinter.finish}), so a finished run ends at 100%.
 */
export class ProgressPrinter {
  #lastPrint = -Infinity;
  #pending: ProgressState | null = null;
  readonly #tty: boolean;
  readonly #encoder = new TextEncoder();

  /** `quiet`: print nothing. `intervalMs`: the least time between two lines off a terminal. */
  constructor(readonly quiet = false, readonly intervalMs = 2000) {
    this.#tty = Deno.stdout.isTerminal();
  }

  /** Shows the state (maybe: throttled unless `force`; a throttled state is kept for `finish`). */
  update(p: ProgressState, force = false): void {
    if (this.quiet) return;
    const now = performance.now();
    const interval = this.#tty ? 100 : this.intervalMs;
    if (!force && now - this.#lastPrint < interval) {
      this.#pending = p;
      return;
    }
    this.#pending = null;
    this.#lastPrint = now;
    if (this.#tty) {
      const columns = Deno.consoleSize().columns;
      const line = formatProgress(p, Math.max(1, columns - 1));
      Deno.stdout.writeSync(this.#encoder.encode(`\r\x1b[2K${line}`));
    } else console.log(formatProgress(p));
  }

  /** Prints the last state if it was throttled away, then ends the in-place line. */
  finish(): void {
    if (this.quiet) return;
    if (this.#pending !== null) this.update(this.#pending, true);
    if (this.#tty) Deno.stdout.writeSync(this.#encoder.encode("\n"));
  }
}
