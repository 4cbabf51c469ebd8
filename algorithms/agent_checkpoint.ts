/**
 * The agent checkpoint: `dir/checkpoint.safetensors`, written atomically, holding
 * everything needed to continue training exactly (format `ascent-agent/1`).
 *
 * - tensors `policy/<name>`: the parameters θ (and φ);
 * - tensors `optim/<optimiser>/…` with their JSON: the optimiser states (Adam moments, step);
 * - metadata: algorithm, validated configuration, counters, the sampling generator, the
 *   vector environment's state (physical states, reset streams, episode and time-limit
 *   counters, normalisers), the episode window and the algorithm's own state (PPO-KL's β).
 *
 * @module
 */
import type { RngState } from "../random.ts";
import type { VectorEnvState } from "../envs/vector.ts";
import {
  type Checkpoint,
  CheckpointError,
  type CheckpointTensor,
  type JsonValue,
  loadCheckpoint,
  loadParameters,
  optimizerStateFromCheckpoint,
  optimizerStateToCheckpoint,
  parametersToTensors,
  saveCheckpoint,
} from "../policies/checkpoint.ts";
import type { Optimizer, Parameter } from "../nn/mod.ts";
import { VERSION } from "../version.ts";
import type { EpisodeWindowState } from "./metrics.ts";
import { ConfigError } from "./config.ts";

/** The name of the checkpoint file inside a save directory. */
export const CHECKPOINT_FILE = "checkpoint.safetensors";

/** What an agent checkpoint holds besides tensors (its JSON metadata). */
export interface AgentCheckpointState {
  /** The algorithm's name. */
  algo: string;
  /** The complete validated configuration. */
  config: Record<string, unknown>;
  /** Environment steps so far. */
  timesteps: number;
  /** Updates so far. */
  updates: number;
  /** The total of the last `learn` call (for schedules), or `null`. */
  totalTimesteps: number | null;
  /** The sampling and shuffling generator. */
  rng: RngState;
  /** The training environments (`null` before the first reset). */
  runner: VectorEnvState | null;
  /** The recent-episode window. */
  window: EpisodeWindowState;
  /** Algorithm state beyond parameters and optimisers. */
  algoState: JsonValue;
}

interface AgentMetadata extends AgentCheckpointState {
  format: "ascent-agent/1";
  version: string;
  optimizers: Record<string, JsonValue>;
}

/** Writes `dir/checkpoint.safetensors` atomically; returns its path. */
export async function saveAgentCheckpoint(
  dir: string,
  state: AgentCheckpointState,
  parameters: readonly Parameter[],
  optimizers: Readonly<Record<string, Optimizer>>,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const tensors: Record<string, CheckpointTensor> = parametersToTensors(parameters, "policy/");
  const optimizerJson: Record<string, JsonValue> = {};
  for (const [name, opt] of Object.entries(optimizers)) {
    const o = optimizerStateToCheckpoint(opt.getState(), `optim/${name}/`);
    optimizerJson[name] = o.json;
    Object.assign(tensors, o.tensors);
  }
  const { algo, config, timesteps, updates, totalTimesteps, rng, runner, window, algoState } =
    state;
  const meta: AgentMetadata = {
    format: "ascent-agent/1",
    version: VERSION,
    algo,
    config,
    timesteps,
    updates,
    totalTimesteps,
    rng,
    runner,
    window,
    optimizers: optimizerJson,
    algoState,
  };
  const path = `${dir}/${CHECKPOINT_FILE}`;
  await saveCheckpoint(path, { tensors, metadata: meta as unknown as JsonValue });
  return path;
}

/** A read agent checkpoint: its state, and a function loading its tensors into a model. */
export interface LoadedAgentCheckpoint {
  /** The file read. */
  path: string;
  /** The metadata. */
  state: AgentCheckpointState;
  /** Copies the parameters and optimiser states into `parameters` and `optimizers`. */
  restoreModel(
    parameters: readonly Parameter[],
    optimizers: Readonly<Record<string, Optimizer>>,
  ): void;
}

function wrongAlgorithm(path: string, saved: string, loading: string): CheckpointError {
  return new CheckpointError(
    path,
    `this is a ${saved} checkpoint, not ${loading}; load it with loadAgent(dir), which ` +
      `picks the algorithm from the checkpoint`,
  );
}

/**
 * Builds the agent a checkpoint describes with `construct` (an algorithm class's
 * constructor), refusing another algorithm's checkpoint with a {@link CheckpointError} that
 * names both algorithms and points at `loadAgent`.
 */
export function agentForCheckpoint<A extends { readonly algo: string }>(
  ck: LoadedAgentCheckpoint,
  construct: (config: unknown) => A,
  className: string,
): A {
  let agent: A;
  try {
    agent = construct(ck.state.config);
  } catch (error) {
    if (error instanceof ConfigError) throw wrongAlgorithm(ck.path, ck.state.algo, className);
    throw error;
  }
  if (agent.algo !== ck.state.algo) throw wrongAlgorithm(ck.path, ck.state.algo, agent.algo);
  return agent;
}

/**
 * The checkpoint file of `dir`: `dir/checkpoint.safetensors` (a folder written by
 * `agent.save(dir)`), or `dir/checkpoint/checkpoint.safetensors` (a run folder written by
 * `deno task train`) — the two are one format, one level apart.
 */
export function agentCheckpointPath(dir: string): string {
  const d = dir.replace(/\/+$/, "");
  const direct = `${d}/${CHECKPOINT_FILE}`, inRun = `${d}/checkpoint/${CHECKPOINT_FILE}`;
  try {
    Deno.statSync(direct);
    return direct;
  } catch {
    try {
      Deno.statSync(inRun);
      return inRun;
    } catch {
      return direct; // reported as missing by the reader
    }
  }
}

/**
 * Reads the agent checkpoint of `dir` (an `agent.save` folder or a run folder).
 * @throws CheckpointError when it is not an agent checkpoint, or (with `algo`) another
 * algorithm's
 */
export async function loadAgentCheckpoint(
  dir: string,
  algo?: string,
): Promise<LoadedAgentCheckpoint> {
  const path = agentCheckpointPath(dir);
  const ck: Checkpoint = await loadCheckpoint(path);
  const meta = ck.metadata as unknown as AgentMetadata;
  if (meta?.format !== "ascent-agent/1") {
    throw new CheckpointError(path, `not an agent checkpoint (format ${meta?.format})`);
  }
  if (algo !== undefined && meta.algo !== algo) {
    throw wrongAlgorithm(path, meta.algo, algo);
  }
  return {
    path,
    state: meta,
    restoreModel(parameters, optimizers) {
      loadParameters(parameters, ck.tensors, path, "policy/");
      for (const [name, opt] of Object.entries(optimizers)) {
        const json = meta.optimizers[name];
        if (json === undefined) throw new CheckpointError(path, `missing optimiser "${name}"`);
        opt.setState(optimizerStateFromCheckpoint(json, ck.tensors, path, `optim/${name}/`));
      }
    },
  };
}

/** The first multiple of `every` above `timesteps`: when the next periodic checkpoint is due. */
export function nextCheckpointAt(timesteps: number, every: number): number {
  return every > 0 ? (Math.floor(timesteps / every) + 1) * every : Infinity;
}

/**
 * Checks a checkpoint's counters against each other: `timesteps`, `updates` and
 * `totalTimesteps` are non-negative integers, no update is shorter than one step, and for
 * algorithms with a fixed rollout length (`stepsPerUpdate` > 0) `timesteps` is exactly
 * `updates × stepsPerUpdate`.
 * @throws CheckpointError naming the file and the counters that disagree.
 */
export function assertCounters(
  path: string,
  s: { timesteps: unknown; updates: unknown; totalTimesteps: unknown },
  stepsPerUpdate: number,
): void {
  for (const key of ["timesteps", "updates", "totalTimesteps"] as const) {
    const v = s[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      throw new CheckpointError(path, `counter ${key} is ${String(v)}, not a non-negative integer`);
    }
  }
  const { timesteps, updates } = s as { timesteps: number; updates: number };
  if (updates > timesteps) {
    throw new CheckpointError(
      path,
      `counters disagree: ${updates} updates in ${timesteps} steps (an update takes at least one)`,
    );
  }
  if (stepsPerUpdate > 0 && timesteps !== updates * stepsPerUpdate) {
    throw new CheckpointError(
      path,
      `counters disagree: ${timesteps} steps after ${updates} updates of ${stepsPerUpdate} ` +
        `steps (expected ${updates * stepsPerUpdate})`,
    );
  }
}
