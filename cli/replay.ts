/**
 * `deno task replay <EnvId> <file.json>`: replays transitions recorded from Gymnasium against
 * this toolkit's classic-control environments.
 *
 * For every recorded transition (s, a, s', o', r, terminated, truncated, t) it sets the
 * environment's internal state to s, steps a, and compares:
 *
 * - the new internal state with s' (absolute error at most {@link STATE_TOLERANCE});
 * - the observation with o' (equal as float32, i.e. bit for bit);
 * - the reward with r (equal) and `terminated` (equal);
 * - `truncated` with Gymnasium's TimeLimit rule: the bare environment never truncates, and
 *   TimeLimit truncates the step whose 0-based index t satisfies t + 1 ≥ max_episode_steps
 *   (whatever `terminated` is).
 *
 * It prints one JSON line
 * `{"env":…,"transitions":N,"maxAbsStateError":…,"maxAbsObsError":…,"mismatches":M}` and
 * exits with 0 when M = 0, 1 when some transition differs (details of the first few on
 * stderr), and 2 on bad input (unknown id, unreadable file, malformed JSON).
 *
 * The file format is the one in `../shared/reference/gymnasium/*.json` (its `format_notes`).
 *
 * MuJoCo ids (`Hopper-v5`, …) replay files in the format of `../shared/reference/mujoco/*.json`
 * and `tests/data/mujoco/*.json` instead: the recorded integration state is injected, the
 * recorded action stepped, and observation, reward and `info` compared within 1e−9 (see
 * `replay_mujoco.ts`); the printed line then also names the MuJoCo release. Exit codes are
 * the same.
 *
 * Box2D ids (`LunarLander-v3`, `LunarLanderContinuous-v3`, `BipedalWalker-v3`) take the
 * episode files of `../shared/reference/box2d/` (or their trimmed copies in
 * `tests/data/box2d/`) and are replayed by `cli/replay_box2d.ts` with tolerances (same
 * termination step and flags, observations within 1e-2 everywhere and 1e-4 on ≥ 95 % of the
 * transitions, returns within 1.0); its JSON line has the same `env` and `mismatches` fields
 * and the exit codes are the same.
 * @module
 */
import { parseCommandLine } from "./args.ts";
import { z } from "../deps.ts";
import { contains, flatDim, formatZodIssues } from "../envs/spaces.ts";
import { type ClassicEnv, classicEnvs } from "../envs/classic/mod.ts";
import { mujocoReplayIds, replayMujocoTransitions } from "./replay_mujoco.ts";
import { box2dReplayIds, type Box2DReplayReport, replayBox2D } from "./replay_box2d.ts";

/** Largest absolute difference of a float64 state component still counted as equal. */
export const STATE_TOLERANCE = 1e-9;

/** Bad replay input: unknown environment id, malformed file, or mismatched shapes. */
export class ReplayInputError extends Error {
  /** Creates the error with a message naming what was wrong and where. */
  constructor(message: string) {
    super(message);
    this.name = "ReplayInputError";
  }
}

const TransitionSchema = z.object({
  episode: z.number().int().optional(),
  t: z.number().int().min(0, "t must be a 0-based step index (≥ 0)"),
  state: z.array(z.number()),
  action: z.union([z.number(), z.array(z.number())], {
    error: "action must be a number or an array of numbers",
  }),
  next_state: z.array(z.number()),
  next_obs: z.array(z.number()),
  reward: z.number(),
  terminated: z.boolean(),
  truncated: z.boolean(),
});

/** Zod schema of a recorded-transitions file (only the fields the replay uses). */
export const ReplayFileSchema = z.object({
  env_id: z.string().optional(),
  max_episode_steps: z.number().int().positive().nullable().optional(),
  transitions: z.array(TransitionSchema).min(1, "transitions must not be empty"),
});

/** One recorded transition, as in the reference files. */
export type RecordedTransition = z.infer<typeof TransitionSchema>;

/** How one transition differed from the recording. */
export interface ReplayMismatch {
  /** Index into `transitions`. */
  index: number;
  /** Episode number in the file, when recorded. */
  episode: number | undefined;
  /** Step index within the episode. */
  t: number;
  /** Which comparisons failed, e.g. `["next_state", "reward"]`. */
  fields: string[];
  /** Largest absolute state error of this transition. */
  stateError: number;
  /** Largest absolute observation error of this transition. */
  obsError: number;
  /** Expected and actual reward. */
  reward: [expected: number, actual: number];
  /** Expected and actual `terminated`. */
  terminated: [expected: boolean, actual: boolean];
  /** Expected and actual `truncated`. */
  truncated: [expected: boolean, actual: boolean];
}

/** Result of a replay; the CLI prints all but `details`. */
export interface ReplayReport {
  /** The environment id. */
  env: string;
  /** Number of transitions replayed. */
  transitions: number;
  /** Largest |state − recorded next_state| over all transitions. */
  maxAbsStateError: number;
  /** Largest |observation − recorded next_obs| over all transitions. */
  maxAbsObsError: number;
  /** Number of transitions where anything differed. */
  mismatches: number;
  /** The differing transitions (all of them). */
  details: ReplayMismatch[];
}

/** The ids the command knows: the classic-control ones, then the MuJoCo ones. */
export function knownEnvIds(): string[] {
  return [...classicEnvs.map((e) => e.id), ...mujocoReplayIds()];
}

/**
 * Replays `data` (a parsed reference file) against a fresh `envId` environment.
 * @throws ReplayInputError on an unknown id or malformed data, naming the field path.
 */
export function replayTransitions(envId: string, data: unknown): ReplayReport {
  const spec = classicEnvs.find((e) => e.id === envId);
  if (spec === undefined) {
    throw new ReplayInputError(
      `unknown environment id ${JSON.stringify(envId)}; classic-control ids: ${
        classicEnvs.map((e) => e.id).join(", ")
      }`,
    );
  }
  const parsed = ReplayFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ReplayInputError(`invalid replay file: ${formatZodIssues(parsed.error)}`);
  }
  const file = parsed.data;
  if (file.env_id !== undefined && file.env_id !== envId) {
    throw new ReplayInputError(
      `env_id: the file records ${JSON.stringify(file.env_id)} but ${
        JSON.stringify(envId)
      } was requested`,
    );
  }
  const maxEpisodeSteps = file.max_episode_steps ?? spec.maxEpisodeSteps;
  const env = spec.create();
  env.reset({ seed: 0 });
  const stateDim = env.getState().length;
  const obsDim = flatDim(env.observationSpace);
  file.transitions.forEach((tr, i) => checkShapes(env, tr, i, stateDim, obsDim));

  let maxAbsStateError = 0;
  let maxAbsObsError = 0;
  const details: ReplayMismatch[] = [];
  file.transitions.forEach((tr, index) => {
    env.setState(tr.state);
    const action = typeof tr.action === "number" ? tr.action : new Float32Array(tr.action);
    const result = env.step(action);
    const state = env.getState();
    const fields: string[] = [];

    let stateError = 0;
    for (let k = 0; k < stateDim; k++) {
      stateError = maxOrNaN(stateError, Math.abs(state[k] - tr.next_state[k]));
    }
    if (!(stateError <= STATE_TOLERANCE)) fields.push("next_state");

    let obsError = 0;
    let obsEqual = true;
    for (let k = 0; k < obsDim; k++) {
      const actual = result.observation[k];
      obsError = maxOrNaN(obsError, Math.abs(actual - tr.next_obs[k]));
      if (Math.fround(actual) !== Math.fround(tr.next_obs[k])) obsEqual = false;
    }
    if (!obsEqual) fields.push("next_obs");

    const truncated = result.truncated || tr.t + 1 >= maxEpisodeSteps;
    if (result.reward !== tr.reward) fields.push("reward");
    if (result.terminated !== tr.terminated) fields.push("terminated");
    if (truncated !== tr.truncated) fields.push("truncated");

    maxAbsStateError = maxOrNaN(maxAbsStateError, stateError);
    maxAbsObsError = maxOrNaN(maxAbsObsError, obsError);
    if (fields.length > 0) {
      details.push({
        index,
        episode: tr.episode,
        t: tr.t,
        fields,
        stateError,
        obsError,
        reward: [tr.reward, result.reward],
        terminated: [tr.terminated, result.terminated],
        truncated: [tr.truncated, truncated],
      });
    }
  });
  return {
    env: envId,
    transitions: file.transitions.length,
    maxAbsStateError,
    maxAbsObsError,
    mismatches: details.length,
    details,
  };
}

/** max(a, b), but NaN wins (a NaN error must never hide). */
function maxOrNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}

function checkShapes(
  env: ClassicEnv,
  tr: RecordedTransition,
  i: number,
  stateDim: number,
  obsDim: number,
): void {
  const where = `transitions.${i}`;
  for (const key of ["state", "next_state"] as const) {
    if (tr[key].length !== stateDim) {
      throw new ReplayInputError(
        `${where}.${key}: expected ${stateDim} numbers, got ${tr[key].length}`,
      );
    }
  }
  if (tr.next_obs.length !== obsDim) {
    throw new ReplayInputError(
      `${where}.next_obs: expected ${obsDim} numbers, got ${tr.next_obs.length}`,
    );
  }
  const space = env.actionSpace;
  if (space.type === "discrete") {
    if (!contains(space, tr.action)) {
      throw new ReplayInputError(
        `${where}.action: expected an integer in [0, ${space.n}), got ${JSON.stringify(tr.action)}`,
      );
    }
  } else if (!Array.isArray(tr.action) || tr.action.length !== flatDim(space)) {
    throw new ReplayInputError(
      `${where}.action: expected an array of ${flatDim(space)} numbers, got ${
        JSON.stringify(tr.action)
      }`,
    );
  }
}

const USAGE = "usage: deno task replay <EnvId> <file.json>";

/** Runs the command line; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let positionals: string[];
  try {
    const parsed = parseCommandLine(
      args,
      { help: { type: "boolean", short: "h" } },
      "replay",
      true,
    );
    if (parsed.values.help) {
      console.log(`${USAGE}\nknown ids: ${[...knownEnvIds(), ...box2dReplayIds()].join(", ")}`);
      return 0;
    }
    positionals = parsed.positionals;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length !== 2) {
    console.error(`replay: expected 2 arguments, got ${positionals.length}\n${USAGE}`);
    return 2;
  }
  const [envId, path] = positionals;
  const box2d = box2dReplayIds().includes(envId);
  if (!knownEnvIds().includes(envId) && !box2d) {
    console.error(
      `replay: unknown environment id ${JSON.stringify(envId)}; known ids: ${
        [...knownEnvIds(), ...box2dReplayIds()].join(", ")
      }`,
    );
    return 2;
  }
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    console.error(`replay: cannot read ${path}: ${(error as Error).message}`);
    return 2;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    console.error(`replay: ${path} is not valid JSON: ${(error as Error).message}`);
    return 2;
  }
  if (box2d) return await mainBox2D(envId, path, data);
  let report: { mismatches: number; details: unknown[] };
  try {
    report = mujocoReplayIds().includes(envId)
      ? await replayMujocoTransitions(envId, data)
      : replayTransitions(envId, data);
  } catch (error) {
    console.error(`replay: ${path}: ${(error as Error).message}`);
    return 2;
  }
  const { details, ...summary } = report;
  console.log(JSON.stringify(summary));
  for (const d of details.slice(0, 5)) {
    console.error(`replay: mismatch ${JSON.stringify(d)}`);
  }
  if (details.length > 5) console.error(`replay: … and ${details.length - 5} more mismatches`);
  return report.mismatches === 0 ? 0 : 1;
}

/** The Box2D branch of {@link main}: prints the summary line, returns the exit code. */
async function mainBox2D(envId: string, path: string, data: unknown): Promise<number> {
  let report: Box2DReplayReport;
  try {
    report = await replayBox2D(envId, data);
  } catch (error) {
    console.error(`replay: ${path}: ${(error as Error).message}`);
    return 2;
  }
  const { details, episodeReports, ...summary } = report;
  console.log(JSON.stringify(summary));
  for (const e of episodeReports) console.error(`replay: episode ${JSON.stringify(e)}`);
  for (const d of details.slice(0, 5)) console.error(`replay: mismatch ${d}`);
  if (details.length > 5) console.error(`replay: … and more mismatches`);
  return report.ok ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
