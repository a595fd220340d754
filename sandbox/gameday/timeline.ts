import type { SlackCall } from "../servers/slack-sink";
import type { ScenarioClock } from "./clock";
import { emojify } from "./emoji";

/** "20:07 (13:47Z)": the trace's time of day, then the instant the handlers saw (UTC). */
export function bothClocks(clock: Pick<ScenarioClock, "label" | "now">): string {
  return `${clock.label()} (${clock.now.toISOString().slice(11, 16)}Z)`;
}

const SLACK_UNESCAPED: Record<string, string> = { lt: "<", gt: ">", amp: "&" };

/** One decision as the terminal and the report show it. */
export interface TimelineEntry {
  time: string;
  scene: string;
  automation: string;
  target: string;
  outcome: string;
  severity: string;
  headline: string;
  /** The Slack headline posted for it; undefined when nothing was posted. */
  slackText?: string;
}

/** One recorded Slack Web API call, stamped with the scenario time it happened at. */
export interface SlackEntry {
  time: string;
  scene: string;
  method: string;
  body: Record<string, unknown>;
  /** The message's own ts (for chat.update: the ts it replaces). */
  ts: string;
}

/** One balancer evaluation: load from the trace, capacity from the config, weights read from Route 53. */
export interface BalancerSample {
  time: string;
  scene: string;
  load?: number;
  capacity?: number;
  weights: Record<string, number>;
}

/** A canary's split as read back from the listener rule. */
export interface CanarySample {
  time: string;
  canaryPercent: number;
}

interface DecisionLike {
  automation: string;
  target: string;
  outcome: string;
  severity: string;
  headline: string;
}

/**
 * Records every invocation of a real handler: the decisions it returned and the Slack calls it made,
 * printed as one terminal line per decision. Unchanged decisions that were not posted are kept quiet.
 */
export class Recorder {
  readonly entries: TimelineEntry[] = [];
  readonly slack: SlackEntry[] = [];
  readonly balancer: BalancerSample[] = [];
  readonly canary: CanarySample[] = [];

  constructor(
    private readonly clock: ScenarioClock,
    private readonly calls: readonly SlackCall[],
    private readonly print: (line: string) => void,
  ) {}

  /** Runs one invocation; returns the decisions found in its result. */
  async invoke<D extends DecisionLike>(scene: string, run: () => Promise<unknown>): Promise<D[]> {
    const mark = this.calls.length;
    const result = await run();
    // Both clocks side by side: decisions and Slack texts carry the handlers' (real) time, e.g. an
    // override "until 13:47Z", while scenes speak trace time ("20:07").
    const time = bothClocks(this.clock);
    const calls = this.calls.slice(mark);
    for (const call of calls)
      this.slack.push({ time, scene, method: call.method, body: call.body, ts: call.ts });
    const decisions = decisionsIn(result) as D[];
    // What Slack shows: the text arrives with `&`, `<`, `>` escaped.
    const texts = calls.map((c) =>
      String(c.body.text ?? "").replace(/&(lt|gt|amp);/g, (_, e: string) => SLACK_UNESCAPED[e] ?? ""),
    );
    if (decisions.length === 0 && texts.length > 0) {
      // The override function returns its response, not the decision: its Slack post is the record.
      this.add({
        time,
        scene,
        automation: "override",
        target: "",
        outcome: "applied",
        severity: "warn",
        headline: texts[0] ?? "",
        slackText: texts[0],
      });
    }
    decisions.forEach((d, index) => {
      const slackText = decisions.length === 1 ? texts[0] : texts[index];
      if (d.outcome === "unchanged" && slackText === undefined) return;
      this.add({
        time,
        scene,
        automation: d.automation,
        target: d.target,
        outcome: d.outcome,
        severity: d.severity,
        headline: d.headline,
        ...(slackText !== undefined ? { slackText } : {}),
      });
    });
    return decisions;
  }

  /** A line that is not a decision: what the scene did to the world (an alarm, an import). */
  note(text: string): void {
    this.print(`${bothClocks(this.clock)}  ${"·".padEnd(16)} ${"".padEnd(9)} ${text}`);
  }

  private add(entry: TimelineEntry): void {
    this.entries.push(entry);
    const slack = entry.slackText === undefined ? "  (not posted)" : "";
    this.print(
      `${entry.time}  ${entry.automation.padEnd(16)} ${entry.outcome.padEnd(9)} ${emojify(entry.slackText ?? entry.headline)}${slack}`,
    );
  }
}

/** Handlers return Decision[]; a canary command returns { decisions }; the override function neither. */
function decisionsIn(result: unknown): DecisionLike[] {
  const list = Array.isArray(result)
    ? result
    : typeof result === "object" &&
        result !== null &&
        Array.isArray((result as { decisions?: unknown }).decisions)
      ? (result as { decisions: unknown[] }).decisions
      : [];
  return list.filter(
    (d): d is DecisionLike =>
      typeof d === "object" && d !== null && "automation" in d && "headline" in d && "outcome" in d,
  );
}
