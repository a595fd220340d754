/** Small pure helpers shared by the benchmarks and their README table. */

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** ours / baseline, rounded to 2 decimals; undefined when either side is missing or the baseline is 0. */
export function ratio(ours: number | null | undefined, baseline: number | null | undefined): number | null {
  if (ours === null || ours === undefined || baseline === null || baseline === undefined || baseline === 0)
    return null;
  return round(ours / baseline, 2);
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** "0.42x", with a check mark when it meets the goal (at most `goal`) and a cross when it does not. */
export function formatRatio(value: number | null, goal?: number): string {
  if (value === null) return "n/a";
  const text = `${value.toFixed(2)}x`;
  if (goal === undefined) return text;
  return `${text} ${value <= goal ? "✓" : "✗"}`;
}

/** 1,234,567 bytes -> "1.18 MiB"; small sizes in KiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return "n/a";
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
