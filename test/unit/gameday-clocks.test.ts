import { describe, expect, it } from "vitest";
import { createScenarioClock } from "../../sandbox/gameday/clock";
import { bothClocks } from "../../sandbox/gameday/timeline";

describe("one game day, both clocks side by side", () => {
  it("labels a moment with the trace's time of day and the UTC instant the handlers (and Slack) saw", async () => {
    const clock = createScenarioClock({
      firstMinute: 19 * 60 + 40,
      lastMinute: 21 * 60,
      minutesPerSecond: 0,
      realNow: Date.parse("2026-12-05T13:47:30Z"),
    });
    await clock.advance(27);
    // The scenario ends one minute before the real now: 21:00 trace time is 13:46Z.
    expect(bothClocks(clock)).toBe("20:07 (12:53Z)");
  });
});
