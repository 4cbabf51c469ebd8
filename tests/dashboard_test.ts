import assert from "node:assert/strict";
import { LogTail, runId, scanRuns } from "../cli/dashboard/runs_index.ts";
import { createDashboard } from "../cli/dashboard/server.ts";
import { iqmBand } from "../cli/dashboard/browser/bands.ts";

const CONFIG = (algo: string, env: string, seed: number) =>
  JSON.stringify({
    format: "ascent-run/1",
    algo,
    env,
    steps: 1000,
    seed,
    plugins: [],
    checkpointEvery: 0,
    config: {},
  });

async function fakeRun(dir: string, algo: string, seed: number, lines: number): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/config.json`, CONFIG(algo, "CartPole-v1", seed));
  let text = "";
  for (let i = 1; i <= lines; i++) {
    text += JSON.stringify({ timesteps: 100 * i, recentReturnMean: i }) + "\n";
  }
  await Deno.writeTextFile(`${dir}/metrics.jsonl`, text);
}

Deno.test("scanRuns finds run folders, sweep trials and a root that is itself a run", async () => {
  const root = await Deno.makeTempDir();
  try {
    await fakeRun(`${root}/runs/a`, "ppo", 1, 3);
    await fakeRun(`${root}/runs/b`, "a2c", 2, 2);
    await Deno.writeTextFile(
      `${root}/runs/b/summary.json`,
      JSON.stringify({
        timesteps: 1000,
        evalMeanReturn: 42,
        evalStdReturn: 1,
      }),
    );
    await Deno.mkdir(`${root}/runs/not-a-run`);
    await Deno.mkdir(`${root}/runs/sweep1`);
    await Deno.writeTextFile(`${root}/runs/sweep1/sweep.json`, "{}");
    await fakeRun(`${root}/runs/sweep1/t0`, "ppo", 1, 1);
    await fakeRun(`${root}/runs/sweep1/t1`, "ppo", 2, 1);
    await fakeRun(`${root}/single`, "vpg", 5, 1);
    const runs = await scanRuns([`${root}/runs`, `${root}/single/`]);
    assert.deepEqual(runs.map((r) => r.dir.slice(root.length)).sort(), [
      "/runs/a",
      "/runs/b",
      "/runs/sweep1/t0",
      "/runs/sweep1/t1",
      "/single",
    ]);
    const b = runs.find((r) => r.dir.endsWith("/runs/b"))!;
    assert.equal(b.status, "done");
    assert.equal(b.evalMean, 42);
    const a = runs.find((r) => r.dir.endsWith("/runs/a"))!;
    assert.equal(a.status, "training"); // its metrics were written just now
    assert.equal(a.timesteps, 300);
    assert.equal(runs.find((r) => r.dir.endsWith("/t1"))!.sweep, `${root}/runs/sweep1`);
    assert.match(runId("runs/a b"), /^runs~2fa~20b$/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("LogTail returns complete appended lines, waits for a torn one, restarts on truncation", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/m.jsonl`;
  try {
    const tail = new LogTail(path);
    assert.deepEqual(await tail.read(), { lines: [], reset: false }); // missing file
    await Deno.writeTextFile(path, '{"t":1}\n{"t":2}\n{"t":');
    assert.deepEqual((await tail.read()).lines, [{ t: 1 }, { t: 2 }]);
    await Deno.writeTextFile(path, "3}\n", { append: true });
    assert.deepEqual((await tail.read()).lines, [{ t: 3 }]);
    assert.deepEqual((await tail.read()).lines, []);
    await Deno.writeTextFile(path, '{"t":9}\n');
    assert.deepEqual(await tail.read(), { lines: [{ t: 9 }], reset: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the dashboard API lists runs, serves their logs and streams appended lines", async () => {
  const root = await Deno.makeTempDir();
  const dash = await createDashboard([root], { pollMs: 50 });
  try {
    await fakeRun(`${root}/r1`, "ppo", 1, 4);
    const get = (path: string) => dash.handler(new Request(`http://127.0.0.1${path}`));
    // The run appeared after the dashboard started: the event stream announces it.
    const events = await get("/api/events");
    assert.equal(events.headers.get("content-type"), "text/event-stream");
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 5000;
      while (!pattern.test(text)) {
        assert.ok(Date.now() < deadline, `no ${pattern} in ${text}`);
        const { value } = await reader.read();
        text += value ?? "";
      }
    };
    await until(/event: runs\ndata: \[.*"r1"/);
    const runs = await (await get("/api/runs")).json();
    assert.equal(runs.length, 1);
    const id = runs[0].id;
    const detail = await (await get(`/api/run/${id}`)).json();
    assert.equal(detail.metrics.length, 4);
    assert.equal(detail.config.algo, "ppo");
    await Deno.writeTextFile(
      `${root}/r1/metrics.jsonl`,
      JSON.stringify({ timesteps: 500, recentReturnMean: 5 }) + "\n",
      { append: true },
    );
    await until(/event: metrics\ndata: .*"timesteps":500/);
    assert.equal((await get("/api/run/nope")).status, 404);
    assert.equal((await get(`/api/run/${id}/episode`)).status, 404); // no recorder given
    assert.equal((await get("/ort/../../etc/passwd")).status, 404);
    assert.equal(
      (await dash.handler(new Request("http://127.0.0.1/", { method: "POST" }))).status,
      405,
    );
    await reader.cancel();
  } finally {
    dash.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("iqmBand: the IQM with a 95 % bootstrap band on the steps every run covers", () => {
  // A missing value narrows the range: B covers steps 10…20 only.
  const band = iqmBand([
    { x: [0, 10, 20], y: [0, 10, 20] },
    { x: [0, 10, 20], y: [null, 30, 40] },
  ], 3);
  assert.equal(band.runs, 2);
  assert.deepEqual(band.x, [10, 15, 20]);
  assert.deepEqual(band.mean, [20, 25, 30]);
  band.x.forEach((_, i) =>
    assert.ok(band.lo[i] >= 10 && band.hi[i] <= 40 && band.lo[i] <= band.hi[i])
  );
  // Four runs, one an outlier: the IQM drops it (the mean would be 25.75).
  const four = iqmBand([0, 1, 2, 100].map((v) => ({ x: [0, 10], y: [v, v] })), 2);
  assert.deepEqual(four.mean, [1.5, 1.5]);
  assert.ok(four.lo[0] <= 1.5 && four.hi[0] >= 1.5);
  // Curves with no common steps: no band.
  assert.deepEqual(iqmBand([{ x: [0, 1], y: [1, 1] }, { x: [2, 3], y: [1, 1] }]).x, []);
});
