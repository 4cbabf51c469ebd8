/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The episode player (browser code): draws recorded {@link Frame}s as SVG with play/pause, a
 * scrubber, the playback speed, the episode picker and, for the step shown, the action, the
 * reward and the return. Keyboard: space plays or pauses, ←/→ step one frame.
 *
 * Used by the self-contained replay page (`deno task render`), the dashboard and the live
 * policy page (which appends steps while the policy acts: {@link Player.push}).
 * @module
 */
import { type Frame, frameToSvg } from "../../../envs/render.ts";

/** What the player shows of one episode (a `RecordedEpisode` fits). */
export interface PlayerEpisode {
  /** The seed its reset used. */
  seed: number;
  /** Frame 0 after reset, then one per step. */
  frames: Frame[];
  /** The action of each step. */
  actions: (number | number[])[];
  /** The reward of each step. */
  rewards: number[];
  /** The return after each step. */
  returns: number[];
  /** Set when the episode is over. */
  end?: string;
}

/** Options of {@link mountPlayer}. */
export interface PlayerOptions {
  /** Heading shown above the picture. */
  title?: string;
  /** A second line under the heading. */
  subtitle?: string;
  /** Start playing at once (default true). */
  autoplay?: boolean;
  /** Follow the newest frame as steps are pushed (live mode). */
  follow?: boolean;
}

/** A mounted player. */
export interface Player {
  /** Adds an episode and shows it when following. */
  addEpisode(episode: PlayerEpisode): void;
  /** Signals that frames were appended to the last episode (live mode). */
  push(): void;
  /** Shows frame `t` of episode `e`. */
  show(e: number, t: number): void;
  /** The episode and frame shown. */
  position(): { episode: number; frame: number };
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A number as a short label. */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function fmtAction(a: number | number[] | undefined): string {
  if (a === undefined) return "—";
  return typeof a === "number" ? String(a) : `[${a.map(fmt).join(", ")}]`;
}

/** Mounts a player into `root` (emptied first). */
export function mountPlayer(
  root: HTMLElement,
  episodes: PlayerEpisode[],
  options: PlayerOptions = {},
): Player {
  root.textContent = "";
  root.classList.add("player");
  if (options.title) {
    const head = el("div", { class: "player-head" });
    head.append(el("h2", {}, options.title));
    if (options.subtitle) head.append(el("p", { class: "muted" }, options.subtitle));
    root.append(head);
  }
  const tabs = el("div", { class: "episode-tabs" });
  const stage = el("div", { class: "stage" });
  const bar = el("div", { class: "controls" });
  const play = el("button", { class: "play", title: "play / pause (space)" }, "▶");
  const scrub = el("input", { type: "range", min: "0", max: "0", value: "0", class: "scrub" });
  const speed = el("select", { class: "speed", title: "playback speed" });
  for (const s of ["0.25", "0.5", "1", "2", "4"]) {
    const o = el("option", { value: s }, `${s}×`);
    if (s === "1") o.selected = true;
    speed.append(o);
  }
  bar.append(play, scrub, speed);
  const timeline = el("div", { class: "timeline", title: "return so far (click to jump)" });
  const stats = el("div", { class: "stats" });
  const cell = (label: string) => {
    const box = el("div", { class: "stat" });
    const value = el("span", { class: "stat-value" }, "—");
    box.append(el("span", { class: "stat-label" }, label), value);
    stats.append(box);
    return value;
  };
  const stepCell = cell("step");
  const actionCell = cell("action");
  const rewardCell = cell("reward");
  const returnCell = cell("return");
  root.append(tabs, stage, timeline, bar, stats);

  let current = 0;
  let frame = 0;
  let playing = options.autoplay ?? true;
  let last = 0;
  let acc = 0;

  const renderTabs = () => {
    tabs.textContent = "";
    if (episodes.length < 2 && !options.follow) return;
    episodes.forEach((ep, i) => {
      const total = ep.returns.at(-1) ?? 0;
      const b = el(
        "button",
        { class: i === current ? "tab active" : "tab" },
        `seed ${ep.seed} · ${fmt(total)}${ep.end ? "" : " …"}`,
      );
      b.onclick = () => show(i, 0);
      tabs.append(b);
    });
  };

  let timelineKey = "";
  let mark: SVGLineElement | null = null;
  const drawTimeline = (ep: PlayerEpisode) => {
    const n = ep.frames.length - 1;
    const key = `${current}:${n}`;
    if (key !== timelineKey) {
      timelineKey = key;
      let lo = 0, hi = 0;
      for (const r of ep.returns) {
        if (r < lo) lo = r;
        if (r > hi) hi = r;
      }
      const span = hi - lo || 1;
      const y = (r: number) => (95 - (r - lo) / span * 88).toFixed(2);
      let pts = `0,${y(0)}`;
      const stride = Math.max(1, Math.floor(n / 1000));
      for (let t = stride; t <= n; t += stride) {
        pts += ` ${(t / Math.max(n, 1) * 1000).toFixed(1)},${y(ep.returns[t - 1])}`;
      }
      timeline.innerHTML = `<svg viewBox="0 0 1000 100" preserveAspectRatio="none">` +
        `<polygon points="0,100 ${pts} 1000,100" fill="#dbeafe"/>` +
        `<polyline points="${pts}" fill="none" stroke="#2563eb" stroke-width="2" ` +
        `vector-effect="non-scaling-stroke"/>` +
        `<line class="mark" x1="0" x2="0" y1="0" y2="100" stroke="#111827" stroke-width="2" ` +
        `vector-effect="non-scaling-stroke"/></svg>` +
        `<span class="timeline-label">return ${fmt(lo)} … ${fmt(hi)}</span>`;
      mark = timeline.querySelector("line.mark");
    }
    const x = String(n > 0 ? frame / n * 1000 : 0);
    mark?.setAttribute("x1", x);
    mark?.setAttribute("x2", x);
  };
  timeline.onclick = (ev) => {
    const ep = episodes[current];
    if (!ep) return;
    const box = timeline.getBoundingClientRect();
    playing = false;
    frame = Math.round((ev.clientX - box.left) / box.width * (ep.frames.length - 1));
    draw();
  };

  const draw = () => {
    const ep = episodes[current];
    if (!ep || ep.frames.length === 0) return;
    frame = Math.max(0, Math.min(frame, ep.frames.length - 1));
    drawTimeline(ep);
    const f = ep.frames[frame];
    const vp = f.viewport;
    // Wide pictures fill the width; tall or square ones are letterboxed in a 1.6:1 stage.
    const aspect = Math.max((vp.xMax - vp.xMin) / (vp.yMax - vp.yMin), 1.6).toFixed(3);
    if (stage.style.aspectRatio !== aspect) stage.style.aspectRatio = aspect;
    stage.innerHTML = frameToSvg(f);
    scrub.max = String(ep.frames.length - 1);
    scrub.value = String(frame);
    stepCell.textContent = `${frame} / ${ep.frames.length - 1}`;
    actionCell.textContent = frame === 0 ? "—" : fmtAction(ep.actions[frame - 1]);
    rewardCell.textContent = frame === 0 ? "—" : fmt(ep.rewards[frame - 1]);
    returnCell.textContent = frame === 0 ? "0" : fmt(ep.returns[frame - 1]);
    play.textContent = playing ? "❚❚" : "▶";
    root.dataset.episode = String(current);
    root.dataset.frame = String(frame);
  };

  const show = (e: number, t: number) => {
    current = Math.max(0, Math.min(e, episodes.length - 1));
    frame = t;
    renderTabs();
    draw();
  };

  const tick = (now: number) => {
    const ep = episodes[current];
    if (playing && ep && ep.frames.length > 0) {
      const fps = (ep.frames[0].fps ?? 30) * Number(speed.value);
      acc += Math.min(now - last, 250);
      const due = Math.floor(acc * fps / 1000);
      if (due > 0) {
        acc -= due * 1000 / fps;
        if (frame >= ep.frames.length - 1) {
          if (options.follow && !ep.end) {
            acc = 0; // waiting for the next step
          } else if (!options.follow && current < episodes.length - 1) {
            show(current + 1, 0);
          } else if (!options.follow) {
            show(episodes.length > 1 ? 0 : current, 0);
          }
        } else {
          frame = Math.min(frame + due, ep.frames.length - 1);
          draw();
        }
      }
    }
    last = now;
    requestAnimationFrame(tick);
  };

  play.onclick = () => {
    playing = !playing;
    acc = 0;
    draw();
  };
  scrub.oninput = () => {
    playing = false;
    frame = Number(scrub.value);
    draw();
  };
  root.tabIndex = 0;
  root.addEventListener("keydown", (ev) => {
    if (ev.key === " ") {
      ev.preventDefault();
      play.click();
    } else if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      ev.preventDefault();
      playing = false;
      frame += ev.key === "ArrowRight" ? 1 : -1;
      draw();
    }
  });

  show(0, 0);
  requestAnimationFrame((now) => {
    last = now;
    tick(now);
  });

  return {
    addEpisode(episode) {
      episodes.push(episode);
      if (options.follow) show(episodes.length - 1, 0);
      else renderTabs();
    },
    push() {
      if (options.follow && current === episodes.length - 1) {
        renderTabs();
        draw();
      }
    },
    show,
    position: () => ({ episode: current, frame }),
  };
}
