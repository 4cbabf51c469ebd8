/**
 * The measured 128-bit WebAssembly SIMD ceiling of one core: the rate at which this
 * machine's V8 retires `f32x4.mul` + `f32x4.add` pairs when nothing else limits it.
 *
 * The loop is the matmul kernels' multiply-accumulate with its operands in registers:
 * `n` accumulators in a ring, each step `aᵢ ← aᵢ + aᵢ₊₁·m` (a plain `f32x4.mul` and a plain
 * `f32x4.add`, no fused multiply-add, as the kernels use). The multiply reads a neighbour, so
 * it does not wait for its own accumulator's add: each accumulator's chain is one add long
 * per step, and the pipes, not the latencies, bound the rate once `n` is large enough. How
 * large depends on the core and on V8's register allocation (past about 14 accumulators
 * V8 spills to memory), so every `n` in {@link CHAIN_COUNTS} is timed and the fastest kept:
 * a ceiling is a best case. A chain-per-accumulator loop (`a ← a·m`, `b ← b + c`) is
 * latency-bound on 16 XMM registers and reads low (its rate grows with `n` up to the
 * register limit); this form is not. FLOPs counted: 4 lanes per instruction.
 *
 * The module is built from WAT text with the npm package `wabt` (a development tool, loaded
 * only by benchmarks), so the clock read from `/proc/cpuinfo` — which can be far from the
 * running clock under frequency scaling — plays no part in the ceiling.
 * @module
 */
// deno-lint-ignore-file no-import-prefix
import wabtInit from "npm:wabt@1.0.39";

/** Accumulator counts timed; the fastest one gives the ceiling. */
export const CHAIN_COUNTS: readonly number[] = [8, 10, 12, 13, 14];

/** The loop with `chains` accumulators, its body written twice per iteration. */
function wat(chains: number): string {
  const names = Array.from({ length: chains }, (_, i) => `$a${i}`);
  const locals = names.map((n) => `(local ${n} v128)`).join(" ");
  const init = names.map((n, i) =>
    `(local.set ${n} (f32x4.splat (f32.const ${(1 + i / 100).toFixed(3)})))`
  ).join("\n    ");
  const body = names.map((n, i) =>
    `(local.set ${n} (f32x4.add (local.get ${n}) ` +
    `(f32x4.mul (local.get ${names[(i + 1) % chains]}) (local.get $m))))`
  ).join("\n        ");
  let sum = "(local.get $a0)";
  for (const n of names.slice(1)) sum = `(f32x4.add ${sum} (local.get ${n}))`;
  return `(module
  (func (export "run") (param $n i32) (result f32)
    ${locals} (local $m v128) (local $s v128)
    (local.set $m (f32x4.splat (f32.const 0.00000001)))
    ${init}
    (block $done
      (loop $top
        ${body}
        ${body}
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $top (i32.gt_s (local.get $n) (i32.const 0)))))
    (local.set $s ${sum})
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
      (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s))))))`;
}

/** What {@link measureSimdCeiling} reports. */
export interface SimdCeiling {
  /** Best measured rate, GFLOP/s (f32, one core). */
  gflops: number;
  /** The accumulator count that gave it. */
  chains: number;
  /** Best rate per accumulator count, GFLOP/s. */
  byChains: Record<number, number>;
  /** Multiply-accumulate steps per timing window. */
  steps: number;
  /** Timing windows tried per accumulator count. */
  windows: number;
}

/**
 * Measures the ceiling: for each accumulator count, `windows` timing windows of about
 * `steps` multiply-accumulate steps (mul + add, 8 FLOPs) each.
 */
export async function measureSimdCeiling(
  windows = 7,
  steps = 240_000_000,
): Promise<SimdCeiling> {
  const wabt = await wabtInit();
  const byChains: Record<number, number> = {};
  for (const chains of CHAIN_COUNTS) {
    const parsed = wabt.parseWat("ceiling.wat", wat(chains), { simd: true });
    const { buffer } = parsed.toBinary({});
    parsed.destroy();
    const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(buffer)));
    const run = instance.exports.run as (n: number) => number;
    run(100_000); // tier up
    const iterations = Math.max(1, Math.round(steps / (2 * chains)));
    let best = Infinity;
    let sink = 0;
    for (let w = 0; w < windows; w++) {
      const t0 = performance.now();
      sink += run(iterations);
      best = Math.min(best, performance.now() - t0);
    }
    if (!Number.isFinite(sink)) throw new Error("simd ceiling: the loop diverged");
    const flops = iterations * 2 * chains * 8; // body twice per iteration; mul + add, 4 lanes
    byChains[chains] = flops / (best * 1e6);
  }
  const [chains, gflops] = Object.entries(byChains).map(([n, g]) => [Number(n), g])
    .reduce((a, b) => (b[1] > a[1] ? b : a));
  return { gflops, chains, byChains, steps, windows };
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const result = await measureSimdCeiling(quick ? 3 : 7, quick ? 60_000_000 : 240_000_000);
  const rates = Object.entries(result.byChains).map(([n, g]) => `${n}: ${g.toFixed(1)}`);
  console.log(
    `measured 128-bit SIMD ceiling (f32x4 mul + add): ${result.gflops.toFixed(1)} GFLOP/s ` +
      `with ${result.chains} accumulators (GFLOP/s by accumulators: ${rates.join(", ")})`,
  );
  console.log(JSON.stringify({
    simdCeilingGflops: Number(result.gflops.toFixed(2)),
    chains: result.chains,
  }));
}
