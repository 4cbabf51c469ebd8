/**
 * The dashboard, the replay page and the live policy page in a real headless Chromium (the
 * system's `chromium`, driven over the DevTools protocol by `cli/dashboard/cdp.ts`).
 *
 * Screenshots are kept as artefacts in `$ASCENT_ARTIFACTS` (default: a temp folder, printed)
 * and checked not blank. `ASCENT_SKIP_BROWSER=1` skips these tests; without Chromium they
 * fail, naming how to install it.
 */
import assert from "node:assert/strict";
import { Browser, type Page } from "../cli/dashboard/cdp.ts";
import { createDashboard } from "../cli/dashboard/server.ts";
import { renderRun, serveLive, writeReplay } from "../cli/render.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SKIP = Deno.env.get("ASCENT_SKIP_BROWSER") === "1";

async function deno(args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `deno ${args.join(" ")} failed:\n${text}\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

function train(cwd: string, extra: string[]): Promise<string> {
  return deno([
    "run",
    `--lock=${ROOT}deno.lock`,
    "-A",
    `${ROOT}cli/train.ts`,
    "--quiet",
    ...extra,
  ], cwd);
}

async function infer(file: string, episodes: number, seed: number): Promise<number[]> {
  const out = await deno([
    "run",
    `--lock=${ROOT}deno.lock`,
    "-A",
    `${ROOT}cli/infer.ts`,
    file,
    "--episodes",
    String(episodes),
    "--seed",
    String(seed),
  ], ROOT);
  return JSON.parse(out.trim().split("\n").at(-1)!).returns;
}

/** Decodes a PNG in the browser and measures it: size, colours, share of non-white pixels. */
async function measurePng(
  page: Page,
  png: Uint8Array,
): Promise<{ width: number; height: number; colors: number; inked: number }> {
  let b64 = "";
  for (let i = 0; i < png.length; i += 0x8000) {
    b64 += String.fromCharCode(...png.subarray(i, i + 0x8000));
  }
  return await page.evaluate(`(async () => {
    const img = new Image();
    img.src = "data:image/png;base64,${btoa(b64)}";
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width; c.height = img.height;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const colors = new Set();
    let inked = 0, n = 0;
    for (let i = 0; i < d.length; i += 4 * 5) {
      const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      colors.add(k);
      if (k !== 0xffffff) inked++;
      n++;
    }
    return { width: c.width, height: c.height, colors: colors.size, inked: inked / n };
  })()`);
}

async function assertNotBlank(browser: Browser, png: Uint8Array, what: string): Promise<void> {
  const page = await browser.newPage();
  const m = await measurePng(page, png);
  assert.ok(m.width >= 600 && m.height >= 300, `${what}: ${m.width}×${m.height}`);
  assert.ok(m.colors >= 20, `${what}: only ${m.colors} colours`);
  assert.ok(m.inked > 0.05, `${what}: ${(m.inked * 100).toFixed(1)}% of pixels are not white`);
}

Deno.test({
  name: "browser: dashboard, replay page and live policy page in headless Chromium",
  ignore: SKIP,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "ascent-browser-" });
    const artefacts = Deno.env.get("ASCENT_ARTIFACTS") ?? await Deno.makeTempDir({
      prefix: "ascent-screenshots-",
    });
    await Deno.mkdir(artefacts, { recursive: true });
    console.log(`screenshots: ${artefacts}`);
    // Two short real runs (one discrete, one continuous) and one synthetic run still "training".
    await Promise.all([
      train(tmp, ["--steps", "4096", "--seed", "1"]),
      train(tmp, ["--env", "Pendulum-v1", "--steps", "2048", "--seed", "1"]),
    ]);
    const cart = `${tmp}/runs/ppo-CartPole-v1-s1`;
    const pend = `${tmp}/runs/ppo-Pendulum-v1-s1`;
    const growing = `${tmp}/runs/growing`;
    await Deno.mkdir(growing);
    await Deno.copyFile(`${cart}/config.json`, `${growing}/config.json`);
    const line = (i: number) =>
      JSON.stringify({ update: i, timesteps: 256 * i, recentReturnMean: 10 + 3 * i }) + "\n";
    await Deno.writeTextFile(`${growing}/metrics.jsonl`, [1, 2, 3, 4, 5].map(line).join(""));
    const count = async (dir: string) =>
      (await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim().split("\n").length;

    const browser = await Browser.launch();
    try {
      await t.step(
        "the dashboard: one series per run, live updates, no console errors",
        async () => {
          const dash = await createDashboard([`${tmp}/runs`], {
            pollMs: 100,
            recordEpisode: async (dir) => (await renderRun(dir, { episodes: 1 })).episodes,
          });
          const ac = new AbortController();
          const { promise: listening, resolve } = Promise.withResolvers<number>();
          const server = Deno.serve({
            hostname: "127.0.0.1",
            port: 0,
            signal: ac.signal,
            onListen: ({ port }) => resolve(port),
          }, dash.handler);
          try {
            const port = await listening;
            const page = await browser.newPage();
            await page.setViewport(1400, 1000);
            await page.goto(`http://127.0.0.1:${port}/`);
            await page.waitFor("globalThis.__ascentDashboard?.ready", 30_000);
            const ids = dash.runs().map((r) => r.id);
            assert.equal(ids.length, 3);
            const expected = new Map([
              [dash.runs().find((r) => r.dir === cart)!.id, await count(cart)],
              [dash.runs().find((r) => r.dir === pend)!.id, await count(pend)],
              [dash.runs().find((r) => r.dir === growing)!.id, 5],
            ]);
            const series = await page.waitFor<{ id: string; points: number }[]>(
              `(() => { const s = __ascentDashboard.series(); return s.length === 3 && s; })()`,
            );
            assert.deepEqual(
              new Map(series.map((s) => [s.id, s.points])),
              expected,
              "one series per run with one point per metrics line",
            );
            // uPlot itself drew them: one chart per environment, three run series in all.
            const drawn = await page.evaluate<number[]>(
              `[...document.querySelectorAll("#chart .env-chart")].map((c) =>
                c.querySelectorAll(".u-legend .u-series").length - 1)`,
            );
            assert.deepEqual(drawn.sort(), [1, 2]);

            // A line appended to a growing metrics.jsonl reaches the chart over the event stream.
            const before = await page.evaluate<number>("__ascentDashboard.updates");
            await Deno.writeTextFile(`${growing}/metrics.jsonl`, line(6), { append: true });
            const growingId = dash.runs().find((r) => r.dir === growing)!.id;
            await page.waitFor(
              `__ascentDashboard.series().find((s) => s.id === ${
                JSON.stringify(growingId)
              }).points === 6`,
              10_000,
            );
            assert.ok((await page.evaluate<number>("__ascentDashboard.updates")) > before);

            // The CartPole run's row shows its replay (an episode of its latest checkpoint).
            const cartId = dash.runs().find((r) => r.dir === cart)!.id;
            await page.evaluate(`document.querySelector('tr[data-id="${cartId}"]').click()`);
            await page.waitFor(`document.querySelector("#replay .stage svg")`, 30_000);
            await page.waitFor(`Number(document.querySelector("#replay").dataset.frame) > 5`);
            const shot = await page.screenshot({ fullPage: true });
            await Deno.writeFile(`${artefacts}/dashboard.png`, shot);
            await assertNotBlank(browser, shot, "dashboard screenshot");
            assert.deepEqual(page.errors, [], "console errors on the dashboard");
            // The run's live page is linked from the dashboard and served by it.
            const liveLink = await page.evaluate<string>(
              `document.querySelector('a[href^="/live/"]').getAttribute("href")`,
            );
            const livePage = await (await fetch(`http://127.0.0.1:${port}${liveLink}`)).text();
            assert.match(livePage, /id="live-config"[^>]*>\{[^<]*"envId":"CartPole-v1"/);
          } finally {
            dash.close();
            ac.abort();
            await server.finished;
          }
        },
      );

      await t.step("eval --render writes the replay of eval's own episodes", async () => {
        const evalArgs = (extra: string[]) => [
          "run",
          `--lock=${ROOT}deno.lock`,
          "-A",
          `${ROOT}cli/eval.ts`,
          cart,
          "--episodes",
          "2",
          ...extra,
        ];
        const last = (out: string) => JSON.parse(out.trim().split("\n").at(-1)!);
        const svg = `${tmp}/eval.svg`;
        const rendered = last(await deno(evalArgs(["--render", "--render-out", svg]), tmp));
        const plain = last(await deno(evalArgs([]), tmp));
        assert.deepEqual(rendered.returns, plain.returns);
        const text = await Deno.readTextFile(svg);
        assert.equal(text.match(/<g class="f"/g)?.length, plain.lengths[0] + 1);
      });

      await t.step("the replay page plays from a file with no network", async () => {
        const { episodes } = await renderRun(cart, { episodes: 2, seed: 11 });
        const file = `${tmp}/replay.html`;
        await writeReplay(file, episodes, "ppo on CartPole-v1", "test");
        const page = await browser.newPage();
        await page.setViewport(1100, 800);
        await page.goto(`file://${file}`);
        await page.waitFor(`Number(document.querySelector("#player").dataset.frame) > 10`);
        const tabs = await page.evaluate<number>(`document.querySelectorAll(".tab").length`);
        assert.equal(tabs, 2);
        const returns = await page.evaluate<string>(
          `document.querySelectorAll(".stat-value")[3].textContent`,
        );
        assert.ok(Number(returns) > 0, `return shown: ${returns}`);
        const shot = await page.screenshot();
        await Deno.writeFile(`${artefacts}/replay.png`, shot);
        await assertNotBlank(browser, shot, "replay screenshot");
        assert.deepEqual(page.errors, [], "console errors on the replay page");
      });

      for (const [dir, exact] of [[cart, true], [pend, false]] as const) {
        const env = exact ? "CartPole-v1" : "Pendulum-v1";
        await t.step(`the live page (${env}) reaches infer's returns`, async () => {
          const ac = new AbortController();
          const seed = 40;
          const episodes = exact ? 3 : 2;
          const { url, finished } = await serveLive(dir, {
            episodes,
            seed,
            port: 0,
            signal: ac.signal,
          });
          try {
            const page = await browser.newPage();
            await page.setViewport(1100, 900);
            await page.goto(`${url}?fast`);
            const live = await page.waitFor<{
              returns: number[];
              executionProvider: string;
              error: string | null;
            }>(`globalThis.__ascentLive?.done && globalThis.__ascentLive`, 90_000);
            assert.equal(live.error, null);
            const reference = await infer(`${dir}/policy.onnx`, episodes, seed);
            assert.equal(live.returns.length, reference.length);
            if (exact) assert.deepEqual(live.returns, reference);
            else {
              const gap = Math.max(...live.returns.map((r, i) => Math.abs(r - reference[i])));
              console.log(
                `${env}: browser ${live.returns}, infer ${reference} (largest gap ${gap})`,
              );
              live.returns.forEach((r, i) =>
                assert.ok(
                  Math.abs(r - reference[i]) <= 1e-3 * Math.max(1, Math.abs(reference[i])),
                  `episode ${i}: browser ${r}, infer ${reference[i]}`,
                )
              );
            }
            assert.ok(["wasm", "webgpu"].includes(live.executionProvider));
            const note = await page.evaluate<string>(
              `document.getElementById("provider").textContent`,
            );
            assert.match(note, new RegExp(`Execution provider: ${live.executionProvider}`));
            if (exact) {
              const shot = await page.screenshot();
              await Deno.writeFile(`${artefacts}/live.png`, shot);
              await assertNotBlank(browser, shot, "live screenshot");
            }
            assert.deepEqual(page.errors, [], "console errors on the live page");
          } finally {
            ac.abort();
            await finished;
          }
        });
      }
    } finally {
      await browser.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
