import { type Actor, BASELINE_STEP, type CanaryRecord, type CanarySpec, isActive } from "./types";

/**
 * Manual operations on a canary run. The operator-facing override function wires them; here they are
 * pure: (record, command, now) -> the new record or a refusal that says why, in words.
 *
 * Promote and abort are not carried out here: they become `pending` and the next evaluation applies them
 * to the rule (abort beats everything there; promote still respects the gates and target health).
 */
export type CanaryCommand =
  | { kind: "start"; canary: string; author: string; reason: string }
  | { kind: "promote"; canary: string; author: string; reason: string; expiresAt: string }
  | { kind: "abort"; canary: string; author: string; reason: string }
  | { kind: "pause"; canary: string; author: string; reason: string; expiresAt: string }
  | { kind: "resume"; canary: string; author: string; reason: string };

export type CommandResult = { ok: true; record: CanaryRecord } | { ok: false; refusal: string };

/**
 * @example no record + start -> {status running, stepIndex -1 (baseline), enteredAt now}; the next
 *   evaluation moves the rule to the first step once gates are clear and enough canary targets are healthy
 * @example running at 5% + pause until 14:00 -> paused (gates still roll back while paused)
 */
export function applyCanaryCommand(
  record: CanaryRecord | undefined,
  command: CanaryCommand,
  now: Date,
  spec: Pick<CanarySpec, "name" | "steps">,
): CommandResult {
  if (command.canary !== spec.name) {
    return refuse(`command names canary "${command.canary}" but was applied to "${spec.name}"`);
  }
  const at = now.toISOString();
  const actor: Actor = { author: command.author, reason: command.reason, at };
  if (command.author.trim() === "" || command.reason.trim() === "") {
    return refuse("every command needs an author and a reason");
  }
  if (command.kind === "start") {
    if (isActive(record)) {
      return refuse(
        `${spec.name} is already ${record.status} at ${stepLabel(record, spec)} (started by ${record.startedBy.author} at ${record.startedBy.at}); abort it first`,
      );
    }
    return {
      ok: true,
      record: {
        canary: spec.name,
        runId: at,
        startedBy: actor,
        status: "running",
        stepIndex: BASELINE_STEP,
        enteredAt: at,
      },
    };
  }
  if (!isActive(record)) {
    const state = record?.ended ? `its last run ${record.ended.how} at ${record.ended.at}` : "it has no run";
    return refuse(`cannot ${command.kind} ${spec.name}: ${state}; start a new run first`);
  }
  switch (command.kind) {
    case "abort":
      // Aborting twice is not an error: the first abort stands, the duplicate changes nothing.
      if (record.pending?.kind === "abort") return { ok: true, record };
      return { ok: true, record: { ...record, pending: { kind: "abort", ...actor } } };
    case "promote": {
      const expiry = future(command.expiresAt, now);
      if (typeof expiry !== "string") return expiry;
      if (record.status === "paused") {
        return refuse(
          `${spec.name} is paused by ${record.pause?.author ?? "someone"}: resume it before promoting`,
        );
      }
      if (record.pending?.kind === "abort") {
        return refuse(
          `${spec.name} is being aborted by ${record.pending.author}: an abort cannot be promoted`,
        );
      }
      return { ok: true, record: { ...record, pending: { kind: "promote", ...actor, expiresAt: expiry } } };
    }
    case "pause": {
      const expiry = future(command.expiresAt, now);
      if (typeof expiry !== "string") return expiry;
      // A second pause replaces the first: the newest author, reason and expiry are the ones in force.
      return { ok: true, record: { ...record, status: "paused", pause: { ...actor, expiresAt: expiry } } };
    }
    case "resume": {
      if (record.status !== "paused") return refuse(`${spec.name} is not paused (it is ${record.status})`);
      const { pause: _, ...rest } = record;
      // Paused time counts toward bake time: the canary kept serving traffic with its gates watched.
      return { ok: true, record: { ...rest, status: "running" } };
    }
  }
}

/** "step 2 of 5 (5%)" or "baseline (0%)", for messages and refusals. */
export function stepLabel(record: Pick<CanaryRecord, "stepIndex">, spec: Pick<CanarySpec, "steps">): string {
  const step = spec.steps[record.stepIndex];
  if (step === undefined) return "baseline (0%)";
  return `step ${record.stepIndex + 1} of ${spec.steps.length} (${step.percent}%)`;
}

function future(expiresAt: string, now: Date): string | { ok: false; refusal: string } {
  const time = Date.parse(expiresAt);
  if (Number.isNaN(time)) return refuse(`expiresAt "${expiresAt}" is not a date`);
  if (time <= now.getTime()) return refuse(`expiresAt ${expiresAt} is not in the future`);
  return new Date(time).toISOString();
}

function refuse(refusal: string): { ok: false; refusal: string } {
  return { ok: false, refusal };
}
