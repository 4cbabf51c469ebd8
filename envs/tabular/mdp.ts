/**
 * Finite MDPs given by tables.
 *
 * A tabular MDP has states `0 … S−1`, actions `0 … A−1`, and
 *
 * - transitions `P(s' | s, a)`, stored flat at `(s·A + a)·S + s'`;
 * - rewards `r(s, a, s')` received on the transition `s —a→ s'`, same layout (a table of
 *   `r(s, a)` is accepted and broadcast over `s'`); the solvers use the expected reward
 *   `r̄(s, a) = Σ_{s'} P(s'|s,a) r(s,a,s')`;
 * - a start distribution `μ(s)`;
 * - terminal states. Entering one ends the episode (`terminated`). For the exact solvers a
 *   terminal state is **absorbing with zero reward**: its transition rows are overwritten
 *   by a self-loop and its rewards by 0, so `V(terminal) = Q(terminal, ·) = 0` and the
 *   discounted state distribution `d^π` keeps the (harmless) mass that sits in terminal
 *   states after the episode ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createMdp } from "./mdp.ts";
 * // One decision: action 1 reaches the terminal state 1 with reward 1.
 * const mdp = createMdp({
 *   name: "tiny",
 *   numStates: 2,
 *   numActions: 2,
 *   transitions: [1, 0, 0, 1, 0, 1, 0, 1],
 *   rewards: [0, 1, 0, 0],
 *   initial: [1, 0],
 *   terminal: [1],
 * });
 * assert.equal(mdp.terminal[1], 1);
 * assert.equal(mdp.rewards[1 * 2 + 1], 1);
 * ```
 * @module
 */

/** A validated finite MDP (see the module documentation for the layout). */
export interface TabularMdp {
  /** A name used in error messages and tables. */
  readonly name: string;
  /** Number of states S (terminal states included). */
  readonly numStates: number;
  /** Number of actions A (the same in every state). */
  readonly numActions: number;
  /** `P(s'|s,a)` at `(s·A + a)·S + s'`; terminal rows are self-loops. */
  readonly transitions: Float64Array;
  /** `r(s,a,s')` at `(s·A + a)·S + s'`; zero out of terminal states. */
  readonly rewards: Float64Array;
  /** Start distribution μ, length S, zero on terminal states. */
  readonly initial: Float64Array;
  /** 1 for terminal states, length S. */
  readonly terminal: Uint8Array;
  /** Optional state labels (for tables and `render`). */
  readonly stateNames?: readonly string[];
  /** Optional action labels. */
  readonly actionNames?: readonly string[];
}

/** What {@link createMdp} accepts. */
export interface TabularMdpSpec {
  /** A name used in error messages and tables. */
  name: string;
  /** Number of states S. */
  numStates: number;
  /** Number of actions A. */
  numActions: number;
  /** `P(s'|s,a)` at `(s·A + a)·S + s'`, length S·A·S (rows out of terminal states ignored). */
  transitions: ArrayLike<number>;
  /** `r(s,a,s')` (length S·A·S) or `r(s,a)` (length S·A, index `s·A + a`). */
  rewards: ArrayLike<number>;
  /** Start distribution μ, length S (normalised here; must be zero on terminal states). */
  initial: ArrayLike<number>;
  /** Indices of the terminal states. */
  terminal?: readonly number[];
  /** Optional state labels. */
  stateNames?: readonly string[];
  /** Optional action labels. */
  actionNames?: readonly string[];
}

/**
 * Validates a table specification and returns the canonical MDP (terminal states made
 * absorbing with zero reward, μ normalised).
 *
 * @throws RangeError naming the MDP, the field and the offending index/value: wrong lengths,
 *   negative or non-finite entries, transition rows not summing to 1 (tolerance 1e-9),
 *   start mass on a terminal state.
 */
export function createMdp(spec: TabularMdpSpec): TabularMdp {
  const { name, numStates: S, numActions: A } = spec;
  const where = `createMdp(${JSON.stringify(name)})`;
  for (const [key, v] of [["numStates", S], ["numActions", A]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${where}: ${key} must be a positive integer, got ${v}`);
    }
  }
  const size = S * A * S;
  if (spec.transitions.length !== size) {
    throw new RangeError(
      `${where}: transitions has length ${spec.transitions.length}, expected S·A·S = ${size}`,
    );
  }
  if (spec.rewards.length !== size && spec.rewards.length !== S * A) {
    throw new RangeError(
      `${where}: rewards has length ${spec.rewards.length}, expected S·A·S = ${size} ` +
        `or S·A = ${S * A}`,
    );
  }
  if (spec.initial.length !== S) {
    throw new RangeError(`${where}: initial has length ${spec.initial.length}, expected ${S}`);
  }
  const terminal = new Uint8Array(S);
  for (const [i, s] of (spec.terminal ?? []).entries()) {
    if (!Number.isInteger(s) || s < 0 || s >= S) {
      throw new RangeError(`${where}: terminal[${i}] = ${s} is not a state in [0, ${S})`);
    }
    terminal[s] = 1;
  }
  const transitions = new Float64Array(size);
  const rewards = new Float64Array(size);
  const perTransition = spec.rewards.length === size;
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const row = (s * A + a) * S;
      if (terminal[s]) {
        transitions[row + s] = 1;
        continue;
      }
      let total = 0;
      for (let t = 0; t < S; t++) {
        const p = spec.transitions[row + t];
        if (!(p >= 0) || !Number.isFinite(p)) {
          throw new RangeError(`${where}: transitions[${s}][${a}][${t}] = ${p} is not ≥ 0`);
        }
        total += p;
        const r = perTransition ? spec.rewards[row + t] : spec.rewards[s * A + a];
        if (!Number.isFinite(r)) {
          throw new RangeError(`${where}: reward of (s=${s}, a=${a}, s'=${t}) is ${r}`);
        }
        rewards[row + t] = r;
      }
      if (Math.abs(total - 1) > 1e-9) {
        throw new RangeError(`${where}: transitions[${s}][${a}] sums to ${total}, not 1`);
      }
      for (let t = 0; t < S; t++) transitions[row + t] = spec.transitions[row + t] / total;
    }
  }
  const initial = new Float64Array(S);
  let mass = 0;
  for (let s = 0; s < S; s++) {
    const m = spec.initial[s];
    if (!(m >= 0) || !Number.isFinite(m)) {
      throw new RangeError(`${where}: initial[${s}] = ${m} is not ≥ 0`);
    }
    if (m > 0 && terminal[s]) {
      throw new RangeError(`${where}: initial[${s}] = ${m} puts start mass on terminal state`);
    }
    initial[s] = m;
    mass += m;
  }
  if (!(mass > 0)) throw new RangeError(`${where}: initial has no mass`);
  for (let s = 0; s < S; s++) initial[s] /= mass;
  for (
    const [key, labels, n] of [
      ["stateNames", spec.stateNames, S],
      ["actionNames", spec.actionNames, A],
    ] as const
  ) {
    if (labels !== undefined && labels.length !== n) {
      throw new RangeError(`${where}: ${key} has ${labels.length} labels, expected ${n}`);
    }
  }
  return {
    name,
    numStates: S,
    numActions: A,
    transitions,
    rewards,
    initial,
    terminal,
    stateNames: spec.stateNames,
    actionNames: spec.actionNames,
  };
}

/** Expected rewards `r̄(s,a) = Σ_{s'} P(s'|s,a) r(s,a,s')`, length S·A (index `s·A + a`). */
export function expectedRewards(mdp: TabularMdp): Float64Array {
  const { numStates: S, numActions: A, transitions, rewards } = mdp;
  const out = new Float64Array(S * A);
  for (let sa = 0; sa < S * A; sa++) {
    let r = 0;
    for (let t = 0; t < S; t++) r += transitions[sa * S + t] * rewards[sa * S + t];
    out[sa] = r;
  }
  return out;
}

/** The label of state `s` (its name, or `s<index>`). */
export function stateLabel(mdp: TabularMdp, s: number): string {
  return mdp.stateNames?.[s] ?? `s${s}`;
}
