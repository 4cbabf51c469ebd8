/**
 * Environment wrappers: each changes one behaviour of the environment it wraps and
 * forwards the rest (synchronous environments stay synchronous).
 * @module
 */
export { thenMaybe, Wrapper } from "./wrapper.ts";
export { TimeLimit } from "./time_limit.ts";
export { type EpisodeStatistics, RecordEpisodeStatistics } from "./record_episode_statistics.ts";
export { NormalizeObservation } from "./normalize_observation.ts";
export { NormalizeReward } from "./normalize_reward.ts";
export { ClipAction } from "./clip_action.ts";
export {
  ObservationNormalizer,
  type ObservationNormalizerOptions,
  type ObservationNormalizerState,
  type ObsNormStats,
  RewardNormalizer,
  type RewardNormalizerOptions,
  type RewardNormalizerState,
} from "./normalizers.ts";
