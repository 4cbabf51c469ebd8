import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import {
  actionParamDim,
  contains,
  flatDim,
  flattenZodIssues,
  parseSpace,
  sample,
  type Space,
  SpaceSchema,
} from "../envs/spaces.ts";

function parseError(value: unknown, where = "observationSpace"): string {
  try {
    parseSpace(value, where);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

Deno.test("spaces: schema errors name the field path and the problem", () => {
  const bad = parseError({ type: "box", low: [0, 0, 0, "x"], high: 1, shape: [4] });
  assert.match(bad, /observationSpace\.low\.3: a bound must be a number/);
  assert.match(bad, /"x"/, "the offending value is shown");
  assert.match(
    parseError({ type: "box", low: [0, 0, 0, 2], high: 1, shape: [4] }),
    /observationSpace\.low\.3: low\[3\] = 2 is above high\[3\] = 1/,
  );
  assert.match(
    parseError({ type: "box", low: [0, 0], high: 1, shape: [3] }),
    /observationSpace\.low: low has 2 elements but shape \[3\] needs 3/,
  );
  assert.match(
    parseError({ type: "box", low: 0, high: 1, shape: [2, 0] }),
    /observationSpace\.shape\.1: a dimension must be positive/,
  );
  assert.match(
    parseError({ type: "discrete", n: 0 }, "actionSpace"),
    /actionSpace\.n: n must be at least 1/,
  );
  assert.match(
    parseError({ type: "discrete", n: 2.5 }),
    /observationSpace\.n: n must be an integer/,
  );
  assert.match(
    parseError({ type: "Box", low: 0, high: 1, shape: [1] }),
    /observationSpace\.type: a space needs type/,
  );
  assert.match(parseError({ type: "discrete", n: 2, size: 3 }), /Unrecognized key: "size"/);
  assert.match(
    parseError({ type: "multi-discrete", nvec: [2, 0] }),
    /observationSpace\.nvec\.1: every nvec entry must be at least 1/,
  );
  assert.match(
    parseError({ type: "multi-binary", n: 0 }, "actionSpace"),
    /actionSpace\.n: n must be at least 1/,
  );
  assert.match(parseError({ type: "multi-binary", n: 2.5 }), /observationSpace\.n: n must be an/);
  assert.match(parseError({ type: "multi-binary", n: 2, nvec: [2] }), /Unrecognized key: "nvec"/);
  assert.deepEqual(parseSpace({ type: "multi-binary", n: 3 }), { type: "multi-binary", n: 3 });
});

Deno.test("spaces: infinite bounds as numbers or JSON strings; NaN rejected", () => {
  const a = parseSpace({ type: "box", low: -Infinity, high: [1, Infinity], shape: [2] });
  assert.equal(a.type === "box" && a.low, -Infinity);
  const b = parseSpace(
    JSON.parse('{"type":"box","low":"-Infinity","high":"Infinity","shape":[3]}'),
  );
  assert.deepEqual(b, { type: "box", low: -Infinity, high: Infinity, shape: [3] });
  assert.match(parseError({ type: "box", low: NaN, high: 1, shape: [1] }), /observationSpace\.low/);
});

Deno.test("spaces: flattenZodIssues picks the deepest union branch", () => {
  const r = SpaceSchema.safeParse({ type: "box", low: 0, high: [1, 1, "y"], shape: [3] });
  assert.ok(!r.success);
  const issues = flattenZodIssues(r.error.issues);
  assert.deepEqual(issues[0].path, ["high", 2]);
});

Deno.test("spaces: flatDim, actionParamDim and contains", () => {
  const box: Space = { type: "box", low: [-1, 0], high: [1, Infinity], shape: [2] };
  const disc: Space = { type: "discrete", n: 3, start: -1 };
  const md: Space = { type: "multi-discrete", nvec: [2, 3] };
  assert.equal(flatDim(box), 2);
  assert.equal(flatDim({ type: "box", low: 0, high: 1, shape: [2, 3] }), 6);
  assert.equal(flatDim(disc), 1);
  assert.equal(flatDim(md), 2);
  assert.equal(actionParamDim(disc), 3);
  assert.equal(actionParamDim(md), 5);
  assert.ok(contains(box, [0.5, 1e30]));
  assert.ok(!contains(box, [1.5, 0]));
  assert.ok(!contains(box, [0, -1]));
  assert.ok(!contains(box, [0]));
  assert.ok(!contains(box, [NaN, 0]));
  assert.ok(contains(disc, -1) && contains(disc, 1));
  assert.ok(!contains(disc, 2) && !contains(disc, 0.5));
  assert.ok(contains(md, new Int32Array([1, 2])));
  assert.ok(!contains(md, [2, 0]));
  const mb: Space = { type: "multi-binary", n: 3 };
  assert.equal(flatDim(mb), 3);
  assert.equal(actionParamDim(mb), 6);
  assert.ok(contains(mb, new Int32Array([1, 0, 1])));
  assert.ok(!contains(mb, [1, 2, 0]) && !contains(mb, [1, 0]) && !contains(mb, 1));
  // float32 boxes compare against float32-rounded bounds.
  const f = { type: "box", low: -4.8, high: 4.8, shape: [1] } as Space;
  assert.ok(contains(f, new Float32Array([4.8])));
});

Deno.test("spaces: samples are always members, reproducibly", () => {
  const spaces: Space[] = [
    {
      type: "box",
      low: [-1, 0, -Infinity, -Infinity],
      high: [1, Infinity, 2, Infinity],
      shape: [4],
    },
    { type: "box", low: -2, high: 2, shape: [2, 2] },
    { type: "discrete", n: 5, start: 3 },
    { type: "multi-discrete", nvec: [1, 4, 2] },
    { type: "multi-binary", n: 5 },
  ];
  for (const space of spaces) {
    const a = new Rng(1);
    const b = new Rng(1);
    for (let i = 0; i < 500; i++) {
      const x = sample(space, a);
      assert.ok(contains(space, x), `${JSON.stringify(space)} sampled ${x}`);
      assert.deepEqual(sample(space, b), x);
    }
  }
  const bits = sample({ type: "multi-binary", n: 2000 }, new Rng(3)) as Int32Array;
  assert.ok(bits instanceof Int32Array);
  const ones = bits.reduce((a, b) => a + b, 0);
  assert.ok(ones > 900 && ones < 1100, `${ones} ones in 2000 fair bits`);
});
