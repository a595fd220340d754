import { type CheckResult, fail, isReadError, pass, type ReadError, unreadable } from "./types";

export interface SlackObservation {
  channel: string;
  tokenParameter: string;
  /** auth.test: the bot's user id, or why it failed (no parameter, invalid_auth...). */
  auth: { userId: string; team?: string } | ReadError;
  /** conversations.info: is the bot a member; absent when auth failed. */
  membership?: { isMember: boolean; channelId: string } | ReadError;
}

export function checkSlackToken(o: SlackObservation): CheckResult {
  const id = "slack.token";
  if (isReadError(o.auth)) {
    return fail(
      id,
      o.tokenParameter,
      `the bot token does not work: ${o.auth.error}`,
      `store a valid bot token (xoxb-...) as a SecureString in ${o.tokenParameter}`,
    );
  }
  return pass(
    id,
    o.tokenParameter,
    `auth.test ok as ${o.auth.userId}${o.auth.team ? ` in ${o.auth.team}` : ""}`,
  );
}

export function checkSlackChannel(o: SlackObservation): CheckResult {
  const id = "slack.channel";
  if (isReadError(o.auth) || o.membership === undefined) {
    return fail(id, o.channel, "not checked: the token does not work", "fix slack.token first");
  }
  if (isReadError(o.membership)) {
    return fail(
      id,
      o.channel,
      `conversations.info failed: ${o.membership.error}`,
      "give the bot the channels:read (groups:read for a private channel) scope and check slack.channel",
    );
  }
  if (!o.membership.isMember) {
    return fail(
      id,
      o.channel,
      "the bot is not a member of the channel: its messages would fail with not_in_channel",
      `invite the bot: /invite @<bot name> in ${o.channel}`,
    );
  }
  return pass(id, o.channel, `the bot is a member (${o.membership.channelId})`);
}

export interface FunctionObservation {
  functionName: string;
  /** reservedConcurrency undefined: the stack reserves none for this function. */
  expected: { runtime: string; reservedConcurrency?: number; stage: string };
  /** null: no such function. */
  actual: { runtime?: string; reservedConcurrency?: number; stage?: string } | null | ReadError;
}

/** The deployed function exists with the configuration the stack gives it. */
export function checkFunction(o: FunctionObservation): CheckResult {
  const id = "functions.deployed";
  if (isReadError(o.actual)) return unreadable(id, o.functionName, "lambda:GetFunction", o.actual);
  if (o.actual === null) {
    return fail(
      id,
      o.functionName,
      "the function is not deployed",
      `deploy the stack: npx serverless deploy --stage ${o.expected.stage}`,
    );
  }
  const a = o.actual;
  const e = o.expected;
  const problems = [
    a.runtime === e.runtime ? "" : `runtime ${a.runtime} (expected ${e.runtime})`,
    a.reservedConcurrency === e.reservedConcurrency
      ? ""
      : `reserved concurrency ${a.reservedConcurrency ?? "none"} (expected ${e.reservedConcurrency ?? "none"}${e.reservedConcurrency === 1 ? ": a single writer" : ""})`,
    a.stage === e.stage ? "" : `STAGE=${a.stage ?? "unset"} (expected ${e.stage})`,
  ].filter(Boolean);
  if (problems.length > 0) {
    return fail(
      id,
      o.functionName,
      problems.join("; "),
      `redeploy the stack (npx serverless deploy --stage ${e.stage}) instead of editing the function by hand`,
    );
  }
  return pass(id, o.functionName, `${a.runtime}, reserved concurrency ${a.reservedConcurrency ?? "none"}`);
}
