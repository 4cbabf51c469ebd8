/**
 * Independent validity: the reference `onnx` Python package (Debian's `python3-onnx`)
 * checks exported models with `onnx.checker.check_model(model, full_check=True)` (which
 * also runs strict shape inference), and re-serialises them: protobuf's own serialiser must
 * give back exactly our bytes.
 *
 * Needs `apt-get install -y python3-onnx`. Without it the test is skipped with a message,
 * except under `CI=true`, where it fails.
 * @module
 */
import assert from "node:assert/strict";
import { exportOnnx } from "../policies/onnx/export.ts";
import type { ExportOptions } from "../policies/onnx/graph.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";
import type { PolicySpec } from "../policies/spec.ts";

/** The first Python interpreter that can `import onnx`, or null. */
function findPythonWithOnnx(): string | null {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const out = new Deno.Command(python, {
        args: ["-c", "import onnx; print(onnx.__version__)"],
        stdout: "piped",
        stderr: "null",
      }).outputSync();
      if (out.success) return python;
    } catch { /* not installed */ }
  }
  return null;
}

const python = findPythonWithOnnx();
const ci = Deno.env.get("CI") === "true";
if (python === null && !ci) {
  console.warn(
    "onnx_checker_test: skipped: no python3 with the onnx package " +
      "(install with: apt-get install -y python3-onnx)",
  );
}

const CHECK_SCRIPT = `
import json, sys, onnx
results = []
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    model = onnx.load_from_string(raw)
    onnx.checker.check_model(model, full_check=True)
    results.append({"path": path, "identical": model.SerializeToString() == raw,
                    "ir": model.ir_version, "opset": model.opset_import[0].version})
print(json.dumps(results))
`;

Deno.test({
  name:
    "onnx.checker (full_check) accepts exported models; protobuf re-serialises them identically",
  ignore: python === null && !ci,
  fn: async () => {
    assert.ok(
      python !== null,
      "CI=true but no python3 can import onnx: install it with apt-get install -y python3-onnx",
    );
    const cases: [string, PolicySpec, ExportOptions][] = [
      [
        "discrete_norm",
        randomPolicySpec({
          seed: 1,
          obsShape: [4],
          action: { type: "discrete", n: 2 },
          normClip: 10,
        }),
        { withValue: true },
      ],
      [
        "discrete_start_sampled",
        randomPolicySpec({ seed: 2, obsShape: [6], action: { type: "discrete", n: 3, start: 1 } }),
        { deterministic: false },
      ],
      [
        "box_relu_2d_obs",
        randomPolicySpec({
          seed: 3,
          obsShape: [2, 3],
          action: { type: "box", low: [-1, -2], high: [1, Infinity], shape: [2] },
          activation: "relu",
          normClip: Infinity,
        }),
        { withValue: true, metadata: { note: "x" } },
      ],
      [
        "box_sampled_unclipped",
        randomPolicySpec({
          seed: 4,
          obsShape: [3],
          action: { type: "box", low: -2, high: 2, shape: [1] },
        }),
        { deterministic: false, clipActions: false },
      ],
      [
        "multi_discrete_norm",
        randomPolicySpec({
          seed: 5,
          obsShape: [3],
          action: { type: "multi-discrete", nvec: [3, 2] },
          normClip: 5,
        }),
        { withValue: true },
      ],
      [
        "multi_binary_sampled",
        randomPolicySpec({ seed: 6, obsShape: [2], action: { type: "multi-binary", n: 3 } }),
        { deterministic: false },
      ],
      [
        "discrete_observation",
        randomPolicySpec({
          seed: 7,
          obsShape: [1],
          observation: { type: "discrete", n: 4 },
          action: { type: "discrete", n: 2 },
        }),
        { withValue: true },
      ],
    ];
    const dir = await Deno.makeTempDir({ prefix: "ascent_onnx_checker_" });
    try {
      const paths: string[] = [];
      for (const [name, spec, options] of cases) {
        const path = `${dir}/${name}.onnx`;
        await exportOnnx(spec, path, options);
        paths.push(path);
      }
      const out = await new Deno.Command(python!, {
        args: ["-c", CHECK_SCRIPT, ...paths],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.ok(out.success, `onnx.checker rejected an exported model:\n${stderr}`);
      const results = JSON.parse(new TextDecoder().decode(out.stdout)) as {
        path: string;
        identical: boolean;
        ir: number;
        opset: number;
      }[];
      assert.equal(results.length, cases.length);
      for (const r of results) {
        assert.equal(r.ir, 8, r.path);
        assert.equal(r.opset, 17, r.path);
        assert.ok(r.identical, `protobuf re-serialised ${r.path} differently`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
