import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { WatchdogDeps } from "./watchdog";

/**
 * The watchdog's wiring, from its environment only (no stage file: a broken one must not silence the
 * function that reports it). The SSM client honours AWS_ENDPOINT_URL like every other client.
 */
export function watchdogDeps(env: NodeJS.ProcessEnv = process.env, ssm?: SSMClient): WatchdogDeps {
  const tokenParameter = required(env, "SLACK_TOKEN_PARAMETER");
  const channel = required(env, "SLACK_CHANNEL");
  const timeoutMs = Number(env.SLACK_TIMEOUT_MS ?? "3000");
  const apiUrl = env.SLACK_API_URL ?? "https://slack.com/api/";
  const client =
    ssm ??
    new SSMClient({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
    });
  return {
    async readToken() {
      const out = await client.send(new GetParameterCommand({ Name: tokenParameter, WithDecryption: true }));
      const value = out.Parameter?.Value;
      if (value === undefined || value === "") throw new Error(`SSM parameter ${tokenParameter} is empty`);
      return value;
    },
    async postMessage(token, text) {
      // Plain fetch: the Web API client would multiply this function's bundle for one call.
      const response = await fetch(`${apiUrl}chat.postMessage`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ channel, text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return `Slack answered HTTP ${response.status}`;
      const body = (await response.json()) as { ok?: boolean; error?: string };
      return body.ok ? undefined : `Slack refused: ${body.error ?? "unknown error"}`;
    },
    log(level, message, fields) {
      process.stdout.write(
        `${JSON.stringify({ level, time: new Date().toISOString(), message, ...fields })}\n`,
      );
    },
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") throw new Error(`missing environment variable ${name}`);
  return value;
}
