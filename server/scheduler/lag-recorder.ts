/** Keeps the last `capacity` scheduler lags (ms) and answers quantiles over them. */
export class LagRecorder {
  private readonly samples: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  record(lagMs: number): void {
    this.samples[this.count % this.samples.length] = lagMs;
    this.count++;
  }

  /** Quantiles (0..1) of the samples kept; null when there are none. */
  quantiles(qs: readonly number[]): (number | null)[] {
    const n = Math.min(this.count, this.samples.length);
    if (n === 0) return qs.map(() => null);
    const sorted = this.samples.slice(0, n).sort();
    return qs.map((q) => sorted[Math.min(n - 1, Math.floor(q * n))] ?? null);
  }

  get total(): number {
    return this.count;
  }
}
