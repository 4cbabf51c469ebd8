/**
 * Copies a trimmed subset of the recorded MuJoCo transitions from
 * `../shared/reference/mujoco/<EnvId>.json` into `tests/data/mujoco/<EnvId>.json`, so that the
 * replay tests run in a clone without `../shared/`.
 *
 * Per episode it keeps the first {@link HEAD} recorded transitions (consecutive from the reset,
 * so a test can also free-run them from the recorded reset state) and the last {@link TAIL}
 * (which carry the terminating or truncating flags), up to {@link BUDGET} transitions per
 * environment. Kept values are copied unchanged, in the source's format (the replay reads
 * both); `trimmed_from` records the source file's SHA-256 and what was kept. The files are
 * then laid out by `deno fmt`, so that the repository's format check passes.
 *
 * Usage: `deno run --allow-read --allow-write tools/trim_mujoco_reference.ts`
 * @module
 */
import { MUJOCO_ENV_IDS } from "../envs/mujoco/mod.ts";

/** Transitions kept from the start of each episode. */
export const HEAD = 16;
/** Transitions kept from the end of each episode. */
export const TAIL = 5;
/** Most transitions kept per environment. */
export const BUDGET = 160;

const IDS = MUJOCO_ENV_IDS;

/** Fields of the source file copied unchanged (the transitions and episodes are filtered). */
const COPIED = [
  "env_id",
  "gymnasium_version",
  "gymnasium_commit",
  "generated_with",
  "format_notes",
  "max_episode_steps",
  "reward_threshold",
  "xml_file",
  "frame_skip",
  "model_timestep",
  "dt",
  "init_qpos",
  "init_qvel",
  "mjSTATE_INTEGRATION",
];

interface Transition {
  episode: number;
  t: number;
  [key: string]: unknown;
}

interface Episode {
  episode: number;
  [key: string]: unknown;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function trim(id: string, source: URL, target: URL): Promise<number> {
  const bytes = await Deno.readFile(source);
  const data = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const transitions = data.transitions as Transition[];
  const byEpisode = new Map<number, Transition[]>();
  for (const tr of transitions) {
    const list = byEpisode.get(tr.episode) ?? [];
    list.push(tr);
    byEpisode.set(tr.episode, list);
  }
  const kept: Transition[] = [];
  const keptEpisodes = new Set<number>();
  for (const [episode, list] of byEpisode) {
    const chosen = list.length <= HEAD + TAIL
      ? list
      : [...list.slice(0, HEAD), ...list.slice(list.length - TAIL)];
    if (kept.length + chosen.length > BUDGET) break;
    kept.push(...chosen);
    keptEpisodes.add(episode);
  }
  const out: Record<string, unknown> = {};
  for (const key of COPIED) if (key in data) out[key] = data[key];
  out.trimmed_from = {
    file: `shared/reference/mujoco/${id}.json`,
    sha256: await sha256(bytes),
    rule: `per episode the first ${HEAD} and the last ${TAIL} recorded transitions ` +
      `(all of them when fewer), at most ${BUDGET} per environment; values unchanged`,
  };
  out.episodes = (data.episodes as Episode[]).filter((e) => keptEpisodes.has(e.episode));
  out.transitions = kept;
  await Deno.writeTextFile(target, JSON.stringify(out) + "\n");
  return kept.length;
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const sourceDir = new URL("../shared/reference/mujoco/", root);
  const targetDir = new URL("tests/data/mujoco/", root);
  await Deno.mkdir(targetDir, { recursive: true });
  for (const id of IDS) {
    const n = await trim(id, new URL(`${id}.json`, sourceDir), new URL(`${id}.json`, targetDir));
    console.log(`${id}: kept ${n} transitions`);
  }
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", targetDir.pathname],
  }).output();
  if (fmt.code !== 0) throw new Error(`deno fmt failed: ${new TextDecoder().decode(fmt.stderr)}`);
}
