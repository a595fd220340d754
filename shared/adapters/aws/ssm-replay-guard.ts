import { createHash } from "node:crypto";
import {
  DeleteParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { parameterKeys } from "../../kernel/domain/parameter-layout";
import type { ReplayGuard } from "../../ports/slack-chatops";
import type { Logger } from "../../runtime/logger";
import { SLACK_TIMESTAMP_WINDOW_SECONDS } from "../../slack-chatops/slack-signature";
import { isAwsError } from "./aws-error";

/** Pages of 10 looked at per claim when sweeping: human traffic leaves few keys, and the sweep is bounded. */
const SWEEP_PAGES = 3;

export const replayPath = (prefix: string) =>
  `${prefix.replace(/\/$/, "")}/${parameterKeys.slackReplayRoot()}`;

/**
 * Seen Slack requests as SSM parameters `<prefix>/slack-chatops/replay/<sha256 of the signature>`,
 * created with Overwrite=false, which SSM makes atomic: of two deliveries of one request exactly one
 * claims it. A key is only needed while its timestamp is inside Slack's 5-minute window (older requests
 * are refused by their age); each successful claim deletes up to 30 keys past it, so the store stays small
 * without the Advanced tier's expiration policies (which cost per parameter).
 */
export function createSsmReplayGuard(
  client: SSMClient,
  prefix: string,
  logger: Logger,
  nowSeconds: () => number,
): ReplayGuard {
  const path = replayPath(prefix);
  return {
    async claim(signature, signedAtSeconds) {
      const id = createHash("sha256").update(signature).digest("hex").slice(0, 40);
      try {
        await client.send(
          new PutParameterCommand({
            Name: `${path}/${id}`,
            Type: "String",
            Overwrite: false,
            Value: JSON.stringify({ signedAt: signedAtSeconds }),
          }),
        );
      } catch (error) {
        if (isAwsError(error, "ParameterAlreadyExists")) return "seen";
        throw error;
      }
      await sweep(client, path, nowSeconds(), logger);
      return "first";
    },
  };
}

async function sweep(client: SSMClient, path: string, now: number, logger: Logger): Promise<void> {
  try {
    let token: string | undefined;
    for (let page = 0; page < SWEEP_PAGES; page += 1) {
      const out = await client.send(
        new GetParametersByPathCommand({
          Path: path,
          MaxResults: 10,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const parameter of out.Parameters ?? []) {
        const signedAt = Number((JSON.parse(parameter.Value ?? "{}") as { signedAt?: unknown }).signedAt);
        // Past the window on both sides (a clock ahead of ours): it can no longer be accepted anyway.
        if (
          Number.isFinite(signedAt) &&
          signedAt < now - 2 * SLACK_TIMESTAMP_WINDOW_SECONDS &&
          parameter.Name
        ) {
          await client.send(new DeleteParameterCommand({ Name: parameter.Name }));
        }
      }
      token = out.NextToken;
      if (token === undefined) break;
    }
  } catch (error) {
    logger.warn("could not sweep old replay keys; the next claim tries again", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
