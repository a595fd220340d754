import { InvalidEventError } from "../../shared/errors";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import { answerSlack } from "../../shared/slack-chatops/answer-slack";
import { type FunctionUrlEvent, functionUrlEventSchema } from "../../shared/slack-chatops/slack-interaction";
import type { SlackChatopsRuntime } from "./deps";

/**
 * Slack ChatOps behind a Lambda function URL (auth NONE: Slack cannot sign with SigV4; every request is
 * verified with the app's signing secret instead): button clicks and `/autopilot ...` -> verify,
 * authorise, hand to the override function asynchronously, acknowledge. Wiring only; see
 * shared/slack-chatops.
 */
export function createHandler(runtime: () => Promise<SlackChatopsRuntime>) {
  return createFunctionHandler({
    automation: "slack-chatops",
    runtime,
    parse: parseFunctionUrlEvent,
    // A forged or malformed request is answered; it is no reason to wake the channel.
    alertable: (error) => !(error instanceof InvalidEventError),
    run: (rt, event) => answerSlack(rt.deps({ getRemainingTimeInMillis: () => 0 }), rt.config, event),
  });
}

function parseFunctionUrlEvent(event: unknown): FunctionUrlEvent {
  const parsed = functionUrlEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidEventError("not a Lambda function URL request");
  return parsed.data;
}

// The runtime (AWS clients, adapters, workflow) is imported on the first invocation: it is a chunk of its
// own in the bundle, so loading the handler compiles only the event parsing and the error handling.
export const handler = createHandler(() => import("./deps").then((deps) => deps.createSlackChatopsRuntime()));
