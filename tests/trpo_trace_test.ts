// TRPO with its CartPole-v1 preset, three updates from a fixed seed, against the trace
// stored before the Fisher-vector/line-search optimisations (tests/data/traces/trpo_cartpole.json).
import { resolveConfig } from "../algorithms/mod.ts";
import { checkTrace } from "./training_trace.ts";

Deno.test("TRPO (CartPole-v1 preset) reproduces its stored 3-update trace", async () => {
  const config = { ...resolveConfig("trpo", "CartPole-v1", undefined, { seed: 5 }) };
  await checkTrace(
    new URL("./data/traces/trpo_cartpole.json", import.meta.url),
    "trpo",
    config as unknown as { env: string } & Record<string, unknown>,
    3 * 4096,
  );
});
