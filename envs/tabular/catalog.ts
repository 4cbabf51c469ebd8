/**
 * Ready-made tabular MDPs: three hand-made ones and a seeded random generator.
 *
 * - {@link shortCorridor}: Sutton & Barto's short corridor with switched actions
 *   (Example 13.1), reward −1 per step; here every state has its own one-hot observation.
 * - {@link gridWorld4x3}: Russell & Norvig's 4×3 grid world: moves succeed with
 *   probability 0.8 and slip sideways with 0.1 each, −0.04 per step, +1 / −1 on entering
 *   the two terminal cells.
 * - {@link twoStepTree}: two decisions with stochastic outcomes and rewards that depend on
 *   the next state; every episode ends after exactly two steps, so its trajectories can be
 *   enumerated exactly.
 * - {@link randomMdp}: seeded random dynamics (Dirichlet(1) rows), Gaussian rewards
 *   `r(s,a,s')`, and one terminal state entered from every (s, a) with probability at
 *   least `terminationProb / 2`, so every policy ends its episodes (mean length ≲ 2/p).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomMdp } from "./catalog.ts";
 * const a = randomMdp({ seed: 3, numStates: 4, numActions: 2 });
 * const b = randomMdp({ seed: 3, numStates: 4, numActions: 2 });
 * assert.equal(a.numStates, 5);
 * assert.ok(a.transitions.every((p, i) => p === b.transitions[i]));
 * ```
 * @module
 */
import { Rng } from "../../random.ts";
import { createMdp, type TabularMdp } from "./mdp.ts";

/**
 * Short corridor with switched actions: states 0, 1, 2 and the terminal goal 3; action 0
 * moves left, 1 moves right, except in state 1 where they are swapped; moving left in
 * state 0 stays there. Reward −1 on every step; start in state 0.
 */
export function shortCorridor(): TabularMdp {
  const S = 4;
  const A = 2;
  const transitions = new Float64Array(S * A * S);
  const next = [[0, 1], [2, 0], [1, 3]]; // next[s][a]
  for (let s = 0; s < 3; s++) {
    for (let a = 0; a < A; a++) transitions[(s * A + a) * S + next[s][a]] = 1;
  }
  return createMdp({
    name: "ShortCorridor",
    numStates: S,
    numActions: A,
    transitions,
    rewards: new Float64Array(S * A).fill(-1),
    initial: [1, 0, 0, 0],
    terminal: [3],
    stateNames: ["left", "switched", "right", "goal"],
    actionNames: ["left", "right"],
  });
}

/**
 * Russell & Norvig's 4×3 grid world. Cells (column x = 1…4, row y = 1…3) except the wall
 * at (2,2), numbered row by row from the bottom left; start at (1,1); (4,3) is the +1
 * terminal and (4,2) the −1 terminal. Actions up, right, down, left; the intended move
 * happens with probability 0.8, each perpendicular move with 0.1; bumping into the wall or
 * the border stays put. Reward on entering s': +1 / −1 for the terminals, else −0.04.
 */
export function gridWorld4x3(): TabularMdp {
  const cells: [number, number][] = [];
  for (let y = 1; y <= 3; y++) {
    for (let x = 1; x <= 4; x++) if (!(x === 2 && y === 2)) cells.push([x, y]);
  }
  const S = cells.length; // 11
  const A = 4;
  const index = (x: number, y: number): number =>
    cells.findIndex(([cx, cy]) => cx === x && cy === y);
  const goal = index(4, 3);
  const pit = index(4, 2);
  const moves: [number, number][] = [[0, 1], [1, 0], [0, -1], [-1, 0]]; // up right down left
  const transitions = new Float64Array(S * A * S);
  const rewards = new Float64Array(S * A * S);
  for (let s = 0; s < S; s++) {
    const [x, y] = cells[s];
    for (let a = 0; a < A; a++) {
      const outcomes: [number, number][] = [[a, 0.8], [(a + 1) % 4, 0.1], [(a + 3) % 4, 0.1]];
      for (const [m, p] of outcomes) {
        let t = index(x + moves[m][0], y + moves[m][1]);
        if (t < 0) t = s;
        transitions[(s * A + a) * S + t] += p;
      }
      for (let t = 0; t < S; t++) {
        rewards[(s * A + a) * S + t] = t === goal ? 1 : t === pit ? -1 : -0.04;
      }
    }
  }
  const initial = new Float64Array(S);
  initial[index(1, 1)] = 1;
  return createMdp({
    name: "GridWorld4x3",
    numStates: S,
    numActions: A,
    transitions,
    rewards,
    initial,
    terminal: [goal, pit],
    stateNames: cells.map(([x, y]) => `(${x},${y})`),
    actionNames: ["up", "right", "down", "left"],
  });
}

/**
 * Two decisions: from the root 0, action 0 leads to state 1 w.p. 0.7 (reward 1) or
 * state 2 w.p. 0.3 (reward 0); action 1 leads to state 1 w.p. 0.2 (reward 0) or state 2
 * w.p. 0.8 (reward 0.5). From states 1 and 2 each action ends the episode in the
 * terminal "win" (3) or "lose" (4) with action-dependent probabilities and rewards.
 */
export function twoStepTree(): TabularMdp {
  const S = 5;
  const A = 2;
  const transitions = new Float64Array(S * A * S);
  const rewards = new Float64Array(S * A * S);
  const set = (s: number, a: number, t: number, p: number, r: number) => {
    transitions[(s * A + a) * S + t] = p;
    rewards[(s * A + a) * S + t] = r;
  };
  set(0, 0, 1, 0.7, 1);
  set(0, 0, 2, 0.3, 0);
  set(0, 1, 1, 0.2, 0);
  set(0, 1, 2, 0.8, 0.5);
  set(1, 0, 3, 0.9, 1);
  set(1, 0, 4, 0.1, -2);
  set(1, 1, 3, 0.5, 3);
  set(1, 1, 4, 0.5, -1);
  set(2, 0, 3, 0.3, 2);
  set(2, 0, 4, 0.7, 0);
  set(2, 1, 3, 0.6, 1);
  set(2, 1, 4, 0.4, -1);
  return createMdp({
    name: "TwoStepTree",
    numStates: S,
    numActions: A,
    transitions,
    rewards,
    initial: [1, 0, 0, 0, 0],
    terminal: [3, 4],
    stateNames: ["root", "left", "right", "win", "lose"],
  });
}

/** Options of {@link randomMdp}. */
export interface RandomMdpOptions {
  /** Seed of the generator (required: random MDPs are always reproducible). */
  seed: number;
  /** Number of non-terminal states; one terminal state is added as the last state. */
  numStates: number;
  /** Number of actions. */
  numActions: number;
  /** Mean probability of terminating on a step (each (s,a) gets p·U(0.5, 1.5)); default 0.2. */
  terminationProb?: number;
  /** Standard deviation of the Gaussian rewards r(s,a,s'); default 1. */
  rewardScale?: number;
}

/**
 * A seeded random MDP: Dirichlet(1) transition rows over the non-terminal states, scaled to
 * leave probability `p_sa = terminationProb · U(0.5, 1.5)` of entering the terminal state,
 * rewards `r(s,a,s') ∼ N(0, rewardScale²)`, start distribution Dirichlet(1).
 */
export function randomMdp(options: RandomMdpOptions): TabularMdp {
  const { seed, numStates: n, numActions: A } = options;
  const p = options.terminationProb ?? 0.2;
  const scale = options.rewardScale ?? 1;
  if (!(p > 0 && p * 1.5 <= 1)) {
    throw new RangeError(`randomMdp: terminationProb must be in (0, 2/3], got ${p}`);
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`randomMdp: numStates must be a positive integer, got ${n}`);
  }
  const rng = new Rng(seed);
  const S = n + 1;
  const transitions = new Float64Array(S * A * S);
  const rewards = new Float64Array(S * A * S);
  const dirichlet = (out: Float64Array, offset: number, k: number, mass: number) => {
    let total = 0;
    for (let i = 0; i < k; i++) total += out[offset + i] = -Math.log(1 - rng.uniform());
    for (let i = 0; i < k; i++) out[offset + i] *= mass / total;
  };
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < A; a++) {
      const row = (s * A + a) * S;
      const stop = p * rng.uniformRange(0.5, 1.5);
      dirichlet(transitions, row, n, 1 - stop);
      transitions[row + n] = stop;
      for (let t = 0; t < S; t++) rewards[row + t] = scale * rng.normal();
    }
  }
  const initial = new Float64Array(S);
  dirichlet(initial, 0, n, 1);
  return createMdp({
    name: `RandomMdp(seed=${seed},S=${n},A=${A})`,
    numStates: S,
    numActions: A,
    transitions,
    rewards,
    initial,
    terminal: [n],
  });
}
