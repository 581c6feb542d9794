#pragma once
// The static curves of the compressor and the expander: how many dB a steady input
// level is turned down. These are the formulas the nodes promise (and the tests
// compare their steady-state output with), the usual soft-knee forms of Giannoulis,
// Massberg and Reiss, "Digital Dynamic Range Compressor Design" (JAES 2012):
//
//   compressor, level L, threshold T, ratio R, knee width W (all in dB):
//     L <  T - W/2           reduction 0
//     |L - T| ≤ W/2          reduction (1 - 1/R) · (L - T + W/2)² / (2W)
//     L >  T + W/2           reduction (1 - 1/R) · (L - T)
//   downward expander (R ≥ 1 is the slope below the threshold):
//     L >  T + W/2           reduction 0
//     |L - T| ≤ W/2          reduction (R - 1) · (L - T - W/2)² / (2W)
//     L <  T - W/2           reduction (R - 1) · (T - L)
//
// Written branch-free (a select per region) so the per-sample loops vectorise.

namespace fxgraph::dynamics {

/// The settings a static curve needs, in dB (ratio is a plain number ≥ 1).
struct CurveSettings {
  float threshold_db = -20.0f;
  float ratio = 4.0f;
  float knee_db = 0.0f;
};

/// Reduction in dB (≥ 0) of a compressor at input level `level_db`. Audio thread.
inline float compressor_reduction_db(const CurveSettings& s, float level_db) noexcept {
  const float slope = 1.0f - 1.0f / s.ratio;
  const float over = level_db - s.threshold_db;
  const float half = 0.5f * s.knee_db;
  const float hard = over > 0.0f ? slope * over : 0.0f;
  if (s.knee_db <= 0.0f) return hard;
  const float into_knee = over + half;
  const float soft = slope * into_knee * into_knee / (2.0f * s.knee_db);
  return over < -half ? 0.0f : (over > half ? hard : soft);
}

/// Reduction in dB (≥ 0) of a downward expander at input level `level_db`. Audio thread.
inline float expander_reduction_db(const CurveSettings& s, float level_db) noexcept {
  const float slope = s.ratio - 1.0f;
  const float under = s.threshold_db - level_db;
  const float half = 0.5f * s.knee_db;
  const float hard = under > 0.0f ? slope * under : 0.0f;
  if (s.knee_db <= 0.0f) return hard;
  const float into_knee = under + half;
  const float soft = slope * into_knee * into_knee / (2.0f * s.knee_db);
  return under < -half ? 0.0f : (under > half ? hard : soft);
}

}  // namespace fxgraph::dynamics
