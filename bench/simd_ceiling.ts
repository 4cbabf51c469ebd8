/**
 * The measured 128-bit WebAssembly SIMD ceiling of one core: the rate at which this
 * machine's V8 retires `f32x4.mul` + `f32x4.add` pairs when nothing else limits it.
 *
 * The loop keeps {@link ACCUMULATORS} independent chains in registers, half of them
 * multiplies and half adds (plain `f32x4.mul`/`f32x4.add`, no fused multiply-add, as the
 * matmul kernels use), enough of them to hide the latency of both instructions, and touches
 * no memory. FLOPs counted: 4 lanes per instruction. The best of several timing windows is
 * kept (the figure is a ceiling).
 *
 * The module is built from WAT text with the npm package `wabt` (a development tool, loaded
 * only by benchmarks), so the clock read from `/proc/cpuinfo` — which can be far from the
 * running clock under frequency scaling — plays no part in the ceiling.
 * @module
 */
// deno-lint-ignore-file no-import-prefix
import wabtInit from "npm:wabt@1.0.39";

/**
 * Independent chains of the loop: half multiply (`a ← a·m`), half add (`b ← b + c`), so
 * that both kinds of SIMD pipe stay busy; 12 chains plus m and c fit in x86-64's 16 XMM
 * registers.
 */
export const ACCUMULATORS = 12;

function wat(): string {
  const names = Array.from({ length: ACCUMULATORS }, (_, i) => `$a${i}`);
  const locals = names.map((n) => `(local ${n} v128)`).join(" ");
  const init = names.map((n, i) =>
    `(local.set ${n} (f32x4.splat (f32.const ${(1 + i / 100).toFixed(3)})))`
  ).join("\n    ");
  const body = names.map((n, i) =>
    i % 2 === 0
      ? `(local.set ${n} (f32x4.mul (local.get ${n}) (local.get $m)))`
      : `(local.set ${n} (f32x4.add (local.get ${n}) (local.get $c)))`
  ).join("\n        ");
  let sum = "(local.get $a0)";
  for (const n of names.slice(1)) sum = `(f32x4.add ${sum} (local.get ${n}))`;
  return `(module
  (func (export "run") (param $n i32) (result f32)
    ${locals} (local $m v128) (local $c v128) (local $s v128)
    (local.set $m (f32x4.splat (f32.const 0.9999999)))
    (local.set $c (f32x4.splat (f32.const 0.0000001)))
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
  /** Loop iterations per timing window. */
  iterations: number;
  /** Timing windows tried. */
  windows: number;
}

/** Measures the ceiling; `windows` timing windows of `iterations` loop iterations each. */
export async function measureSimdCeiling(
  windows = 7,
  iterations = 20_000_000,
): Promise<SimdCeiling> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat("ceiling.wat", wat(), { simd: true });
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(buffer)));
  const run = instance.exports.run as (n: number) => number;
  run(100_000); // tier up
  let best = Infinity;
  let sink = 0;
  for (let w = 0; w < windows; w++) {
    const t0 = performance.now();
    sink += run(iterations);
    best = Math.min(best, performance.now() - t0);
  }
  if (!Number.isFinite(sink)) throw new Error("simd ceiling: the loop diverged");
  const flops = iterations * 2 * ACCUMULATORS * 4; // body twice per iteration, 4 lanes
  return { gflops: flops / (best * 1e6), iterations, windows };
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const result = await measureSimdCeiling(quick ? 3 : 7, quick ? 5_000_000 : 20_000_000);
  console.log(
    `measured 128-bit SIMD ceiling (f32x4 mul + add): ${result.gflops.toFixed(1)} GFLOP/s`,
  );
  console.log(JSON.stringify({ simdCeilingGflops: Number(result.gflops.toFixed(2)) }));
}
