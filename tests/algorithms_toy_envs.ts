/**
 * Tiny deterministic problems for the algorithm tests, registered on import:
 *
 * - `TestBandit-v0`: one step, constant observation; action 1 pays 1, action 0 pays 0.
 * - `TestCorridor-v0`: positions 0…3, start at 0, action 1 moves right, 0 left (floor 0);
 *   reward −1 per step; reaching 3 terminates; time limit 12 (truncation).
 * - `TestContinuousBandit-v0`: one step, action a ∈ [−2, 2], reward −(a − 0.5)².
 * - `TestStill-v0`: observation = steps taken, reward 1, never terminates; time limit 3.
 * @module
 */
import { type Env, listEnvs, register } from "../envs/mod.ts";

function bandit(): Env {
  return {
    observationSpace: { type: "box", low: -1, high: 1, shape: [1] },
    actionSpace: { type: "discrete", n: 2 },
    reset: () => ({ observation: new Float32Array([0.5]), info: {} }),
    step: (a) => ({
      observation: new Float32Array([0.5]),
      reward: a === 1 ? 1 : 0,
      terminated: true,
      truncated: false,
      info: {},
    }),
  };
}

function corridor(): Env {
  let pos = 0;
  const obs = () => {
    const o = new Float32Array(4);
    o[pos] = 1;
    return o;
  };
  return {
    observationSpace: { type: "box", low: 0, high: 1, shape: [4] },
    actionSpace: { type: "discrete", n: 2 },
    reset: () => {
      pos = 0;
      return { observation: obs(), info: {} };
    },
    step: (a) => {
      pos = a === 1 ? pos + 1 : Math.max(0, pos - 1);
      const done = pos === 3;
      const o = obs();
      if (done) pos = 3;
      return { observation: o, reward: -1, terminated: done, truncated: false, info: {} };
    },
  };
}

function continuousBandit(): Env {
  return {
    observationSpace: { type: "box", low: -1, high: 1, shape: [1] },
    actionSpace: { type: "box", low: -2, high: 2, shape: [1] },
    reset: () => ({ observation: new Float32Array([0.5]), info: {} }),
    step: (a) => {
      const x = (a as Float32Array)[0];
      return {
        observation: new Float32Array([0.5]),
        reward: -((x - 0.5) ** 2),
        terminated: true,
        truncated: false,
        info: {},
      };
    },
  };
}

function still(): Env {
  let t = 0;
  return {
    observationSpace: { type: "box", low: 0, high: 100, shape: [1] },
    actionSpace: { type: "discrete", n: 2 },
    reset: () => ({ observation: new Float32Array([t = 0]), info: {} }),
    step: () => ({
      observation: new Float32Array([++t]),
      reward: 1,
      terminated: false,
      truncated: false,
      info: {},
    }),
  };
}

if (!listEnvs().some((s) => s.id === "TestBandit-v0")) {
  register({ id: "TestBandit-v0", create: bandit });
  register({ id: "TestCorridor-v0", create: corridor, maxEpisodeSteps: 12 });
  register({ id: "TestContinuousBandit-v0", create: continuousBandit });
  register({ id: "TestStill-v0", create: still, maxEpisodeSteps: 3 });
}
