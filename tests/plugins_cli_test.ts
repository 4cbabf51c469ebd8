/**
 * `deno task envs`: lists built-in and plugin environments with spaces, time limit,
 * threshold and source; a failing plugin is reported and the others are still listed; it
 * takes the plugin flags every command shares.
 * @module
 */
import assert from "node:assert/strict";
import { withSilentServer } from "./silent_server.ts";
import { Registry } from "../envs/registry.ts";
import { formatSpace, listEnvironments } from "../cli/envs.ts";
import { PLUGIN_FLAGS } from "../cli/plugin_flags.ts";
import { runScript } from "./cli_helpers.ts";

const root = new URL("../", import.meta.url);
const acme = new URL("plugins/examples/acme.ts", root);
const badName = new URL("tests/fixtures/plugins/bad_name.ts", root);
const envsCommand = (args: string[]) => runScript(root.pathname, "cli/envs.ts", ...args);

Deno.test("listEnvironments: plugin envs with spaces and sources, failures reported", async () => {
  const registry = new Registry();
  const { envs, failures } = await listEnvironments({
    registry,
    plugins: [badName.pathname, acme.pathname],
  });
  assert.deepEqual(envs.map((e) => e.id), ["acme/Corridor-v0", "acme/Slope-v0"]);
  assert.deepEqual(envs[0].actionSpace, { type: "discrete", n: 2 });
  assert.equal(envs[1].maxEpisodeSteps, 50);
  assert.equal(envs[1].source, acme.href);
  assert.equal(formatSpace(envs[1].actionSpace), "box[1] in [-1, 1]");
  assert.equal(failures.length, 1);
  assert.ok(failures[0].error.includes(badName.href) && failures[0].error.includes("name"));
});

Deno.test("deno task envs --json lists the built-ins and the plugin, exit code 1 on failure", async () => {
  const out = await envsCommand([
    "--json",
    "--plugin",
    acme.pathname,
    "--plugin",
    badName.pathname,
  ]);
  assert.equal(out.code, 1);
  const result = JSON.parse(out.stdout.trim().split("\n").at(-1)!);
  const ids = result.envs.map((e: { id: string }) => e.id);
  for (const id of ["CartPole-v1", "Pendulum-v1", "acme/Corridor-v0", "acme/Slope-v0"]) {
    assert.ok(ids.includes(id), id);
  }
  const cartPole = result.envs.find((e: { id: string }) => e.id === "CartPole-v1");
  assert.equal(cartPole.observationSpace.high[1], "Infinity");
  assert.equal(cartPole.source, "builtin");
  assert.ok(out.stderr.includes(badName.href));
});

Deno.test("deno task envs takes the shared plugin flags: listed in --help, validated, and applied", async () => {
  const help = await envsCommand(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  for (const flag of Object.keys(PLUGIN_FLAGS)) {
    assert.match(help.stdout, new RegExp(`--${flag}\\b`));
  }
  const zero = await envsCommand(["--plugin-timeout", "0"]);
  assert.equal(zero.code, 2, zero.stderr);
  assert.match(zero.stderr, /--plugin-timeout: must be at least 1, got 0/);
  const both = await envsCommand(["--sandbox", "--no-sandbox", "--plugin", acme.pathname]);
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /--sandbox and --no-sandbox exclude each other/);
  // --plugin-fetch-timeout reaches the loader: a host that never answers fails in 300 ms.
  await withSilentServer(async (base) => {
    const url = `${base}slow.ts`;
    const t = performance.now();
    const slow = await envsCommand(["--plugin", url, "--plugin-fetch-timeout", "300", "--json"]);
    assert.equal(slow.code, 1, slow.stderr);
    assert.match(
      slow.stderr,
      /load: fetch: no complete answer from 127\.0\.0\.1:\d+ within 300 ms/,
    );
    assert.ok(performance.now() - t < 15_000, `took ${Math.round(performance.now() - t)} ms`);
    const result = JSON.parse(slow.stdout.trim().split("\n").at(-1)!);
    assert.equal(result.failures.length, 1);
    assert.ok(result.envs.some((e: { id: string }) => e.id === "CartPole-v1"));
  });
});
