/**
 * The Box2D half of `deno task replay`: replays episodes recorded from Gymnasium 1.4.0's
 * Box2D environments (`../shared/reference/box2d/*.json`, format in their `format_notes`)
 * against this toolkit's planck ports, feeding the recorded random draws in Gymnasium's order.
 *
 * For each episode: a fresh environment, the draws of `reset` and of every step queued in a
 * `RecordedDraws`, `reset()`, then the recorded actions (`all_actions` when the file stores
 * only windows of transitions) until the environment terminates or Gymnasium's time limit
 * truncates. Physics is planck with Box2D 2.3.0's float32 solvers, whose collision and time of
 * impact are still float64, against Box2D 2.3.0 (float32), so the comparison uses tolerances
 * rather than bit equality:
 *
 * - every episode ends on the same step with the same `terminated` / `truncated` flags;
 * - every stored observation is within {@link OBS_TOLERANCE} (absolute, per component), and at
 *   least {@link CLOSE_FRACTION} of them within {@link CLOSE_TOLERANCE};
 * - every episode return is within {@link RETURN_TOLERANCE}.
 *
 * `mismatches` counts the transitions whose observation or flags are outside these bounds, the
 * recorded transitions never reached, and the episodes whose end or return is; the run fails
 * when it is not 0 or when the close fraction is below {@link CLOSE_FRACTION}.
 * @module
 */
import { z } from "../deps.ts";
import { formatZodIssues } from "../envs/spaces.ts";
import type { Action, StepResult } from "../envs/types.ts";
import { box2dEnvs, RecordedDraws } from "../envs/box2d/mod.ts";

/** Every stored observation must be this close (absolute, per component). */
export const OBS_TOLERANCE = 1e-2;
/** The tighter bound that most observations must meet. */
export const CLOSE_TOLERANCE = 1e-4;
/** The fraction of transitions that must meet {@link CLOSE_TOLERANCE}. */
export const CLOSE_FRACTION = 0.95;
/** Largest allowed |return − recorded return| per episode. */
export const RETURN_TOLERANCE = 1.0;

const CallSchema = z.object({
  method: z.string(),
  for: z.string().optional(),
  values: z.array(z.union([z.number(), z.array(z.number())])),
});

const ActionSchema = z.union([z.number(), z.array(z.number())]);

const TransitionSchema = z.object({
  episode: z.number().int(),
  t: z.number().int().min(0),
  action: ActionSchema,
  draws: z.array(z.number()).optional(),
  next_obs: z.array(z.number()),
  reward: z.number(),
  terminated: z.boolean(),
  truncated: z.boolean(),
});

const EpisodeSchema = z.object({
  episode: z.number().int(),
  length: z.number().int().min(1),
  return: z.number(),
  terminated: z.boolean(),
  truncated: z.boolean(),
  reset: z.object({ obs: z.array(z.number()), np_random_calls: z.array(CallSchema) }),
  all_actions: z.array(ActionSchema).optional(),
});

/** Zod schema of a recorded Box2D episodes file (only the fields the replay uses). */
export const Box2DReplayFileSchema = z.object({
  env_id: z.string().optional(),
  gymnasium_make: z.object({ id: z.string(), kwargs: z.record(z.string(), z.unknown()) })
    .optional(),
  max_episode_steps: z.number().int().positive(),
  episodes: z.array(EpisodeSchema).min(1, "episodes must not be empty"),
  transitions: z.array(TransitionSchema),
});

/** What happened in one replayed episode. */
export interface Box2DEpisodeReport {
  /** Episode number in the file. */
  episode: number;
  /** Recorded and replayed episode length. */
  length: [recorded: number, replayed: number];
  /** Recorded and replayed final flags `[terminated, truncated]`. */
  flags: [recorded: [boolean, boolean], replayed: [boolean, boolean]];
  /** Recorded and replayed return. */
  return: [recorded: number, replayed: number];
  /** Largest observation error over the episode's stored transitions. */
  maxObsError: number;
  /**
   * First step whose observation error exceeded {@link CLOSE_TOLERANCE}, or the first stored
   * step the replay never reached because it ended early (−1: none).
   */
  firstDivergence: number;
}

/** Result of a Box2D replay; the CLI prints all but `episodeReports` and `details`. */
export interface Box2DReplayReport {
  /** The environment id. */
  env: string;
  /** Episodes replayed. */
  episodes: number;
  /** Episodes that ended on the recorded step with the recorded flags. */
  sameEnd: number;
  /** Stored transitions compared (reset observations not included). */
  transitions: number;
  /** Fraction of compared transitions with every observation component within 1e-4. */
  within1e4: number;
  /** Fraction of compared observation components within 1e-4 (informative). */
  componentsWithin1e4: number;
  /** Largest observation error over all compared transitions. */
  maxAbsObsError: number;
  /** Largest error of the observation returned by `reset`. */
  maxResetObsError: number;
  /** Largest |return − recorded return|. */
  maxReturnError: number;
  /** Largest per-step |reward − recorded reward| (informative; terminal steps included). */
  maxRewardError: number;
  /** Transitions and episodes outside the bounds (see the module doc). */
  mismatches: number;
  /** True when mismatches = 0 and within1e4 ≥ 0.95. */
  ok: boolean;
  /** Per-episode figures. */
  episodeReports: Box2DEpisodeReport[];
  /** Descriptions of the first mismatches. */
  details: string[];
}

/** The ids {@link replayBox2D} knows. */
export function box2dReplayIds(): string[] {
  return box2dEnvs.map((e) => e.id);
}

/** Flattens a reset's `np_random_calls` into the values in call order. */
function resetDraws(calls: z.infer<typeof CallSchema>[]): number[] {
  const out: number[] = [];
  for (const c of calls) {
    for (const v of c.values) {
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
  }
  return out;
}

/**
 * Replays `data` (a parsed Box2D reference file) against `envId`.
 * @throws Error on an unknown id or malformed data, naming the field path.
 */
export async function replayBox2D(envId: string, data: unknown): Promise<Box2DReplayReport> {
  const spec = box2dEnvs.find((e) => e.id === envId);
  if (spec === undefined) {
    throw new Error(
      `unknown Box2D environment id ${JSON.stringify(envId)}; known: ${
        box2dReplayIds().join(", ")
      }`,
    );
  }
  const parsed = Box2DReplayFileSchema.safeParse(data);
  if (!parsed.success) throw new Error(`invalid replay file: ${formatZodIssues(parsed.error)}`);
  const file = parsed.data;
  const options = { ...spec.defaults, ...(file.gymnasium_make?.kwargs ?? {}) };
  delete (options as Record<string, unknown>).render_mode;
  for (const [k, v] of Object.entries(options)) {
    const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel !== k) {
      delete (options as Record<string, unknown>)[k];
      (options as Record<string, unknown>)[camel] = v;
    }
  }

  const byEpisode = new Map<number, z.infer<typeof TransitionSchema>[]>();
  for (const tr of file.transitions) {
    const list = byEpisode.get(tr.episode) ?? [];
    list.push(tr);
    byEpisode.set(tr.episode, list);
  }

  let transitions = 0;
  let close = 0;
  let components = 0;
  let closeComponents = 0;
  let mismatches = 0;
  let sameEnd = 0;
  let maxAbsObsError = 0;
  let maxResetObsError = 0;
  let maxReturnError = 0;
  let maxRewardError = 0;
  const details: string[] = [];
  const episodeReports: Box2DEpisodeReport[] = [];
  const note = (s: string) => {
    if (details.length < 20) details.push(s);
  };

  for (const ep of file.episodes) {
    const stored = new Map<number, z.infer<typeof TransitionSchema>>();
    for (const tr of byEpisode.get(ep.episode) ?? []) stored.set(tr.t, tr);
    const actions: z.infer<typeof ActionSchema>[] = ep.all_actions ??
      [...stored.values()].sort((a, b) => a.t - b.t).map((tr) => tr.action);
    if (actions.length < ep.length) {
      throw new Error(
        `episodes.${ep.episode}: ${actions.length} actions for a ${ep.length}-step episode`,
      );
    }
    const draws = resetDraws(ep.reset.np_random_calls);
    for (let t = 0; t < ep.length; t++) {
      const d = stored.get(t)?.draws;
      if (d !== undefined) draws.push(...d);
    }
    const env = await spec.create(options);
    env.setDrawSource(new RecordedDraws(draws));
    const reset = env.reset();
    const resetErr = maxError(reset.observation, ep.reset.obs);
    maxResetObsError = maxOrNaN(maxResetObsError, resetErr);
    if (!(resetErr <= OBS_TOLERANCE)) {
      mismatches++;
      note(`episode ${ep.episode}: reset observation off by ${resetErr}`);
    }

    let ret = 0;
    let t = 0;
    let flags: [boolean, boolean] = [false, false];
    let epMaxObs = 0;
    let firstDivergence = -1;
    for (; t < ep.length; t++) {
      const a = actions[t];
      // As recorded: float32 values for random actions, float64 for heuristic ones (the env
      // uses them unrounded, as Gymnasium does; Action's Float32Array would round them).
      const action = (typeof a === "number" ? a : Float64Array.from(a)) as unknown as Action;
      const r = env.step(action) as StepResult;
      const truncated = t + 1 >= file.max_episode_steps;
      ret += r.reward;
      flags = [r.terminated, truncated];
      const tr = stored.get(t);
      if (tr !== undefined) {
        transitions++;
        const err = maxError(r.observation, tr.next_obs);
        epMaxObs = maxOrNaN(epMaxObs, err);
        maxRewardError = maxOrNaN(maxRewardError, Math.abs(r.reward - tr.reward));
        if (err <= CLOSE_TOLERANCE) close++;
        else if (firstDivergence < 0) firstDivergence = t;
        for (let k = 0; k < tr.next_obs.length; k++) {
          components++;
          if (Math.abs(r.observation[k] - tr.next_obs[k]) <= CLOSE_TOLERANCE) closeComponents++;
        }
        const bad = !(err <= OBS_TOLERANCE) || r.terminated !== tr.terminated ||
          truncated !== tr.truncated;
        if (bad) {
          mismatches++;
          note(
            `episode ${ep.episode} t=${t}: obs error ${err}, terminated ${r.terminated} ` +
              `(recorded ${tr.terminated}), truncated ${truncated} (recorded ${tr.truncated})`,
          );
        }
      }
      if (r.terminated || truncated) {
        t++;
        break;
      }
    }
    // Stored transitions after an early end were never reached.
    for (const tr of stored.values()) {
      if (tr.t >= t) {
        transitions++;
        mismatches++;
        if (firstDivergence < 0 || tr.t < firstDivergence) firstDivergence = tr.t;
      }
    }
    maxAbsObsError = maxOrNaN(maxAbsObsError, epMaxObs);
    const returnError = Math.abs(ret - ep.return);
    maxReturnError = maxOrNaN(maxReturnError, returnError);
    const endOk = t === ep.length && flags[0] === ep.terminated && flags[1] === ep.truncated;
    if (endOk) sameEnd++;
    else {
      mismatches++;
      note(
        `episode ${ep.episode}: ended at ${t} with ${JSON.stringify(flags)}, recorded ` +
          `${ep.length} with ${JSON.stringify([ep.terminated, ep.truncated])}`,
      );
    }
    if (!(returnError <= RETURN_TOLERANCE)) {
      mismatches++;
      note(`episode ${ep.episode}: return ${ret}, recorded ${ep.return}`);
    }
    episodeReports.push({
      episode: ep.episode,
      length: [ep.length, t],
      flags: [[ep.terminated, ep.truncated], flags],
      return: [ep.return, ret],
      maxObsError: epMaxObs,
      firstDivergence,
    });
    env.close();
  }
  const within1e4 = transitions === 0 ? 1 : close / transitions;
  return {
    env: envId,
    episodes: file.episodes.length,
    sameEnd,
    transitions,
    within1e4,
    componentsWithin1e4: components === 0 ? 1 : closeComponents / components,
    maxAbsObsError,
    maxResetObsError,
    maxReturnError,
    maxRewardError,
    mismatches,
    ok: mismatches === 0 && within1e4 >= CLOSE_FRACTION,
    episodeReports,
    details,
  };
}

function maxError(actual: ArrayLike<number>, expected: readonly number[]): number {
  if (actual.length !== expected.length) return NaN;
  let m = 0;
  for (let k = 0; k < expected.length; k++) m = maxOrNaN(m, Math.abs(actual[k] - expected[k]));
  return m;
}

/** max(a, b), but NaN wins (a NaN error must never hide). */
function maxOrNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}
