/**
 * A memory estimate made before training allocates anything, so that sizes that cannot
 * work on the machine (a huge `numEnvs`, rollout or observation space) are refused at once
 * with the estimate, instead of hanging or being killed after gigabytes of allocation.
 *
 * The estimate adds, in bytes:
 *
 * - the rollout buffer: R rows (R = numSteps·numEnvs, or for episode-batched REINFORCE
 *   episodesPerUpdate·maxEpisodeSteps) × (4·obsDim + 4·actDim + 4·paramDim + 52), the
 *   observations, actions and distribution parameters as float32 and nine per-step
 *   scalars;
 * - the vector environment: numEnvs × (12·obsDim + 4·actDim + 2 048) — three observation
 *   buffers (current, final, staging), actions, and about 2 KiB per environment object;
 * - the networks: P parameters × 16 (value, gradient, two Adam moments, float32);
 * - activations: the minibatch rows × Σ hidden widths × 4 bytes × 4 (forward values and
 *   their gradients, actor and critic), plus the minibatch's inputs.
 *
 * It is a lower bound of what training needs (the JavaScript heap, code and environment
 * internals come on top), so refusing when it exceeds the available memory never refuses
 * a run that could have worked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateTrainingMemory } from "./memory.ts";
 * const e = estimateTrainingMemory({
 *   numEnvs: 8, rows: 8 * 128, minibatchRows: 256, obsDim: 4, actDim: 1, paramDim: 2,
 *   hiddenSizes: [64, 64], outputs: 2,
 * });
 * assert.ok(e.totalBytes > 0 && e.totalBytes < 10 * 2 ** 20);
 * ```
 * @module
 */
import { ConfigError } from "./config.ts";

/** The sizes the estimate needs. */
export interface MemorySizes {
  /** Parallel environments. */
  numEnvs: number;
  /** Rollout rows per update. */
  rows: number;
  /** Rows of one gradient step (a minibatch, or the whole rollout). */
  minibatchRows: number;
  /** Elements of one observation. */
  obsDim: number;
  /** Elements of one action (1 for discrete). */
  actDim: number;
  /** Distribution parameters per row (logits, or mean and log-std). */
  paramDim: number;
  /** Hidden layer widths (actor and critic alike). */
  hiddenSizes: number[];
  /** Actor outputs (logits or means). */
  outputs: number;
}

/** The estimate, by part. */
export interface MemoryEstimate {
  /** Rollout buffer bytes. */
  rolloutBytes: number;
  /** Vector-environment bytes. */
  envBytes: number;
  /** Parameter, gradient and optimiser bytes. */
  networkBytes: number;
  /** Activation bytes of one gradient step. */
  activationBytes: number;
  /** The sum. */
  totalBytes: number;
}

function mlpParams(sizes: number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < sizes.length; i++) n += sizes[i] * sizes[i + 1] + sizes[i + 1];
  return n;
}

/** Estimates the memory of training with `s` (see the module doc). */
export function estimateTrainingMemory(s: MemorySizes): MemoryEstimate {
  const rolloutBytes = s.rows * (4 * s.obsDim + 4 * s.actDim + 4 * s.paramDim + 52);
  const envBytes = s.numEnvs * (12 * s.obsDim + 4 * s.actDim + 2048);
  const params = mlpParams([s.obsDim, ...s.hiddenSizes, s.outputs]) +
    mlpParams([s.obsDim, ...s.hiddenSizes, 1]);
  const networkBytes = 16 * params;
  const hidden = s.hiddenSizes.reduce((a, b) => a + b, 0);
  const activationBytes = s.minibatchRows * (16 * hidden + 8 * s.obsDim + 8 * s.outputs);
  return {
    rolloutBytes,
    envBytes,
    networkBytes,
    activationBytes,
    totalBytes: rolloutBytes + envBytes + networkBytes + activationBytes,
  };
}

/** Memory this process can still use, in bytes (`MemAvailable`), or `null` if unknown. */
export function availableMemory(): number | null {
  try {
    const text = Deno.readTextFileSync("/proc/meminfo");
    const kb = Number(/MemAvailable:\s+(\d+)\s*kB/.exec(text)?.[1]);
    if (Number.isFinite(kb) && kb > 0) return kb * 1024;
  } catch { /* not Linux, or no read access */ }
  try {
    return Deno.systemMemoryInfo().available;
  } catch {
    return null;
  }
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/**
 * Refuses an estimate above `limitBytes` (default: 90 % of the available memory, or
 * 64 GiB when that is unknown).
 * @throws ConfigError naming the estimate, its largest part and the limit.
 */
export function assertMemoryFits(
  algo: string,
  e: MemoryEstimate,
  s: MemorySizes,
  limitBytes: number = (availableMemory() ?? 64 * 2 ** 30) * 0.9,
): void {
  if (e.totalBytes <= limitBytes) return;
  const parts: [string, number][] = [
    [`rollout buffer (${s.rows} rows × obs ${s.obsDim})`, e.rolloutBytes],
    [`vector environment (numEnvs ${s.numEnvs} × obs ${s.obsDim})`, e.envBytes],
    ["networks and optimiser", e.networkBytes],
    [`activations (${s.minibatchRows} rows per gradient step)`, e.activationBytes],
  ];
  parts.sort((a, b) => b[1] - a[1]);
  throw new ConfigError(algo, [{
    path: "(memory)",
    message: `training needs at least ${gib(e.totalBytes)} (${
      parts.map(([what, b]) => `${what}: ${gib(b)}`).join(", ")
    }), more than the ${gib(limitBytes)} this machine has available; lower numEnvs, ` +
      `numSteps or the observation size`,
    value: e.totalBytes,
  }]);
}
