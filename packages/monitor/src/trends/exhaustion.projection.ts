import type { HistoryPoint } from '@vitals/core';
import { fitTrend } from './trend.analyzer';

/** How much evidence a projection needs. */
export interface ProjectionPolicy {
  /** Shortest window a line is fitted on, ms: nothing is projected from less data. */
  readonly minWindowMs: number;
  /** Longest window tried, ms (the collector keeps this much history). */
  readonly maxWindowMs: number;
  /**
   * A projection reaches at most this many windows ahead: the window grows with the horizon
   * (4: "full in 24 h" needs 6 h of data, as node-mixin's `predict_linear(…[6h], 24h)`).
   */
  readonly horizonPerWindow: number;
  /** R² the fit must reach: the line must explain the data, not a step or a swing. */
  readonly minFit: number;
  /** Points a window needs. */
  readonly minPoints: number;
}

/** A credible projection: when the resource reaches zero, and the fit behind it. */
export interface Projection {
  /** Seconds from `now` until the fitted line reaches zero (0: already there). */
  readonly seconds: number;
  /** The window whose fit gave it, ms. */
  readonly windowMs: number;
  /** Coefficient of determination of that fit (0–1). */
  readonly r2: number;
  /** Slope of the fit, units per second (negative: shrinking). */
  readonly slopePerSecond: number;
  /**
   * Some credible window is at least as long as the time its fit leaves: the trend has been
   * watched for as long as the time it projects (a confirmation that needs no pressure).
   */
  readonly watchedLongEnough: boolean;
}

/**
 * The most urgent credible projection of when a shrinking quantity (free bytes) reaches zero.
 * Windows from `minWindowMs`, doubling up to `maxWindowMs`, are each fitted by least squares; a
 * window counts only when its data spans at least 90 % of it, the fit explains the data
 * (R² ≥ `minFit`), the quantity shrinks, and the projected time is at most `horizonPerWindow`
 * windows ahead. Returns `undefined` when no window has the data yet, `null` when there is data
 * but no credible shrinking trend (flat, growing, noisy, or too far ahead for the data seen).
 * @example projectExhaustion(points, Date.now(), policy)?.seconds
 */
export function projectExhaustion(
  points: readonly HistoryPoint[],
  now: number,
  policy: ProjectionPolicy,
): Projection | null | undefined {
  if (points.length === 0) return undefined;
  const span = points[points.length - 1].at - points[0].at;
  if (span < policy.minWindowMs * 0.9) return undefined;
  let best: Omit<Projection, 'watchedLongEnough'> | null = null;
  let watchedLongEnough = false;
  const windows: number[] = [];
  for (let w = policy.minWindowMs; w < policy.maxWindowMs; w *= 2) windows.push(w);
  windows.push(policy.maxWindowMs);
  for (const windowMs of windows) {
    const since = now - windowMs;
    const inWindow = points.filter((p) => p.at >= since);
    if (inWindow.length < policy.minPoints) continue;
    if (inWindow[inWindow.length - 1].at - inWindow[0].at < windowMs * 0.9) break;
    const fit = fitTrend(inWindow);
    if (!(fit.slopePerSecond < 0) || !(fit.r2 >= policy.minFit)) continue;
    // From the fitted line at `now`, not the newest (noisy) point.
    const atNow = fit.mean + fit.slopePerSecond * ((now - fit.meanAt) / 1000);
    const seconds = Math.max(0, atNow / -fit.slopePerSecond);
    if (seconds * 1000 > windowMs * policy.horizonPerWindow) continue;
    if (windowMs >= seconds * 1000) watchedLongEnough = true;
    if (best === null || seconds < best.seconds)
      best = { seconds, windowMs, r2: fit.r2, slopePerSecond: fit.slopePerSecond };
  }
  return best === null ? null : { ...best, watchedLongEnough };
}
