import type { IntervalHistogram } from 'node:perf_hooks';
import type { Sample } from '@vitals/core';

/**
 * Bucket bounds of `vitals_eventloop_delay_seconds`, seconds: 1 ms … 10 s, so a healthy loop
 * (< 10 ms), a slow one (tens of ms) and a stall (≥ 250 ms) land in different buckets.
 */
export const EVENT_LOOP_DELAY_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/**
 * A cumulative Prometheus histogram fed from `monitorEventLoopDelay`'s HDR histogram, which the
 * runtime collector resets every tick: {@link EventLoopDelayHistogram.absorb} adds one tick's
 * samples to counts that only grow, so a stall between two scrapes stays visible whatever the
 * scrape interval (`increase(vitals_eventloop_delay_seconds_count[5m]) -
 * increase(vitals_eventloop_delay_seconds_bucket{le="0.25"}[5m])` counts the samples later than
 * 250 ms). Each sample is one wake-up of the delay timer; its value is how late it fired, minus
 * the timer's resolution. Bucket counts are exact: the k-th smallest sample is read with
 * `percentile()` and the boundary found by binary search, only between the tick's min and max.
 */
export class EventLoopDelayHistogram {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;
  private readonly labels: { le: string }[];

  constructor(
    private readonly name: string,
    private readonly resolutionNs: number,
    private readonly bounds: readonly number[] = EVENT_LOOP_DELAY_BUCKETS,
  ) {
    this.counts = bounds.map(() => 0);
    this.labels = [...bounds.map((b) => ({ le: String(b) })), { le: '+Inf' }];
  }

  /** Adds the samples `h` holds now (call before `h.reset()`). */
  absorb(h: Pick<IntervalHistogram, 'count' | 'min' | 'max' | 'mean' | 'percentile'>): void {
    const n = h.count;
    if (n <= 0) return;
    const min = h.min;
    const max = h.max;
    const res = this.resolutionNs;
    // The k-th smallest sample (1-based). HDR reads the count at percentile p as
    // trunc(p/100 × n + 0.5); asking for k − 0.25 keeps float error from landing on k − 1
    // (k − 0.5 did for about one (n, k) in ten, counting a stall in the bucket below it).
    const kth = (k: number): number => h.percentile(((k - 0.25) / n) * 100);
    for (let i = 0; i < this.bounds.length; i++) {
      const limit = this.bounds[i] * 1e9 + res;
      let le: number;
      if (max <= limit) le = n;
      else if (min > limit) le = 0;
      else {
        // Largest k with kth(k) ≤ limit, 0 when none: kth reads the highest value of a sample's
        // HDR bucket and `min` the lowest, so even kth(1) may lie past the limit.
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (kth(mid) <= limit) lo = mid;
          else hi = mid - 1;
        }
        le = lo;
      }
      this.counts[i] += le;
    }
    this.count += n;
    this.sum += (Math.max(0, h.mean - res) * n) / 1e9;
  }

  /**
   * Adds one tick's samples already read in ascending order (see `summarizeDelays`), with their
   * HDR mean in ns: the same counts as {@link absorb}, without asking the histogram again.
   */
  absorbSorted(sorted: readonly number[], meanNs: number): void {
    const n = sorted.length;
    if (n === 0) return;
    const res = this.resolutionNs;
    let k = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      const limit = this.bounds[i] * 1e9 + res;
      while (k < n && sorted[k] <= limit) k++;
      this.counts[i] += k;
    }
    this.count += n;
    this.sum += (Math.max(0, meanNs - res) * n) / 1e9;
  }

  /**
   * Adds `count` samples of a window in which the delay timer was paused: all on time (delay 0,
   * the lowest bucket) but the last, which is `lateNs` late when `lateNs` > 0. O(buckets), however
   * many samples.
   */
  absorbPaused(count: number, lateNs: number): void {
    if (count <= 0) return;
    const late = lateNs > 0;
    for (let i = 0; i < this.bounds.length; i++) {
      const fits = !late || lateNs <= this.bounds[i] * 1e9;
      this.counts[i] += fits ? count : count - 1;
    }
    this.count += count;
    if (late) this.sum += lateNs / 1e9;
  }

  /** `_bucket{le}` (cumulative), `_sum` and `_count` samples. */
  samples(out: Sample[]): void {
    for (let i = 0; i < this.counts.length; i++)
      out.push({ name: `${this.name}_bucket`, value: this.counts[i], labels: this.labels[i] });
    out.push(
      { name: `${this.name}_bucket`, value: this.count, labels: this.labels[this.counts.length] },
      { name: `${this.name}_sum`, value: this.sum },
      { name: `${this.name}_count`, value: this.count },
    );
  }
}
