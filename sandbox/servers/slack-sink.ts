import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackCall {
  method: string;
  /** Form fields or JSON body; JSON-encoded fields (attachments, blocks) are decoded. */
  body: Record<string, unknown>;
  at: Date;
  /** The ts the sink answered with: a posted message's own ts (replies and chat.update name it). */
  ts: string;
}

export interface SlackSink {
  /** Give this to WebClient as `slackApiUrl`. */
  readonly apiUrl: string;
  readonly calls: SlackCall[];
  /**
   * A response_url for an interaction on the message `ts` (as Slack gives one with every click or slash
   * command): answers posted there are recorded as method "response_url" with that ts.
   */
  responseUrl(ts: string): string;
  /** Make the next calls fail like a Slack outage: HTTP status to answer with, or "hang". */
  failNext(count: number, mode: number | "hang"): void;
  /**
   * Makes `#name` a channel conversations.list/info know, with the bot a member or not (a channel the sink
   * was not told about is channel_not_found there). Returns the channel id.
   */
  setChannel(name: string, botIsMember: boolean): string;
  stop(): Promise<void>;
}

/**
 * A local stand-in for the Slack Web API that records every call and answers like Slack does
 * (`{ ok: true, ts, channel }`), so tests and the sandbox use the real @slack/web-api client.
 */
export async function startSlackSink(): Promise<SlackSink> {
  const calls: SlackCall[] = [];
  let failures: { count: number; mode: number | "hang" } = { count: 0, mode: 500 };
  let counter = 0;
  const hanging = new Set<ServerResponse>();
  const channels = new Map<string, { id: string; name: string; is_member: boolean }>();
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
    const body = decode(await readBody(request), request.headers["content-type"] ?? "");
    const answered = /^\/response\/([0-9.]+)$/.exec(request.url ?? "");
    if (answered?.[1] !== undefined) {
      calls.push({ method: "response_url", body, at: new Date(), ts: answered[1] });
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("ok");
      return;
    }
    if (failures.count > 0) {
      failures.count -= 1;
      if (failures.mode === "hang") {
        hanging.add(response);
        return;
      }
      response.writeHead(failures.mode, failures.mode === 429 ? { "retry-after": "30" } : {});
      response.end("slack is down");
      return;
    }
    counter += 1;
    const ts =
      typeof body.ts === "string"
        ? body.ts
        : `${1_700_000_000 + counter}.${String(counter).padStart(6, "0")}`;
    calls.push({ method, body, at: new Date(), ts });
    response.writeHead(200, { "content-type": "application/json" });
    const answer = workspaceAnswer(method, body, channels);
    response.end(
      JSON.stringify(answer ?? { ok: true, ts, channel: body.channel ?? "C0SANDBOX", message: { ts } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    responseUrl: (ts) => `http://127.0.0.1:${port}/response/${ts}`,
    failNext(count, mode) {
      failures = { count, mode };
    },
    setChannel(name, botIsMember) {
      const bare = name.replace(/^#/, "");
      const id = channels.get(bare)?.id ?? `C0${String(channels.size + 1).padStart(8, "0")}`;
      channels.set(bare, { id, name: bare, is_member: botIsMember });
      return id;
    },
    async stop() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function decode(text: string, contentType: string): Record<string, unknown> {
  if (text === "") return {};
  if (contentType.includes("application/json")) return JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    out[key] = value.startsWith("[") || value.startsWith("{") ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The workspace reads doctor makes (auth.test, conversations.list/info); undefined for every other method. */
function workspaceAnswer(
  method: string,
  body: Record<string, unknown>,
  channels: Map<string, { id: string; name: string; is_member: boolean }>,
): Record<string, unknown> | undefined {
  if (method === "auth.test")
    return { ok: true, user_id: "U0SANDBOXBOT", team: "sandbox", bot_id: "B0SANDBOX" };
  if (method === "conversations.list")
    return { ok: true, channels: [...channels.values()], response_metadata: {} };
  if (method === "conversations.info") {
    const channel = [...channels.values()].find((c) => c.id === body.channel);
    return channel ? { ok: true, channel } : { ok: false, error: "channel_not_found" };
  }
  return undefined;
}
