/**
 * A tabular MDP as an ordinary environment.
 *
 * - `reset()` draws `s₀ ∼ μ`; `step(a)` draws `s' ∼ P(·|s,a)`, pays `r(s,a,s')` and reports
 *   `terminated = true` when `s'` is terminal. The environment never truncates (wrap it in
 *   a time limit if the MDP might not terminate).
 * - **Observations are one-hot vectors**: a `box` space `[0,1]^S` (float32), state s
 *   encoded as `e_s`. A discrete observation space would make the observation the single
 *   number s, which networks would read as a magnitude; with one-hot input a bias-free
 *   linear layer `logits = W e_s = W[:, s]` *is* the softmax-tabular policy
 *   `π(a|s) = softmax(θ[s,:])` with `θ[s,a] = W[a,s]`, so the toolkit's networks and
 *   distributions apply unchanged and exact tabular results carry over to them.
 * - Actions are `discrete` with `A` values. `info.state` holds the state index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TabularEnv } from "./env.ts";
 * import { shortCorridor } from "./catalog.ts";
 * const env = new TabularEnv(shortCorridor());
 * const { observation } = env.reset({ seed: 1 });
 * assert.equal(observation.length, 4);
 * assert.equal(observation[0], 1);
 * const { info } = env.step(1);
 * assert.equal(info.state, 1);
 * ```
 * @module
 */
import { Rng } from "../../random.ts";
import type { BoxSpace, DiscreteSpace } from "../spaces.ts";
import type { Action, FastStepEnv, ResetOptions, ResetResult, StepResult } from "../types.ts";
import { stateLabel, type TabularMdp } from "./mdp.ts";

/** The one-hot encoding `e_s` of state s among S states, as a Float32Array. */
export function oneHot(state: number, numStates: number): Float32Array {
  const out = new Float32Array(numStates);
  out[state] = 1;
  return out;
}

/** The state index of a one-hot observation (the position of its largest entry). */
export function stateOf(observation: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < observation.length; i++) {
    if (observation[i] > observation[best]) best = i;
  }
  return best;
}

/**
 * A finite MDP behind the `Env` interface (one-hot observations, discrete actions), with
 * the allocation-free `FastStepEnv` path for the vector environment.
 */
export class TabularEnv implements FastStepEnv {
  /** `box [0,1]^S`: one-hot states. */
  readonly observationSpace: BoxSpace;
  /** `discrete A`. */
  readonly actionSpace: DiscreteSpace;
  /** The MDP being simulated. */
  readonly mdp: TabularMdp;
  #rng: Rng;
  #state = -1;
  #done = false;

  /** Wraps `mdp`; `seed` seeds the generator (re-seed with `reset({ seed })`). */
  constructor(mdp: TabularMdp, options: { seed?: number } = {}) {
    this.mdp = mdp;
    this.observationSpace = { type: "box", low: 0, high: 1, shape: [mdp.numStates] };
    this.actionSpace = { type: "discrete", n: mdp.numActions };
    this.#rng = new Rng(options.seed ?? 0);
  }

  /** The current state index (−1 before the first reset). */
  get state(): number {
    return this.#state;
  }

  /** Starts an episode in `s₀ ∼ μ`. */
  reset(options: ResetOptions = {}): ResetResult {
    if (options.seed !== undefined) this.#rng.seed(options.seed);
    this.#start();
    return {
      observation: oneHot(this.#state, this.mdp.numStates),
      info: { state: this.#state },
    };
  }

  /** Takes action `a`: `s' ∼ P(·|s,a)`, reward `r(s,a,s')`, terminated when s' is terminal. */
  step(action: Action): StepResult {
    const reward = this.#advance(action, "step");
    return {
      observation: oneHot(this.#state, this.mdp.numStates),
      reward,
      terminated: this.#done,
      truncated: false,
      info: { state: this.#state },
    };
  }

  /** {@link TabularEnv.step} writing the one-hot observation into `out` at `offset`. */
  stepInto(
    action: number | Float32Array,
    out: Float32Array,
    offset: number,
    terminated: Uint8Array,
    index: number,
  ): number {
    const reward = this.#advance(action, "stepInto");
    out.fill(0, offset, offset + this.mdp.numStates);
    out[offset + this.#state] = 1;
    terminated[index] = this.#done ? 1 : 0;
    return reward;
  }

  /** {@link TabularEnv.reset} writing the one-hot observation into `out` at `offset`. */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    if (seed !== undefined) this.#rng.seed(seed);
    this.#start();
    out.fill(0, offset, offset + this.mdp.numStates);
    out[offset + this.#state] = 1;
  }

  #start(): void {
    this.#state = this.#rng.categorical(this.mdp.initial);
    this.#done = false;
  }

  #advance(action: Action, method: string): number {
    const { numStates: S, numActions: A, transitions, rewards, terminal } = this.mdp;
    const where = `TabularEnv(${this.mdp.name}).${method}`;
    if (this.#state < 0) throw new Error(`${where}: call reset() before step()`);
    if (this.#done) throw new Error(`${where}: the episode has terminated; call reset()`);
    if (typeof action !== "number" || !Number.isInteger(action) || action < 0 || action >= A) {
      throw new RangeError(`${where}: action must be an integer in [0, ${A}), got ${action}`);
    }
    const row = (this.#state * A + action) * S;
    const next = this.#rng.categorical(transitions, row, S);
    this.#state = next;
    this.#done = terminal[next] === 1;
    return rewards[row + next];
  }

  /** The current state's label, e.g. `"s2 (terminal)"`. */
  render(): string {
    if (this.#state < 0) return "(not reset)";
    const label = stateLabel(this.mdp, this.#state);
    return this.mdp.terminal[this.#state] ? `${label} (terminal)` : label;
  }
}
