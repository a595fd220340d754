/**
 * The game day's accelerated clock. Scenario time is a time of day in the bundled trace ("20:00" is the
 * sale's start); the handlers see it shifted onto today's real clock, because CloudWatch (and moto)
 * refuse datapoints older than two weeks. The whole scenario ends one minute before the real "now", so
 * every minute it plays already has its metrics.
 */
export interface ScenarioClock {
  /** What the handlers' `now()` returns. */
  readonly now: Date;
  /** Scenario minute of the day (0-1439), e.g. 1200 for 20:00. */
  readonly minute: number;
  /** "20:00" */
  label(minute?: number): string;
  /** The real instant a scenario minute maps to. */
  at(minute: number): Date;
  /** Moves forward (never back); paces in real time when the scenario asks for a speed. */
  advance(minutes: number): Promise<void>;
}

export interface ClockOptions {
  firstMinute: number;
  lastMinute: number;
  /** Simulated minutes per real second; 0 = as fast as the handlers answer. */
  minutesPerSecond: number;
  realNow?: number;
}

export function createScenarioClock(options: ClockOptions): ScenarioClock {
  const realNow = options.realNow ?? Date.now();
  const shift = Math.floor(realNow / 60_000) * 60_000 - (options.lastMinute + 1) * 60_000;
  const at = (minute: number) => new Date(shift + minute * 60_000);
  let minute = options.firstMinute;
  const label = (m = minute) =>
    `${String(Math.floor(m / 60) % 24).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return {
    get now() {
      return at(minute);
    },
    get minute() {
      return minute;
    },
    label,
    at,
    async advance(minutes) {
      if (minutes < 0) throw new Error(`the scenario clock only moves forward (asked ${minutes} minutes)`);
      if (options.minutesPerSecond > 0 && minutes > 0) {
        // Pacing for a watched demo, not a wait for a condition: there is nothing to await.
        await new Promise((resolve) => setTimeout(resolve, (minutes / options.minutesPerSecond) * 1_000));
      }
      minute += minutes;
    },
  };
}

/** "19:40" -> 1180; throws on anything else. */
export function parseTimeOfDay(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) throw new Error(`"${text}" is not a time of day HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}
