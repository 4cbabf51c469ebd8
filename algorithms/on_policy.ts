/**
 * The base of the five algorithms that learn from fixed-length rollouts (A2C, VPG, TRPO,
 * PPO-KL, PPO): each update collects `numSteps × numEnvs` transitions with
 * `collectRollout`, computes GAE(γ, λ) advantages, and hands the batch to the algorithm's
 * `update`. Also gathers minibatches (rows picked by index) into reusable buffers.
 * @module
 */
import { noGrad, type Optimizer, RMSprop, Tensor } from "../nn/mod.ts";
import { toEnvActions } from "./actions.ts";
import { Agent } from "./agent.ts";
import type { CommonConfig, RolloutConfig } from "./config.ts";
import { collectRollout, RolloutBuffer, RolloutScratch } from "./rollout.ts";

/** Fields the fixed-length rollout needs. */
export type OnPolicyConfig = CommonConfig & RolloutConfig;

/** A minibatch as tensors (data in reusable buffers: valid until the next `gather`). */
export interface Minibatch {
  /** Rows. */
  size: number;
  /** Observations, `size × obsDim`. */
  obs: Tensor;
  /** Actions (`Int32Array` or `Float32Array`, `size × actDim`). */
  actions: Int32Array | Float32Array;
  /** `log π_old(a|s)`, `size × 1`. */
  oldLogProbs: Tensor;
  /** Old distribution parameters, `size × paramDim`. */
  oldParams: Tensor;
  /** `v_old(s)`, `size × 1`. */
  oldValues: Tensor;
  /** Advantages (normalised per minibatch when asked), `size × 1`. */
  advantages: Tensor;
  /** λ-returns, `size × 1`. */
  returns: Tensor;
}

/** An agent that learns from `numSteps × numEnvs` rollouts with GAE. */
export abstract class OnPolicyAgent<
  C extends OnPolicyConfig,
  O extends Record<string, Optimizer> = Record<string, Optimizer>,
> extends Agent<C, O> {
  /** The current rollout. */
  protected buffer!: RolloutBuffer;
  #scratch!: RolloutScratch;
  #mb: Map<number, Minibatch> = new Map();
  #mbAdv = new Float64Array(0);

  /** Allocates the rollout. */
  protected override setup(): void {
    this.buffer = new RolloutBuffer(this.policy, this.config.numSteps, this.config.numEnvs);
    this.#scratch = new RolloutScratch(this.policy, this.config.numEnvs);
  }

  /** Fraction of training left, `1 − (update − 1)/numUpdates` (CleanRL's annealing). */
  protected progressRemaining(): number {
    const total = this.totalTimesteps ?? 0;
    const per = this.stepsPerUpdate;
    if (per <= 0 || total <= 0) return 1;
    const numUpdates = Math.max(1, Math.floor(total / per));
    return Math.max(0, 1 - this.updates / numUpdates);
  }

  /**
   * `epochs` passes over the shuffled rollout in `numMinibatches` minibatches, calling
   * `step` with each (advantages normalised per minibatch when asked); stops after an
   * epoch when `stop()` says so.
   */
  protected minibatchEpochs(
    epochs: number,
    numMinibatches: number,
    normalizeAdvantages: boolean,
    step: (mb: Minibatch) => void,
    stop: () => boolean = () => false,
  ): void {
    const batch = this.buffer.size;
    const mbSize = Math.max(1, Math.floor(batch / numMinibatches));
    const indices = this.batchIndices();
    for (let epoch = 0; epoch < epochs; epoch++) {
      this.rng.shuffle(indices);
      for (let start = 0; start < batch; start += mbSize) {
        step(this.gather(indices, start, Math.min(mbSize, batch - start), normalizeAdvantages));
      }
      if (stop()) break;
    }
  }

  /** `numSteps × numEnvs`. */
  protected get stepsPerUpdate(): number {
    return this.config.numSteps * this.config.numEnvs;
  }

  /** Collects one rollout and computes its GAE advantages and returns. */
  protected async collect(): Promise<boolean> {
    const ok = await collectRollout(
      {
        policy: this.policy,
        envs: this.envs,
        rng: this.rng,
        toEnvActions: (a, rows, out) => toEnvActions(this.policy.actionSpace, a, rows, out),
        onStep: (finished) => this.afterStep(finished, this.config.numEnvs),
      },
      this.buffer,
      this.#scratch,
    );
    if (ok) this.buffer.computeAdvantages(this.config.gamma, this.config.gaeLambda);
    return ok;
  }

  /**
   * Copies rows `indices[from .. from+size)` of the rollout into a minibatch; with
   * `normalizeAdvantages`, the advantages are normalised over the minibatch
   * (`(A − mean)/(std + 1e-8)`, unbiased std, as CleanRL).
   */
  protected gather(
    indices: Int32Array,
    from: number,
    size: number,
    normalizeAdvantages: boolean,
  ): Minibatch {
    const p = this.policy;
    const b = this.buffer;
    let mb = this.#mb.get(size);
    if (!mb) {
      // own buffers (never a BufferPool's: the minibatch outlives any pooled step)
      const own = (cols: number) => new Tensor(size, cols, new Float32Array(size * cols));
      mb = {
        size,
        obs: own(p.obsDim),
        actions: p.head.createActions(size),
        oldLogProbs: own(1),
        oldParams: own(p.paramDim),
        oldValues: own(1),
        advantages: own(1),
        returns: own(1),
      };
      this.#mb.set(size, mb);
    }
    if (this.#mbAdv.length < size) this.#mbAdv = new Float64Array(size);
    const { obsDim, actDim, paramDim } = p;
    const adv = this.#mbAdv;
    for (let k = 0; k < size; k++) {
      const r = indices[from + k];
      copyRow(b.obs, r, mb.obs.data, k, obsDim);
      copyRow(b.actions, r, mb.actions, k, actDim);
      copyRow(b.params, r, mb.oldParams.data, k, paramDim);
      mb.oldLogProbs.data[k] = b.logProbs[r];
      mb.oldValues.data[k] = b.values[r];
      mb.returns.data[k] = b.returns[r];
      adv[k] = b.advantages[r];
    }
    let mean = 0, std = 1;
    if (normalizeAdvantages && size > 1) {
      for (let k = 0; k < size; k++) mean += adv[k];
      mean /= size;
      let ss = 0;
      for (let k = 0; k < size; k++) ss += (adv[k] - mean) ** 2;
      std = Math.sqrt(ss / (size - 1)) + 1e-8;
    }
    for (let k = 0; k < size; k++) mb.advantages.data[k] = (adv[k] - mean) / std;
    return mb;
  }

  /**
   * Approximate KL(π_old‖π_θ) on the whole rollout at the current parameters,
   * `E[(r − 1) − log r]` with `r = π_θ(a|s)/π_old(a|s)` (no gradient).
   */
  protected batchApproxKl(): number {
    const b = this.buffer;
    const p = this.policy;
    const mb = this.gather(this.batchIndices(), 0, b.size, false);
    return noGrad(() => {
      const lp = p.logProb(p.distribution(mb.obs), mb.actions).data;
      let kl = 0;
      for (let k = 0; k < b.size; k++) {
        const lr = lp[k] - b.logProbs[k];
        kl += Math.exp(lr) - 1 - lr;
      }
      return kl / b.size;
    });
  }

  /** The identity permutation of the batch rows, reused. */
  protected batchIndices(): Int32Array {
    const n = this.buffer.size;
    if (this.#indices.length !== n) {
      this.#indices = new Int32Array(n);
    }
    for (let i = 0; i < n; i++) this.#indices[i] = i;
    return this.#indices;
  }
  #indices = new Int32Array(0);
}

/** The fields of an on-policy agent whose actor and critic share one Adam. */
export type SharedAdamConfig = OnPolicyConfig & { learningRate: number; annealLr: boolean };

/**
 * An on-policy agent whose actor and critic share one Adam and one loss
 * `L = L^π + c_vf·L^V − c_ent·H` (A2C, PPO-KL, PPO).
 */
export abstract class SharedAdamAgent<C extends SharedAdamConfig>
  extends OnPolicyAgent<C, { adam: Optimizer }> {
  /**
   * One Adam over actor and critic (as CleanRL), or RMSprop (α 0.99, ε 1e-5, as SB3's A2C)
   * when {@link SharedAdamAgent.usesRmsprop}; the slot keeps the name `adam` either way.
   */
  protected createOptimizers(): { adam: Optimizer } {
    const params = this.policy.parameters(), lr = this.config.learningRate;
    if (this.usesRmsprop()) return { adam: new RMSprop(params, { lr, alpha: 0.99, eps: 1e-5 }) };
    return { adam: this.adam(params, lr) };
  }

  /** Whether the shared optimiser is RMSprop instead of Adam (false here). */
  protected usesRmsprop(): boolean {
    return false;
  }

  /** The optimiser at this update's rate: `lr₀`, or `lr₀ · (1 − (k − 1)/K)` when annealing. */
  protected scheduledAdam(): Optimizer {
    const { learningRate, annealLr } = this.config;
    const adam = this.optimizers.adam;
    adam.lr = annealLr ? learningRate * this.progressRemaining() : learningRate;
    return adam;
  }
}

function copyRow(
  src: Float32Array | Int32Array,
  r: number,
  dst: Float32Array | Int32Array,
  k: number,
  d: number,
): void {
  const a = r * d, b = k * d;
  for (let j = 0; j < d; j++) dst[b + j] = src[a + j];
}
