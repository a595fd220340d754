/**
 * A flap: a weight change whose direction reverses the previous change's within `windowMinutes`
 * (boundary included). The reversal guard blocks exactly these, and the backtest counts exactly these,
 * so "0 flaps" in the backtest means the guard was never bypassed.
 *
 * @example offload at 20:00, give-back at 20:15, window 15 -> a flap; at 20:16 -> not a flap
 */
export function isFlap(
  previous: { atMs: number; direction: number } | undefined,
  next: { atMs: number; direction: number },
  windowMinutes: number,
): boolean {
  return (
    previous !== undefined &&
    previous.direction !== next.direction &&
    next.atMs - previous.atMs <= windowMinutes * 60_000
  );
}
