/**
 * Stored training traces: a short fixed-seed run's per-update metrics and a checksum of the
 * parameters, compared against a JSON fixture in `tests/data/traces/` within float32
 * tolerance. The guard of every speed change to the training step: an optimisation that
 * changes what is learned (beyond summation order) fails it.
 *
 * Set `ASCENT_RECORD_TRACE=1` to (re)write the fixture from the current code instead.
 * @module
 */
import assert from "node:assert/strict";
import { type AlgorithmName, createAgent, type UpdateMetrics } from "../algorithms/mod.ts";

/** One update of a trace. */
export interface TraceRow {
  update: number;
  policyLoss: number;
  valueLoss: number | null;
  entropy: number;
  approxKl: number | null;
  clipFraction: number | null;
  explainedVariance: number | null;
  /** Σ θ over all policy parameters after the update. */
  paramSum: number;
  /** Σ θ² over all policy parameters after the update. */
  paramSumSq: number;
}

/** A stored trace: the run's settings and its rows. */
export interface Trace {
  algo: string;
  config: Record<string, unknown>;
  totalTimesteps: number;
  rows: TraceRow[];
}

/** Runs `algo` with `config` for `totalTimesteps` and records one row per update. */
export async function recordTrace(
  algo: AlgorithmName,
  config: { env: string } & Record<string, unknown>,
  totalTimesteps: number,
): Promise<Trace> {
  const agent = createAgent(algo, config as Parameters<typeof createAgent>[1]);
  const rows: TraceRow[] = [];
  await agent.learn({
    totalTimesteps,
    callbacks: {
      onUpdateEnd: (m: UpdateMetrics) => {
        let paramSum = 0, paramSumSq = 0;
        for (const p of agent.policy.parameters()) {
          for (const v of p.data) {
            paramSum += v;
            paramSumSq += v * v;
          }
        }
        rows.push({
          update: m.update,
          policyLoss: m.policyLoss,
          valueLoss: m.valueLoss,
          entropy: m.entropy,
          approxKl: m.approxKl,
          clipFraction: m.clipFraction,
          explainedVariance: m.explainedVariance,
          paramSum,
          paramSumSq,
        });
      },
    },
  });
  await agent.close();
  return { algo, config, totalTimesteps, rows };
}

/**
 * `|a − b| ≤ abs + rel·max(|a|, |b|)` for every field of every row (null must match null).
 * Float32 tolerance: the kernels may sum in another order, so bits may differ.
 */
export function assertTraceClose(actual: Trace, expected: Trace, rel = 2e-4, abs = 2e-6): void {
  assert.equal(actual.rows.length, expected.rows.length, "number of updates");
  for (let i = 0; i < expected.rows.length; i++) {
    const e = expected.rows[i] as unknown as Record<string, number | null>;
    const a = actual.rows[i] as unknown as Record<string, number | null>;
    for (const key of Object.keys(e)) {
      const ev = e[key], av = a[key];
      if (ev === null || av === null) {
        assert.equal(av, ev, `update ${i + 1}, ${key}`);
        continue;
      }
      const tol = abs + rel * Math.max(Math.abs(ev), Math.abs(av));
      assert.ok(
        Math.abs(av - ev) <= tol,
        `update ${i + 1}, ${key}: ${av} vs stored ${ev} (|Δ| ${Math.abs(av - ev)} > ${tol})`,
      );
    }
  }
}

/** Compares the run against `fixture` (a URL), or rewrites it when ASCENT_RECORD_TRACE=1. */
export async function checkTrace(
  fixture: URL,
  algo: AlgorithmName,
  config: { env: string } & Record<string, unknown>,
  totalTimesteps: number,
): Promise<void> {
  const actual = await recordTrace(algo, config, totalTimesteps);
  if (Deno.env.get("ASCENT_RECORD_TRACE") === "1") {
    await Deno.writeTextFile(fixture, JSON.stringify(actual, null, 2) + "\n");
    return;
  }
  const expected: Trace = JSON.parse(await Deno.readTextFile(fixture));
  assert.deepEqual(actual.config, expected.config, "trace settings");
  assert.equal(actual.totalTimesteps, expected.totalTimesteps);
  assertTraceClose(actual, expected);
}
