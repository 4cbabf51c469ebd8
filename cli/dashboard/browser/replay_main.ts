/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * Entry point of the self-contained replay page written by `deno task render`: reads the
 * episodes embedded in `<script id="replay-data" type="application/json">` and mounts the
 * player on `#player`.
 * @module
 */
import { mountPlayer, type PlayerEpisode } from "./player.ts";

/** What the page embeds. */
interface ReplayData {
  title: string;
  subtitle: string;
  episodes: PlayerEpisode[];
}

const data: ReplayData = JSON.parse(document.getElementById("replay-data")!.textContent!);
mountPlayer(document.getElementById("player")!, data.episodes, {
  title: data.title,
  subtitle: data.subtitle,
});
