/**
 * Test helper: the deterministic returns of a policy spec run by the toolkit's reference
 * forward pass (`policies/reference_forward.ts`), the figures the ONNX Runtime tests
 * compare `evaluateOnnxPolicy` against.
 * @module
 */
import { type Action, isPromiseLike, make } from "../envs/mod.ts";
import { referenceForward } from "../policies/reference_forward.ts";
import type { PolicySpec } from "../policies/spec.ts";

/** Returns of `episodes` greedy episodes of `spec` on `envId`, episode i seeded `seed + i`. */
export async function referenceReturns(
  spec: PolicySpec,
  envId: string,
  episodes: number,
  seed: number,
): Promise<number[]> {
  const env = await make(envId, { seed });
  const returns: number[] = [];
  for (let i = 0; i < episodes; i++) {
    let r = env.reset({ seed: seed + i });
    if (isPromiseLike(r)) r = await r;
    let obs = r.observation, total = 0;
    for (;;) {
      const out = referenceForward(spec, obs, 1);
      const action: Action = spec.actionSpace.type === "discrete"
        ? out.actions[0]
        : Float32Array.from(out.actions);
      let s = env.step(action);
      if (isPromiseLike(s)) s = await s;
      total += s.reward;
      obs = s.observation;
      if (s.terminated || s.truncated) break;
    }
    returns.push(total);
  }
  await env.close?.();
  return returns;
}
