/**
 * Recording episodes as frames: plays a policy in an environment from the registry and keeps,
 * for every step, the environment's {@link Frame} (see `envs/render.ts`), the action, the
 * reward and the return so far.
 *
 * Episode k is reset with seed `seed + k` and acts exactly as `evaluate()` does, so the
 * returns recorded equal those of `deno task eval` on the same seeds. Frame 0 is the state
 * after `reset`; frame t (t ≥ 1) the state after step t, whose action, reward and return
 * are `actions[t − 1]`, `rewards[t − 1]` and `returns[t − 1]`.
 * @module
 */
import {
  type Action,
  canRenderFrames,
  type Env,
  type Frame,
  make,
  parseFrame,
  playEpisode,
  renderFrameOf,
} from "../../envs/mod.ts";

/** One recorded episode (plain JSON). */
export interface RecordedEpisode {
  /** Environment id. */
  env: string;
  /** The seed its reset used. */
  seed: number;
  /** Whether the policy took its most probable action. */
  deterministic: boolean;
  /** Frame 0 after reset, then one after each step. */
  frames: Frame[];
  /** The action of each step (a number, or the vector of a continuous action). */
  actions: (number | number[])[];
  /** The reward of each step. */
  rewards: number[];
  /** The return after each step (running sum of the rewards). */
  returns: number[];
  /** The episode's undiscounted return. */
  totalReturn: number;
  /** Steps taken. */
  length: number;
  /** How it ended. */
  end: "terminated" | "truncated" | "step limit";
}

/** Anything that picks actions (every agent). */
export interface ActionSource {
  /** The action for one observation. */
  predict(observation: ArrayLike<number>, options?: { deterministic?: boolean }): Action;
  /** Builds what `predict` needs; awaited first when present. */
  ready?(): Promise<unknown>;
}

/** Options of {@link recordEpisodes}. */
export interface RecordOptions {
  /** Episodes (default 1). */
  episodes?: number;
  /** Seed of episode 0 (episode k: seed + k). */
  seed: number;
  /** Most probable action (default true). */
  deterministic?: boolean;
  /** Environment constructor options. */
  envOptions?: Record<string, unknown>;
  /** Safety limit on the steps of one episode (default 100 000). */
  maxSteps?: number;
}

/** The action as JSON: a number, or an array of numbers. */
export function actionToJson(action: Action): number | number[] {
  return typeof action === "number" ? action : Array.from(action);
}

/**
 * Plays `policy` on `envId` and records every frame.
 * @throws Error naming the environment when it has no `renderFrame` (see plugins/README.md).
 */
export async function recordEpisodes(
  policy: ActionSource,
  envId: string,
  options: RecordOptions,
): Promise<RecordedEpisode[]> {
  const episodes = options.episodes ?? 1;
  const deterministic = options.deterministic ?? true;
  const maxSteps = options.maxSteps ?? 100_000;
  if (policy.ready) await policy.ready();
  const env: Env = await make(envId, { envOptions: options.envOptions ?? {} });
  if (!canRenderFrames(env)) {
    await env.close?.();
    throw new Error(
      `render: environment "${envId}" does not draw frames (it has no renderFrame(); ` +
        `plugins/README.md says how an environment provides one)`,
    );
  }
  const out: RecordedEpisode[] = [];
  try {
    for (let k = 0; k < episodes; k++) {
      const seed = options.seed + k;
      const frames: RecordedEpisode["frames"] = [];
      const actions: (number | number[])[] = [];
      const rewards: number[] = [];
      const returns: number[] = [];
      let total = 0;
      const episode = await playEpisode(env, (obs) => policy.predict(obs, { deterministic }), {
        seed,
        maxSteps,
        onReset: () => frames.push(parseFrame(renderFrameOf(env), `${envId}.renderFrame`)),
        onStep: (action, s) => {
          total += s.reward;
          actions.push(actionToJson(action));
          rewards.push(s.reward);
          returns.push(total);
          frames.push(renderFrameOf(env)!);
        },
      });
      const end: RecordedEpisode["end"] = episode.terminated
        ? "terminated"
        : episode.truncated
        ? "truncated"
        : "step limit";
      out.push({
        env: envId,
        seed,
        deterministic,
        frames,
        actions,
        rewards,
        returns,
        totalReturn: total,
        length: rewards.length,
        end,
      });
    }
  } finally {
    await env.close?.();
  }
  return out;
}

/**
 * JSON of episodes with numbers rounded to 5 significant decimals (frames shrink about
 * threefold; rewards and returns are kept exactly).
 */
export function episodesToJson(episodes: RecordedEpisode[]): string {
  return JSON.stringify(episodes.map((e) => ({
    ...e,
    frames: e.frames.map((f) => JSON.parse(JSON.stringify(f, roundNumbers))),
  })));
}

function roundNumbers(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isInteger(value)
    ? Math.round(value * 1e5) / 1e5
    : value;
}
