import assert from "node:assert/strict";
import { assertSeed, Rng, type RngState } from "../random.ts";

/** An independent xoshiro128** step (from the published algorithm) to pin the stream. */
function referenceNext(s: number[]): number {
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] = (s[2] ^ s[0]) >>> 0;
  s[3] = (s[3] ^ s[1]) >>> 0;
  s[1] = (s[1] ^ s[2]) >>> 0;
  s[0] = (s[0] ^ s[3]) >>> 0;
  s[2] = (s[2] ^ t) >>> 0;
  s[3] = rotl(s[3], 11);
  return result;
}

Deno.test("Rng: nextUint32 follows xoshiro128** (state 1,2,3,4 starts with 11520)", () => {
  const rng = Rng.fromState({ algorithm: "xoshiro128**", s: [1, 2, 3, 4], spareNormal: null });
  const ref = [1, 2, 3, 4];
  assert.equal(rng.nextUint32(), 11520);
  referenceNext(ref);
  for (let i = 0; i < 1000; i++) assert.equal(rng.nextUint32(), referenceNext(ref));
});

Deno.test("Rng: same seed, same stream; different seeds, different streams", () => {
  for (const seed of [0, 1, 42, -7, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
    const a = new Rng(seed);
    const b = new Rng(seed);
    for (let i = 0; i < 100; i++) {
      assert.equal(a.uniform(), b.uniform());
      assert.equal(a.normal(), b.normal());
      assert.equal(a.integer(7), b.integer(7));
    }
  }
  const x = Array.from({ length: 8 }, ((r) => () => r.nextUint32())(new Rng(1)));
  const y = Array.from({ length: 8 }, ((r) => () => r.nextUint32())(new Rng(2)));
  assert.notDeepEqual(x, y);
  const big = new Rng(2 ** 32);
  const zero = new Rng(0);
  assert.notEqual(big.nextUint32(), zero.nextUint32(), "seeds differing above 32 bits must differ");
});

Deno.test("Rng: seed() restarts the stream", () => {
  const rng = new Rng(5);
  const first = [rng.uniform(), rng.normal(), rng.uniform()];
  rng.seed(5);
  assert.deepEqual([rng.uniform(), rng.normal(), rng.uniform()], first);
});

Deno.test("Rng: state save/restore continues bit for bit, including the spare normal", () => {
  const rng = new Rng(123);
  rng.normal(); // leaves a spare deviate cached
  const saved: RngState = JSON.parse(JSON.stringify(rng.getState()));
  assert.notEqual(saved.spareNormal, null);
  const expected = [rng.normal(), rng.uniform(), rng.integer(10), rng.normal(), rng.normal()];
  const restored = Rng.fromState(saved);
  assert.deepEqual(
    [
      restored.normal(),
      restored.uniform(),
      restored.integer(10),
      restored.normal(),
      restored.normal(),
    ],
    expected,
  );
  rng.setState(saved);
  assert.equal(rng.normal(), expected[0]);
});

Deno.test("Rng: invalid states and seeds are rejected with the value named", () => {
  const rng = new Rng(1);
  assert.throws(
    () => rng.setState({ algorithm: "xoshiro128**", s: [0, 0, 0, 0], spareNormal: null }),
    /all-zero/,
  );
  assert.throws(
    () =>
      rng.setState(
        { algorithm: "mt19937", s: [1, 2, 3, 4], spareNormal: null } as unknown as RngState,
      ),
    /mt19937/,
  );
  assert.throws(() => assertSeed(1.5), /1\.5/);
  assert.throws(() => new Rng(Number.NaN), /NaN/);
  assert.throws(() => rng.integer(0), /0/);
});

Deno.test("Rng: uniform is in [0, 1) with mean 1/2 and variance 1/12", () => {
  const rng = new Rng(7);
  const n = 200_000;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    sq += u * u;
  }
  const mean = sum / n;
  const variance = sq / n - mean * mean;
  // Standard error of the mean is sqrt(1/12/n) ≈ 6.5e-4: allow 5 standard errors.
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 2e-3, `variance ${variance}`);
  const r = new Rng(8);
  for (let i = 0; i < 1000; i++) {
    const v = r.uniformRange(-3, 5);
    assert.ok(v >= -3 && v < 5);
  }
});

Deno.test("Rng: normal has mean 0, variance 1 and symmetric tails", () => {
  const rng = new Rng(11);
  const n = 200_000;
  let sum = 0;
  let sq = 0;
  let beyond2 = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    sum += z;
    sq += z * z;
    if (Math.abs(z) > 2) beyond2++;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(sq / n - 1) < 0.02, `variance ${sq / n}`);
  // P(|Z| > 2) = 0.0455.
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.003, `tail ${beyond2 / n}`);
});

Deno.test("Rng: integer and categorical frequencies pass a chi-square test", () => {
  const rng = new Rng(3);
  const k = 6;
  const n = 60_000;
  const counts = new Array(k).fill(0);
  for (let i = 0; i < n; i++) counts[rng.integer(k)]++;
  const chi = counts.reduce((a, c) => a + (c - n / k) ** 2 / (n / k), 0);
  assert.ok(chi < 20.5, `chi-square ${chi} (5 d.o.f., p = 0.001 at 20.5)`);

  const probs = [0.1, 0, 0.6, 0.3];
  const got = new Array(4).fill(0);
  for (let i = 0; i < n; i++) got[rng.categorical(probs)]++;
  assert.equal(got[1], 0, "a zero-probability category is never drawn");
  const chi2 = [0, 2, 3].reduce((a, j) => a + (got[j] - n * probs[j]) ** 2 / (n * probs[j]), 0);
  assert.ok(chi2 < 13.8, `chi-square ${chi2} (2 d.o.f., p = 0.001 at 13.8)`);
  // Offset/length select a slice of the weights.
  const w = [5, 5, 0, 1];
  for (let i = 0; i < 100; i++) assert.equal(rng.categorical(w, 2, 2), 1);
  assert.throws(() => rng.categorical([0, 0]), /positive finite sum/);
});

Deno.test("Rng: shuffle permutes, spawn gives reproducible independent streams", () => {
  const rng = new Rng(9);
  const a = rng.shuffle(Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(a, Array.from({ length: 50 }, (_, i) => i));
  const c1 = new Rng(9).spawn();
  const c2 = new Rng(9).spawn();
  assert.equal(c1.uniform(), c2.uniform());
  const parent = new Rng(9);
  const child = parent.spawn();
  assert.notEqual(child.nextUint32(), parent.nextUint32());
});
