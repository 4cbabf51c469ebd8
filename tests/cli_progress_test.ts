/**
 * The progress line: fits narrow terminals, labels the return, shows elapsed time, and a
 * finished run's last line says 100% even when throttling skipped the final update.
 * @module
 */
import assert from "node:assert/strict";
import { formatProgress, ProgressPrinter, type ProgressState } from "../cli/progress.ts";

const state: ProgressState = {
  timesteps: 51_200,
  totalTimesteps: 100_000,
  sps: 35_466,
  meanReturn: 187.25,
  returnWindow: 20,
  elapsedSeconds: 1.4,
};

Deno.test("progress: the full line labels the return window and shows elapsed time", () => {
  const line = formatProgress(state);
  assert.match(line, /mean return 187\.3, last 20 ep/);
  assert.match(line, /1s elapsed, eta 1s/);
  assert.match(line, / 51% 51200\/100000 steps/);
});

Deno.test("progress: every width from 20 to 140 columns gets a line that fits", () => {
  for (let width = 20; width <= 140; width++) {
    const line = formatProgress(state, width);
    assert.ok(line.length <= width, `${line.length} > ${width}: ${line}`);
    assert.match(line, /51%/, `width ${width}`);
  }
  assert.ok(formatProgress(state, 59).includes("eta"), "a 60-column terminal keeps the eta");
});

Deno.test("progress: finish() prints the throttled final state (100%)", () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    const printer = new ProgressPrinter(false, 60_000);
    printer.update({ ...state, timesteps: 1000 });
    printer.update({ ...state, timesteps: 100_000 }); // throttled
    printer.finish();
  } finally {
    console.log = original;
  }
  if (Deno.stdout.isTerminal()) return; // the test runner's stdout is normally a pipe
  assert.equal(lines.length, 2);
  assert.match(lines[1], /100% 100000\/100000 steps/);
});
