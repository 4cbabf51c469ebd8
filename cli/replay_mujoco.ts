/**
 * The MuJoCo part of `deno task replay`: replays transitions recorded from Gymnasium 1.4.0's
 * v5 environments on MuJoCo 3.12.0 (the format of `../shared/reference/mujoco/*.json` and of
 * the trimmed copies in `tests/data/mujoco/`, described by each file's `format_notes`).
 *
 * For every transition it injects the recorded integration state (time, qpos, qvel, act,
 * qacc_warmstart, ctrl; for Ant also the torso position the previous step left in `xpos`,
 * `main_body_xy_before`), steps the recorded action once, and compares:
 *
 * - `next_qpos`/`next_qvel`, the observation, the reward and every numeric `info` entry,
 *   each within {@link MUJOCO_TOLERANCE} relative error |a − e| / |e| (a recorded 0 must be
 *   reproduced exactly);
 * - `terminated` equal, and `truncated` equal to Gymnasium's TimeLimit rule
 *   (t + 1 ≥ max_episode_steps).
 *
 * Bit equality is not expected: the same MuJoCo release built for Wasm and natively agrees
 * to about 1e−13 per step (libm differs), and numpy's SIMD sin/cos differ from V8's in the
 * last bit. Per-step replay is the check, because free-running episodes of the chaotic
 * models (HalfCheetah, Ant, InvertedDoublePendulum) separate to O(1) within about 100–300
 * steps even between two builds of the same release.
 * @module
 */
import { z } from "../deps.ts";
import { formatZodIssues } from "../envs/spaces.ts";
import { type MujocoEnv, mujocoEnvs } from "../envs/mujoco/mod.ts";

/** Largest relative error |a − e| / |e| still counted as agreement. */
export const MUJOCO_TOLERANCE = 1e-9;

const numbers = z.array(z.number());

const StateSchema = z.object({
  time: z.number(),
  qpos: numbers,
  qvel: numbers,
  act: numbers,
  qacc_warmstart: numbers,
  ctrl: numbers,
});

const TransitionSchema = z.object({
  episode: z.number().int().optional(),
  t: z.number().int().min(0, "t must be a 0-based step index (≥ 0)"),
  state: StateSchema,
  action: numbers,
  main_body_xy_before: numbers.optional(),
  next_qpos: numbers,
  next_qvel: numbers,
  next_obs: numbers,
  reward: z.number(),
  info: z.record(z.string(), z.unknown()).optional(),
  terminated: z.boolean(),
  truncated: z.boolean(),
});

/** Zod schema of a recorded MuJoCo transitions file (the fields the replay uses). */
export const MujocoReplayFileSchema = z.object({
  env_id: z.string().optional(),
  max_episode_steps: z.number().int().positive().nullable().optional(),
  transitions: z.array(TransitionSchema).min(1, "transitions must not be empty"),
});

/** One recorded MuJoCo transition. */
export type MujocoTransition = z.infer<typeof TransitionSchema>;

/** How one transition differed from the recording. */
export interface MujocoReplayMismatch {
  /** Index into `transitions`. */
  index: number;
  /** Episode number in the file, when recorded. */
  episode: number | undefined;
  /** Step index within the episode. */
  t: number;
  /** Which comparisons failed, e.g. `["next_obs", "info.x_velocity"]`. */
  fields: string[];
  /** Largest relative error of the observation. */
  obsError: number;
  /** Relative error of the reward. */
  rewardError: number;
  /** Expected and actual reward. */
  reward: [expected: number, actual: number];
  /** Expected and actual `terminated`. */
  terminated: [expected: boolean, actual: boolean];
  /** Expected and actual `truncated`. */
  truncated: [expected: boolean, actual: boolean];
}

/** Result of a MuJoCo replay; the CLI prints all but `details`. */
export interface MujocoReplayReport {
  /** The environment id. */
  env: string;
  /** The MuJoCo release replayed on. */
  mujoco: string;
  /** Number of transitions replayed. */
  transitions: number;
  /** The tolerance applied to relative errors |a − e| / |e|. */
  tolerance: number;
  /** Largest relative error of `next_qpos`/`next_qvel`. */
  maxStateError: number;
  /** Largest relative error of an observation entry. */
  maxObsError: number;
  /** Largest relative error of a reward. */
  maxRewardError: number;
  /** Largest relative error of a numeric `info` entry. */
  maxInfoError: number;
  /** Largest plain |a − e| of an observation entry. */
  maxAbsObsError: number;
  /** Number of transitions where anything differed. */
  mismatches: number;
  /** The differing transitions (all of them). */
  details: MujocoReplayMismatch[];
}

/** The ids {@link replayMujocoTransitions} knows. */
export function mujocoReplayIds(): string[] {
  return mujocoEnvs.map((e) => e.id);
}

/**
 * The relative error |a − e| / |e| (0 when a = e, including both zero; Infinity when only e
 * is zero; NaN when either is NaN).
 */
export function replayError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** max(a, b), but NaN wins (a NaN error must never hide). */
function maxOrNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}

/** Error thrown for malformed input (the CLI maps it to exit code 2). */
export class MujocoReplayInputError extends Error {
  /** Creates the error with a message naming what was wrong and where. */
  constructor(message: string) {
    super(message);
    this.name = "MujocoReplayInputError";
  }
}

/**
 * Replays `data` (a parsed recorded file) against a fresh `envId` environment with default
 * options.
 * @throws MujocoReplayInputError on an unknown id or malformed data, naming the field path.
 */
export async function replayMujocoTransitions(
  envId: string,
  data: unknown,
): Promise<MujocoReplayReport> {
  const spec = mujocoEnvs.find((e) => e.id === envId);
  if (spec === undefined) {
    throw new MujocoReplayInputError(
      `unknown MuJoCo environment id ${JSON.stringify(envId)}; known ids: ${
        mujocoReplayIds().join(", ")
      }`,
    );
  }
  const parsed = MujocoReplayFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new MujocoReplayInputError(`invalid replay file: ${formatZodIssues(parsed.error)}`);
  }
  const file = parsed.data;
  if (file.env_id !== undefined && file.env_id !== envId) {
    throw new MujocoReplayInputError(
      `env_id: the file records ${JSON.stringify(file.env_id)} but ${
        JSON.stringify(envId)
      } was requested`,
    );
  }
  const maxEpisodeSteps = file.max_episode_steps ?? spec.maxEpisodeSteps;
  const env = await spec.create({});
  try {
    env.reset({ seed: 0 });
    file.transitions.forEach((tr, i) => checkShapes(env, tr, i));
    const report: MujocoReplayReport = {
      env: envId,
      mujoco: env.mujocoVersion,
      transitions: file.transitions.length,
      tolerance: MUJOCO_TOLERANCE,
      maxStateError: 0,
      maxObsError: 0,
      maxRewardError: 0,
      maxInfoError: 0,
      maxAbsObsError: 0,
      mismatches: 0,
      details: [],
    };
    const mainBody = (env as { options?: { mainBody?: number } }).options?.mainBody ?? 1;
    file.transitions.forEach((tr, index) => {
      const s = tr.state;
      env.setState([s.time, ...s.qpos, ...s.qvel, ...s.act, ...s.qacc_warmstart, ...s.ctrl]);
      if (tr.main_body_xy_before !== undefined) {
        const xpos = env.views.xpos;
        xpos[3 * mainBody] = tr.main_body_xy_before[0];
        xpos[3 * mainBody + 1] = tr.main_body_xy_before[1];
      }
      const result = env.step(new Float32Array(tr.action));
      const fields: string[] = [];
      const v = env.views;
      let stateError = 0;
      for (let k = 0; k < env.nq; k++) {
        stateError = maxOrNaN(stateError, replayError(v.qpos[k], tr.next_qpos[k]));
      }
      for (let k = 0; k < env.nv; k++) {
        stateError = maxOrNaN(stateError, replayError(v.qvel[k], tr.next_qvel[k]));
      }
      if (!(stateError <= MUJOCO_TOLERANCE)) fields.push("next_state");
      let obsError = 0;
      let absObs = 0;
      for (let k = 0; k < tr.next_obs.length; k++) {
        const a = result.observation[k];
        obsError = maxOrNaN(obsError, replayError(a, tr.next_obs[k]));
        absObs = maxOrNaN(absObs, a === tr.next_obs[k] ? 0 : Math.abs(a - tr.next_obs[k]));
      }
      if (!(obsError <= MUJOCO_TOLERANCE)) fields.push("next_obs");
      const rewardError = replayError(result.reward, tr.reward);
      if (!(rewardError <= MUJOCO_TOLERANCE)) fields.push("reward");
      let infoError = 0;
      for (const [key, expected] of Object.entries(tr.info ?? {})) {
        if (typeof expected !== "number") continue;
        const actual = result.info[key];
        const e = typeof actual === "number" ? replayError(actual, expected) : NaN;
        infoError = maxOrNaN(infoError, e);
        if (!(e <= MUJOCO_TOLERANCE)) fields.push(`info.${key}`);
      }
      const truncated = result.truncated || tr.t + 1 >= maxEpisodeSteps;
      if (result.terminated !== tr.terminated) fields.push("terminated");
      if (truncated !== tr.truncated) fields.push("truncated");
      report.maxStateError = maxOrNaN(report.maxStateError, stateError);
      report.maxObsError = maxOrNaN(report.maxObsError, obsError);
      report.maxRewardError = maxOrNaN(report.maxRewardError, rewardError);
      report.maxInfoError = maxOrNaN(report.maxInfoError, infoError);
      report.maxAbsObsError = maxOrNaN(report.maxAbsObsError, absObs);
      if (fields.length > 0) {
        report.details.push({
          index,
          episode: tr.episode,
          t: tr.t,
          fields,
          obsError,
          rewardError,
          reward: [tr.reward, result.reward],
          terminated: [tr.terminated, result.terminated],
          truncated: [tr.truncated, truncated],
        });
      }
    });
    report.mismatches = report.details.length;
    return report;
  } finally {
    env.close();
  }
}

function checkShapes(env: MujocoEnv, tr: MujocoTransition, i: number): void {
  const where = `transitions.${i}`;
  const expect = (path: string, got: number, want: number) => {
    if (got !== want) {
      throw new MujocoReplayInputError(`${where}.${path}: expected ${want} numbers, got ${got}`);
    }
  };
  expect("state.qpos", tr.state.qpos.length, env.nq);
  expect("state.qvel", tr.state.qvel.length, env.nv);
  expect("state.act", tr.state.act.length, env.model.na);
  expect("state.qacc_warmstart", tr.state.qacc_warmstart.length, env.nv);
  expect("state.ctrl", tr.state.ctrl.length, env.nu);
  expect("action", tr.action.length, env.nu);
  expect("next_qpos", tr.next_qpos.length, env.nq);
  expect("next_qvel", tr.next_qvel.length, env.nv);
  const obs = env.observationSpace.shape[0];
  expect("next_obs", tr.next_obs.length, obs);
  if (tr.main_body_xy_before !== undefined) {
    expect("main_body_xy_before", tr.main_body_xy_before.length, 2);
  }
}
