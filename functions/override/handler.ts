import type { Context } from "aws-lambda";
import { ConflictError, InvalidOverrideError } from "../../shared/errors";
import { answerInSlack } from "../../shared/overrides/answer-in-slack";
import { applyOverride, type Caller } from "../../shared/overrides/apply-override";
import { type OverrideRequest, parseOverrideRequest } from "../../shared/overrides/override-request";
import {
  isSlackOverrideEnvelope,
  type SlackOverrideEnvelope,
  slackOverrideEnvelopeSchema,
} from "../../shared/overrides/slack-override-envelope";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import type { OverrideRuntime } from "./deps";

/**
 * Override: an operator's manual invoke (`serverless invoke -f override --data '{...}'` or `autopilot
 * override ...`) -> validate -> store the override (or hand a canary command / rotation to that function)
 * -> record and post to Slack. Wiring only; see shared/overrides.
 */
export function createHandler(runtime: () => Promise<OverrideRuntime>) {
  return createFunctionHandler({
    automation: "override",
    runtime,
    parse: parseOverrideEvent,
    // The operator sees a refused or conflicting request in the CLI; the channel does not need an alarm.
    alertable: (error) => !(error instanceof InvalidOverrideError || error instanceof ConflictError),
    run: (rt, input, context: Context) => {
      const deps = rt.deps(context);
      return "slack" in input
        ? answerInSlack(
            deps,
            deps.slackResponder,
            rt.config,
            input.slack,
            slackCallerOf(input.slack, context),
          )
        : applyOverride(deps, rt.config, input.request, callerOf(context));
    },
  });
}

/**
 * The CLI's payload, or the same payload wrapped by the slack-chatops endpoint with where to answer.
 * Inside the envelope the request is checked by answerInSlack, so a refusal is answered in Slack.
 */
function parseOverrideEvent(event: unknown): { request: OverrideRequest } | { slack: SlackOverrideEnvelope } {
  if (!isSlackOverrideEnvelope(event)) return { request: parseOverrideRequest(event) };
  const parsed = slackOverrideEnvelopeSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidOverrideError(
      `invalid Slack envelope: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return { slack: parsed.data };
}

/** A Slack request: the person is the one the endpoint verified (signature + allowlist). */
function slackCallerOf(envelope: SlackOverrideEnvelope, context: Pick<Context, "awsRequestId">): Caller {
  return {
    invoker: `Slack user ${envelope.slackReply.userId} (signed request, via slack-chatops)`,
    requestId: context.awsRequestId ?? "local",
  };
}

type ClientContextCustom = { custom?: Record<string, unknown>; Custom?: Record<string, unknown> };

/**
 * Lambda does not tell a function which IAM identity invoked it (CloudTrail does, with the request id).
 * The CLI sends its caller identity (sts:GetCallerIdentity) in the client context; it is recorded as
 * reported, beside the request id that finds the authoritative CloudTrail Invoke record.
 */
export function callerOf(context: Pick<Context, "awsRequestId" | "clientContext" | "identity">): Caller {
  const custom = context.clientContext as ClientContextCustom | undefined;
  const reported = custom?.custom?.invoker ?? custom?.Custom?.invoker;
  const invoker =
    typeof reported === "string" && reported !== ""
      ? reported.slice(0, 200)
      : (context.identity?.cognitoIdentityId ?? "unreported (see CloudTrail for this request id)");
  return { invoker, requestId: context.awsRequestId ?? "local" };
}

// The runtime (AWS clients, adapters, workflow) is imported on the first invocation: it is a chunk of its
// own in the bundle, so loading the handler compiles only the event parsing and the error handling.
export const handler = createHandler(() => import("./deps").then((deps) => deps.createOverrideRuntime()));
