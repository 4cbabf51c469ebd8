// PPO with CleanRL's settings on CartPole-v1, four updates from a fixed seed, against the
// trace stored before the training-step optimisations (tests/data/traces/ppo_cleanrl.json).
import { resolveConfig } from "../algorithms/mod.ts";
import { checkTrace } from "./training_trace.ts";

Deno.test("PPO (cleanrl preset, CartPole-v1) reproduces its stored 4-update trace", async () => {
  const config = { ...resolveConfig("ppo", "CartPole-v1", "cleanrl", { seed: 7 }) };
  await checkTrace(
    new URL("./data/traces/ppo_cleanrl.json", import.meta.url),
    "ppo",
    config as unknown as { env: string } & Record<string, unknown>,
    4 * 512,
  );
});
