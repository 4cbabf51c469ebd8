import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import {
  aggregateCurves,
  areaUnderCurve,
  bootstrapCi,
  fractionAbove,
  interpolate,
  iqm,
  mean,
  median,
  performanceProfile,
  quantile,
  std,
  summarize,
} from "../cli/experiments/statistics.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

Deno.test("statistics: mean, median, std and quantiles by hand", () => {
  close(mean([1, 2, 3, 10]), 4);
  close(median([5, 1, 3]), 3);
  close(median([4, 1, 3, 2]), 2.5);
  close(std([2, 4, 4, 4, 5, 5, 7, 9]), 2);
  close(quantile([1, 2, 3, 4, 5], 0.25), 2);
  close(quantile([10, 20], 0.5), 15);
  assert.ok(Number.isNaN(mean([])));
});

Deno.test("statistics: interquartile mean, hand-computed", () => {
  // n = 8: the 25 %-trimmed mean; sorted −50, 1, 2, 3, 4, 5, 6, 100 → mean(2, 3, 4, 5).
  close(iqm([100, 1, 2, 3, 4, 5, 6, -50]), 3.5);
  // n = 4: the middle two.
  close(iqm([0, 10, 20, 1000]), 15);
  // n = 3: masses 1/12, 1/3, 1/12 of the middle half → (a + 4b + c)/6.
  close(iqm([0, 6, 12]), 6);
  close(iqm([0, 3, 30]), (0 + 12 + 30) / 6);
  // n = 5: masses 0, 0.15, 0.2, 0.15, 0 (×2): the extremes drop out entirely.
  close(iqm([1, 2, 3, 4, 50]), 2 * (0.15 * 2 + 0.2 * 3 + 0.15 * 4));
  close(iqm([7]), 7);
  // Insensitive to the order and to a wild value in the outer quarters.
  close(iqm([1e9, 2, 3, 4, 5, 6, 7, -1e9]), iqm([0, 2, 3, 4, 5, 6, 7, 100]));
});

Deno.test("statistics: bootstrap intervals are seeded and cover the true mean at about 95 %", () => {
  const xs = [3, 1, 4, 1, 5, 9, 2, 6];
  assert.deepEqual(bootstrapCi([xs], mean, { seed: 7 }), bootstrapCi([xs], mean, { seed: 7 }));
  assert.notDeepEqual(bootstrapCi([xs], mean, { seed: 7 }), bootstrapCi([xs], mean, { seed: 8 }));
  // Synthetic data with a known mean: normal(μ = 2, σ = 1), n = 30 per experiment. The
  // percentile interval of the mean covers μ in close to 95 % of 400 experiments (the
  // binomial standard error at 95 % is 1.1 %; the percentile method runs slightly narrow at
  // this n, so the accepted band is [0.90, 0.98]); a 50 % interval covers far less often.
  const rng = new Rng(42);
  let covered95 = 0, covered50 = 0;
  const experiments = 400;
  for (let e = 0; e < experiments; e++) {
    const sample = Array.from({ length: 30 }, () => 2 + rng.normal());
    const [lo, hi] = bootstrapCi([sample], mean, { seed: e, reps: 1000 });
    if (lo <= 2 && 2 <= hi) covered95++;
    const [lo50, hi50] = bootstrapCi([sample], mean, { seed: e, reps: 1000, confidence: 0.5 });
    if (lo50 <= 2 && 2 <= hi50) covered50++;
  }
  const rate = covered95 / experiments;
  assert.ok(rate >= 0.90 && rate <= 0.98, `95 % interval covered the mean in ${rate}`);
  const rate50 = covered50 / experiments;
  assert.ok(rate50 >= 0.4 && rate50 <= 0.6, `50 % interval covered the mean in ${rate50}`);
});

Deno.test("statistics: the stratified bootstrap resamples each stratum on its own", () => {
  // Two strata with no spread inside each: every resample has the same pooled mean, so the
  // interval collapses to a point; an unstratified bootstrap of the pooled data would not.
  const [lo, hi] = bootstrapCi([[0, 0, 0], [10, 10, 10]], mean, { seed: 1 });
  close(lo, 5);
  close(hi, 5);
  const [plo, phi] = bootstrapCi([[0, 0, 0, 10, 10, 10]], mean, { seed: 1 });
  assert.ok(phi - plo > 2);
  assert.deepEqual(bootstrapCi([[]], mean), [NaN, NaN]);
});

Deno.test("statistics: summarize, area under the curve, interpolation, profiles", () => {
  const s = summarize([1, 2, 3, 4], { seed: 3, reps: 200 });
  assert.equal(s.n, 4);
  close(s.mean, 2.5);
  close(s.iqm, 2.5);
  assert.ok(s.meanCi[0] <= 2.5 && 2.5 <= s.meanCi[1]);
  // A ramp from 0 to 100 over 0..1000 steps has mean value 50; a step curve its trapezoids.
  close(areaUnderCurve({ x: [0, 1000], y: [0, 100] }), 50);
  close(areaUnderCurve({ x: [0, 10, 20], y: [0, 0, 10] }), 2.5);
  close(areaUnderCurve({ x: [5], y: [7] }), 7);
  close(interpolate({ x: [0, 10], y: [0, 100] }, 2.5), 25);
  close(interpolate({ x: [0, 10], y: [0, 100] }, 20), 100);
  close(fractionAbove([1, 2, 3, 4], 2), 0.5);
  const profile = performanceProfile([[1, 2, 3, 4]], [0, 2, 4], { seed: 1, reps: 100 });
  assert.deepEqual(profile.map((p) => p.y), [1, 0.5, 0]);
  const band = aggregateCurves(
    [
      { x: [0, 100], y: [0, 10] },
      { x: [0, 50, 100], y: [0, 10, 20] },
    ],
    mean,
    { points: 3, seed: 1, reps: 50 },
  );
  assert.deepEqual(band.map((p) => p.x), [0, 50, 100]);
  assert.deepEqual(band.map((p) => p.y), [0, 7.5, 15]);
  assert.ok(band.every((p) => p.lo <= p.y && p.y <= p.hi));
});
