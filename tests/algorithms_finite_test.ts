/**
 * The after-update guard: any NaN or ±∞ among the parameters is named; large finite
 * values (which could overflow a float32 sum, not the float64 one used) pass.
 */
import assert from "node:assert/strict";
import { assertFiniteUpdate, NonFiniteError } from "../algorithms/finite.ts";
import { Parameter } from "../nn/mod.ts";

const losses = { policyLoss: 0.1, valueLoss: 0.2 };

function param(values: number[]): Parameter {
  return new Parameter("actor.0.weight", 1, values.length, values);
}

Deno.test("assertFiniteUpdate: NaN, +∞, −∞ and +∞ beside −∞ are caught and located", () => {
  for (const [bad, at] of [[NaN, 3], [Infinity, 0], [-Infinity, 6]] as const) {
    const values = Array.from({ length: 7 }, (_, i) => i * 0.5);
    values[at] = bad;
    assert.throws(
      () => assertFiniteUpdate("ppo on CartPole-v1", 4, losses, [param(values)]),
      (e: Error) =>
        e instanceof NonFiniteError && e.message.includes(`actor.0.weight[${at}] is ${bad}`),
    );
  }
  // +∞ beside −∞: their sum is NaN, not finite
  assert.throws(
    () => assertFiniteUpdate("x", 1, losses, [param([1, Infinity, -Infinity, 2])]),
    NonFiniteError,
  );
});

Deno.test("assertFiniteUpdate: the largest float32 values, many of them, pass", () => {
  const max = 3.4028234663852886e38;
  const values = Array.from({ length: 10_001 }, (_, i) => (i % 2 ? max : -max * 0.5));
  assert.doesNotThrow(() => assertFiniteUpdate("x", 1, losses, [param(values)]));
  assert.doesNotThrow(() => assertFiniteUpdate("x", 1, losses, [param([max, max, max])]));
});
