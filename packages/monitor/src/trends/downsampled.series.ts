import type { HistoryPoint } from '@vitals/core';

/**
 * A long, cheap history of one quantity: the mean of each `bucketMs` slot, for `retentionMs`.
 * The host's History keeps minutes at full resolution (900 points: 15 min at 1 s); a projection
 * over hours needs one point a minute, not one a second. Memory: 4 numbers per bucket.
 * @example const s = new DownsampledSeries(60_000, 12 * 3_600_000); s.add(Date.now(), 42);
 */
export class DownsampledSeries {
  private readonly starts: number[] = [];
  private readonly sums: number[] = [];
  private readonly times: number[] = [];
  private readonly counts: number[] = [];
  /** Time of the newest point added (points at or before it are ignored). */
  lastAt = -Infinity;

  constructor(
    private readonly bucketMs: number,
    private readonly retentionMs: number,
  ) {}

  /** Adds one point; older-than-newest and non-finite values are ignored. */
  add(at: number, value: number): void {
    if (!(at > this.lastAt) || !Number.isFinite(value)) return;
    this.lastAt = at;
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    const last = this.starts.length - 1;
    if (last >= 0 && this.starts[last] === start) {
      this.sums[last] += value;
      this.times[last] += at - start;
      this.counts[last]++;
    } else {
      this.starts.push(start);
      this.sums.push(value);
      this.times.push(at - start);
      this.counts.push(1);
    }
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop] < at - this.retentionMs) drop++;
    if (drop > 0) {
      this.starts.splice(0, drop);
      this.sums.splice(0, drop);
      this.times.splice(0, drop);
      this.counts.splice(0, drop);
    }
  }

  /** One point per bucket, oldest first: the mean value at the mean time of its points. */
  points(): HistoryPoint[] {
    return this.starts.map((start, i) => ({
      at: start + this.times[i] / this.counts[i],
      value: this.sums[i] / this.counts[i],
    }));
  }

  /** Buckets held. */
  get size(): number {
    return this.starts.length;
  }
}
