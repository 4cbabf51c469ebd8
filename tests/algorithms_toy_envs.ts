/**
 * Tiny deterministic problems for the algorithm tests, registered on import:
 *
 * - `TestBandit-v0`: one step, constant observation; action 1 pays 1, action 0 pays 0.
 * - `TestCorridor-v0`: positions 0…3, start at 0, action 1 moves right, 0 left (floor 0);
 *   reward −1 per step; reaching 3 terminates; time limit 12 (truncation).
 * - `TestContinuousBandit-v0`: one step, action a ∈ [−2, 2], reward −(a − 0.5)².
 * - `TestStill-v0`: observation = steps taken, reward 1, never terminates; time limit 3.
 * - `TestMultiBandit-v0`: one step, multi-discrete action `nvec = [3, 2, 4]`; reward 1 for
 *   each entry equal to the target `[2, 0, 1]` (optimum 3).
 * - `TestMultiBinary-v0`: one step, multi-binary action of 4 bits; reward 1 for each bit
 *   equal to the target `[1, 0, 1, 1]` (optimum 4).
 * - `TestChain-v0`: a chain MDP with a `discrete` observation (the state 0…4); in state s
 *   the action `key[s]` (key = [1, 0, 0, 1]) moves to s + 1, the other stays; reward −1
 *   per step; reaching 4 terminates (optimum −4); time limit 16. The right action is not
 *   monotone in s, so a policy must tell the states apart. Its state is checkpointable
 *   (`getState`/`setState`), so a resumed run is bit-exact.
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

/** The multi-discrete bandit's target. */
export const MULTI_TARGET: readonly number[] = [2, 0, 1];

function multiBandit(): Env {
  return {
    observationSpace: { type: "box", low: -1, high: 1, shape: [1] },
    actionSpace: { type: "multi-discrete", nvec: [3, 2, 4] },
    reset: () => ({ observation: new Float32Array([0.5]), info: {} }),
    step: (a) => ({
      observation: new Float32Array([0.5]),
      reward: MULTI_TARGET.filter((t, i) => (a as Int32Array)[i] === t).length,
      terminated: true,
      truncated: false,
      info: {},
    }),
  };
}

/** The multi-binary bandit's target. */
export const BINARY_TARGET: readonly number[] = [1, 0, 1, 1];

function multiBinary(): Env {
  return {
    observationSpace: { type: "box", low: -1, high: 1, shape: [1] },
    actionSpace: { type: "multi-binary", n: 4 },
    reset: () => ({ observation: new Float32Array([0.5]), info: {} }),
    step: (a) => ({
      observation: new Float32Array([0.5]),
      reward: BINARY_TARGET.filter((t, i) => (a as Int32Array)[i] === t).length,
      terminated: true,
      truncated: false,
      info: {},
    }),
  };
}

/** The chain's key: the action that advances from each state. */
export const CHAIN_KEY: readonly number[] = [1, 0, 0, 1];

function chain(): Env & { getState(): number[]; setState(state: ArrayLike<number>): void } {
  let s = 0;
  return {
    getState: () => [s],
    setState: (state) => void (s = state[0]),
    observationSpace: { type: "discrete", n: 5 },
    actionSpace: { type: "discrete", n: 2 },
    reset: () => ({ observation: new Float32Array([s = 0]), info: {} }),
    step: (a) => {
      if (a === CHAIN_KEY[s]) s++;
      const done = s === 4;
      return {
        observation: new Float32Array([s]),
        reward: -1,
        terminated: done,
        truncated: false,
        info: {},
      };
    },
  };
}

if (!listEnvs().some((s) => s.id === "TestMultiBandit-v0")) {
  register({ id: "TestMultiBandit-v0", create: multiBandit });
  register({ id: "TestMultiBinary-v0", create: multiBinary });
  register({ id: "TestChain-v0", create: chain, maxEpisodeSteps: 16 });
}

if (!listEnvs().some((s) => s.id === "TestBandit-v0")) {
  register({ id: "TestBandit-v0", create: bandit });
  register({ id: "TestCorridor-v0", create: corridor, maxEpisodeSteps: 12 });
  register({ id: "TestContinuousBandit-v0", create: continuousBandit });
  register({ id: "TestStill-v0", create: still, maxEpisodeSteps: 3 });
}
