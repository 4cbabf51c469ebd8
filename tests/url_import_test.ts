/**
 * Importing the toolkit by URL must keep working as it grows: a tiny static server
 * serves this repository over http://127.0.0.1, and a script in a temporary folder with no
 * `deno.json` imports `mod.ts` from it, makes `CartPole-v1` and steps it.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

function contentType(path: string): string {
  return path.endsWith(".ts") ? "application/typescript" : "application/octet-stream";
}

Deno.test("mod.ts imported by URL from a folder with no deno.json makes and steps CartPole-v1", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(new URL("." + path, root));
      return new Response(body, { headers: { "content-type": contentType(path) } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const dir = await Deno.makeTempDir({ prefix: "ascent-url-" });
  try {
    const port = server.addr.port;
    const script = `
      import { make } from "http://127.0.0.1:${port}/mod.ts";
      const env = await make("CartPole-v1", { seed: 3 });
      let { observation } = await env.reset({ seed: 3 });
      let steps = 0, total = 0, done = false;
      while (!done) {
        const r = await env.step(steps % 2);
        total += r.reward; steps++; done = r.terminated || r.truncated;
        observation = r.observation;
      }
      console.log(JSON.stringify({ steps, total, obsLength: observation.length }));
    `;
    await Deno.writeTextFile(`${dir}/main.ts`, script);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", `--allow-import=127.0.0.1:${port}`, "main.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `URL import failed:\n${stderr}`);
    const report = JSON.parse(stdout.split("\n").at(-1)!);
    assert.equal(report.obsLength, 4);
    assert.ok(report.steps >= 1 && report.steps <= 500, `steps ${report.steps}`);
    assert.equal(report.total, report.steps);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
