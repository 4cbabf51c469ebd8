/**
 * `deno task envs`: lists built-in and plugin environments with spaces, time limit,
 * threshold and source; a failing plugin is reported and the others are still listed.
 * @module
 */
import assert from "node:assert/strict";
import { Registry } from "../envs/registry.ts";
import { formatSpace, listEnvironments } from "../cli/envs.ts";

const root = new URL("../", import.meta.url);
const acme = new URL("plugins/examples/acme.ts", root);
const badName = new URL("tests/fixtures/plugins/bad_name.ts", root);

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
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("cli/envs.ts", root).pathname,
      "--json",
      "--plugin",
      acme.pathname,
      "--plugin",
      badName.pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 1);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const result = JSON.parse(lines.at(-1)!);
  const ids = result.envs.map((e: { id: string }) => e.id);
  for (const id of ["CartPole-v1", "Pendulum-v1", "acme/Corridor-v0", "acme/Slope-v0"]) {
    assert.ok(ids.includes(id), id);
  }
  const cartPole = result.envs.find((e: { id: string }) => e.id === "CartPole-v1");
  assert.equal(cartPole.observationSpace.high[1], "Infinity");
  assert.equal(cartPole.source, "builtin");
  assert.ok(new TextDecoder().decode(out.stderr).includes(badName.href));
});
