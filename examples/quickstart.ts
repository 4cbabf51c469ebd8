/**
 * Quickstart: train PPO on CartPole-v1 from code, evaluate it, save it, export it to ONNX.
 *
 *     deno run --allow-read --allow-write examples/quickstart.ts
 *
 * The same as `deno task train`, without the command line: every piece used here is part
 * of the library surface in `mod.ts`.
 * @module
 */
import { evaluate, exportOnnx, PPO, resolveConfig } from "../mod.ts";

// The tuned CartPole preset (defaults ← preset ← overrides), validated by Zod.
const config = resolveConfig("ppo", "CartPole-v1", undefined, { seed: 1 });
const agent = new PPO(config);

await agent.learn({
  totalTimesteps: 100_000,
  callbacks: {
    onUpdateEnd(m) {
      if (m.update % 50 === 0) {
        console.log(
          `update ${m.update}: ${m.timesteps} steps, recent return ${
            m.recentReturnMean?.toFixed(1)
          }, approx KL ${m.approxKl?.toFixed(4) ?? "n/a"}, ${Math.round(m.sps)} steps/s`,
        );
      }
    },
  },
});

const { mean, std } = await evaluate(agent, "CartPole-v1", { episodes: 20, deterministic: true });
console.log(`deterministic evaluation: ${mean.toFixed(1)} ± ${std.toFixed(1)}`);

const dir = await Deno.makeTempDir({ prefix: "ascent-quickstart-" });
await agent.save(dir);
await exportOnnx(agent, `${dir}/policy.onnx`);
console.log(`saved the agent and policy.onnx in ${dir}`);
await agent.close();
