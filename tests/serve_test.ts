/**
 * Tests of the policy server (`cli/serve.ts`): routes, Zod validation with field paths,
 * 413 above the size limit, micro-batching of concurrent requests, and graceful shutdown of
 * the command on SIGTERM with its minimal permissions.
 * @module
 */
import assert from "node:assert/strict";
import { startServer } from "../cli/serve.ts";
import { exportOnnx } from "../policies/onnx/export.ts";
import { OnnxPolicy } from "../policies/onnx/runtime.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";

const discreteSpec = () =>
  randomPolicySpec({ seed: 31, obsShape: [4], action: { type: "discrete", n: 3 }, normClip: 5 });

async function withServer(
  fn: (
    base: string,
    policy: OnnxPolicy,
    stats: () => { runs: number; requests: number },
  ) => Promise<void>,
  options: { withValue?: boolean; maxBodyBytes?: number; box?: boolean; multi?: boolean } = {},
): Promise<void> {
  const spec = options.multi
    ? randomPolicySpec({
      seed: 33,
      obsShape: [2],
      action: { type: "multi-discrete", nvec: [3, 2] },
    })
    : options.box
    ? randomPolicySpec({
      seed: 32,
      obsShape: [3],
      action: { type: "box", low: -1, high: 1, shape: [2] },
    })
    : discreteSpec();
  const policy = await OnnxPolicy.load(
    await exportOnnx(spec, null, { withValue: options.withValue ?? true }),
  );
  const server = startServer(policy, { port: 0, maxBodyBytes: options.maxBodyBytes });
  try {
    await fn(`http://127.0.0.1:${server.port}`, policy, server.stats);
  } finally {
    await server.shutdown();
    await server.finished;
    await policy.close();
  }
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

Deno.test("serve: healthz, model, and act matching the policy", async () => {
  await withServer(async (base, policy) => {
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });

    const model = await (await fetch(`${base}/v1/model`)).json();
    assert.equal(model.executionProvider, "cpu");
    assert.deepEqual(model.inputs[0].shape, ["batch", 4]);
    assert.equal(model.metadata["ascent.env_id"], "Random-v0");
    assert.equal(model.contract.actionKind, "discrete");

    const observations = [[0.1, -0.2, 0.3, 0.4], [1, 2, -3, 0.5], [0, 0, 0, 0]];
    const res = await post(`${base}/v1/act`, { observations });
    assert.equal(res.status, 200);
    const body = await res.json();
    const direct = await policy.act(observations);
    assert.deepEqual(body.actions, direct.actions);
    assert.deepEqual(body.probs, direct.probs!.map((r) => Array.from(r)));
    assert.deepEqual(body.values, direct.value);
  });
});

Deno.test("serve: box actions come back as arrays", async () => {
  await withServer(async (base, policy) => {
    const observations = [[0.5, 0.5, 0.5]];
    const body = await (await post(`${base}/v1/act`, { observations })).json();
    const direct = await policy.act(observations);
    assert.deepEqual(body.actions, (direct.actions as Float32Array[]).map((r) => Array.from(r)));
    assert.equal(body.probs, undefined);
    assert.equal(body.values, undefined);
  }, { box: true, withValue: false });
});

Deno.test("serve: multi-discrete actions come back as one integer array per row", async () => {
  await withServer(async (base, policy) => {
    const observations = [[0.5, -0.5], [2, 1], [-3, 0]];
    const body = await (await post(`${base}/v1/act`, { observations })).json();
    const direct = await policy.act(observations);
    const rows = (direct.actions as Int32Array[]).map((r) => Array.from(r));
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.length === 2));
    assert.deepEqual(body.actions, rows);
    assert.deepEqual(body.probs, direct.probs!.map((r) => Array.from(r)));
  }, { multi: true, withValue: false });
});

Deno.test("serve: invalid bodies get 400 with the field path; big bodies 413", async () => {
  await withServer(async (base) => {
    const cases: [unknown, string, RegExp][] = [
      [{ observations: [[1, 2, 3, 4], [1, 2, 3]] }, "observations.1", /exactly 4 elements/],
      [{ observations: [[1, 2, "x", 4]] }, "observations.0.2", /finite number/],
      [{ observations: [] }, "observations", /at least one observation/],
      [{ obs: [[1, 2, 3, 4]] }, "observations", /array of observations/],
      [{ observations: [[1, 2, 3, 4]], extra: 1 }, "", /Unrecognized key/],
      ["{not json", "", /not JSON|JSON/],
    ];
    for (const [body, path, message] of cases) {
      const res = await post(`${base}/v1/act`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = await res.json();
      assert.ok(
        err.issues.some((i: { path: string; message: string }) =>
          i.path === path && message.test(i.message)
        ),
        `${JSON.stringify(body)} → ${JSON.stringify(err)}`,
      );
      assert.match(err.error, /invalid request body|not JSON/);
    }
    const big = { observations: Array.from({ length: 100 }, () => [1, 2, 3, 4]) };
    const res = await post(`${base}/v1/act`, big);
    assert.equal(res.status, 413);
    assert.match((await res.json()).error, /exceeds 1000 bytes/);
    const notFound = await fetch(`${base}/v2/act`);
    assert.equal(notFound.status, 404);
    await notFound.body?.cancel();
    const wrongMethod = await fetch(`${base}/v1/act`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    await wrongMethod.body?.cancel();
  }, { maxBodyBytes: 1000 });
});

Deno.test("serve: concurrent requests are batched into fewer ONNX Runtime calls", async () => {
  await withServer(async (base, policy, stats) => {
    const n = 40;
    const observations = Array.from(
      { length: n },
      (_, i) => [[i / 10, -i / 20, Math.sin(i), 1], [0, i / 7, 0, -1]],
    );
    const bodies = await Promise.all(
      observations.map((obs) =>
        post(`${base}/v1/act`, { observations: obs }).then((r) => r.json())
      ),
    );
    for (let i = 0; i < n; i++) {
      const direct = await policy.act(observations[i]);
      assert.deepEqual(bodies[i].actions, direct.actions, `request ${i}`);
      assert.deepEqual(bodies[i].values, direct.value, `request ${i}`);
    }
    const s = stats();
    assert.equal(s.requests, n);
    assert.ok(s.runs < n, `expected batching: ${s.runs} runs for ${n} requests`);
  });
});

Deno.test("serve: the command serves with minimal permissions and stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_serve_" });
  const path = `${dir}/policy.onnx`;
  await exportOnnx(discreteSpec(), path);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${path}`,
      "--allow-ffi",
      "--allow-net=127.0.0.1",
      new URL("../cli/serve.ts", import.meta.url).pathname,
      path,
      "--port",
      "0",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/http:\/\/127\.0\.0\.1:(\d+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const port = Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
    assert.ok(port > 0, `no listening line in: ${text}`);
    const res = await post(`http://127.0.0.1:${port}/v1/act`, { observations: [[1, 2, 3, 4]] });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).actions.length, 1);
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const status = await child.status;
    assert.equal(status.code, 0, text);
    assert.match(text, /SIGTERM: shutting down/);
    assert.deepEqual(JSON.parse(text.trim().split("\n").at(-1)!).requests, 1);
  } finally {
    await child.stderr.cancel().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await Deno.remove(dir, { recursive: true });
  }
});
