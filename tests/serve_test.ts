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

// ---------------------------------------------------------------- slow and hostile clients

const enc = new TextEncoder();

/** Reads from `conn` until the peer closes or `ms` pass; returns the text. */
async function readAll(conn: Deno.Conn, ms = 3000): Promise<string> {
  const chunks: string[] = [];
  const buf = new Uint8Array(4096);
  const deadline = Date.now() + ms;
  const dec = new TextDecoder();
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const n = await Promise.race([
      conn.read(buf).catch(() => null),
      new Promise<"t">((
        r,
      ) => (timer = setTimeout(() => r("t"), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (n === null || n === "t") break;
    chunks.push(dec.decode(buf.subarray(0, n)));
  }
  return chunks.join("");
}

const actHead = (length: number) =>
  `POST /v1/act HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
  `content-length: ${length}\r\n\r\n`;

async function limitedServer(options: Record<string, number>) {
  const policy = await OnnxPolicy.load(await exportOnnx(discreteSpec(), null));
  const server = startServer(policy, { port: 0, ...options });
  return { policy, server, base: `http://127.0.0.1:${server.port}` };
}

Deno.test("serve: idle, slowloris and no-body clients time out while others are answered; shutdown stops on time", async () => {
  const { policy, server, base } = await limitedServer({
    headerTimeoutMs: 400,
    bodyTimeoutMs: 400,
    idleTimeoutMs: 400,
    shutdownTimeoutMs: 500,
  });
  const conns: Deno.Conn[] = [];
  try {
    const connect = async () => {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      conns.push(c);
      return c;
    };
    const idle = await Promise.all(Array.from({ length: 20 }, connect));
    const slowloris = await Promise.all(Array.from({ length: 5 }, connect));
    const noBody = await Promise.all(Array.from({ length: 5 }, connect));
    for (const c of noBody) await c.write(enc.encode(actHead(100)));
    // Slowloris: one header byte every 50 ms, for ever (bounded by the test: 40 bytes).
    const head = enc.encode(actHead(10));
    let dripping = true;
    const drip = (async () => {
      for (let i = 0; i < 40 && dripping; i++) {
        await Promise.all(slowloris.map((c) => c.write(head.subarray(i, i + 1)).catch(() => 0)));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // Meanwhile other clients are answered promptly.
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const res = await post(`${base}/v1/act`, { observations: [[i, 1, 2, 3]] });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(Math.max(...latencies) < 250, `latencies ${latencies.map(Math.round)}`);
    // Every slow client is cut off within its deadline.
    const noBodyReplies = await Promise.all(noBody.map((c) => readAll(c, 2000)));
    for (const r of noBodyReplies) {
      assert.match(r, /^HTTP\/1\.1 408 /);
      assert.match(r, /request body not complete within 400 ms \(0 of 100 bytes\)/);
    }
    const slowReplies = await Promise.all(slowloris.map((c) => readAll(c, 2000)));
    for (const r of slowReplies) assert.match(r, /^HTTP\/1\.1 408 .*headers not complete/s);
    dripping = false;
    await drip;
    const idleReplies = await Promise.all(idle.map((c) => readAll(c, 2000)));
    assert.deepEqual(idleReplies, idle.map(() => ""), "idle connections are closed silently");
    const s = server.stats();
    assert.ok(s.timedOutConnections >= 30, JSON.stringify(s));
    // A client stuck mid-body when shutdown starts does not hold the server beyond 500 ms.
    const stuck = await connect();
    await stuck.write(enc.encode(actHead(50) + "{"));
    await new Promise((r) => setTimeout(r, 50));
    const t = performance.now();
    await server.shutdown();
    await server.finished;
    const took = performance.now() - t;
    assert.ok(took >= 300 && took < 1500, `shutdown took ${Math.round(took)} ms`);
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    await server.shutdown();
    await policy.close();
  }
});

Deno.test("serve: beyond maxConnections a new connection gets 503, and is served again once one closes", async () => {
  const { policy, server, base } = await limitedServer({ maxConnections: 3 });
  const held: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      held.push(await Deno.connect({ hostname: "127.0.0.1", port: server.port }));
    }
    for (let i = 0; i < 50 && server.stats().openConnections < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const extra = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    const reply = await readAll(extra, 2000);
    extra.close();
    assert.match(reply, /^HTTP\/1\.1 503 /);
    assert.match(reply, /server busy: 3 connections open/);
    assert.equal(server.stats().rejectedConnections, 1);
    held.pop()!.close();
    for (let i = 0; i < 50 && server.stats().openConnections >= 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const res = await post(`${base}/v1/act`, { observations: [[1, 2, 3, 4]] });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    for (const c of held) c.close();
    await server.shutdown();
    await policy.close();
  }
});

Deno.test("serve: values beyond float32 (1e39) and bodies shorter than Content-Length get 400", async () => {
  const { policy, server, base } = await limitedServer({});
  try {
    const res = await post(`${base}/v1/act`, '{"observations": [[1, 2, 1e39, 4]]}');
    assert.equal(res.status, 400);
    const err = await res.json();
    assert.equal(err.issues[0].path, "observations.0.2");
    assert.match(err.issues[0].message, /must fit float32/);
    const ok = await post(`${base}/v1/act`, { observations: [[1, 2, 3.4028234663852886e38, 4]] });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    // Declares 100 bytes, sends 10, then ends its side of the connection.
    const c = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await c.write(enc.encode(actHead(100) + '{"observa'));
    await c.closeWrite();
    const reply = await readAll(c, 2000);
    c.close();
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.match(reply, /request body ended after 9 of the 100 bytes declared by Content-Length/);
  } finally {
    await server.shutdown();
    await policy.close();
  }
});
