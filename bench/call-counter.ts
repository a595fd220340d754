import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One AWS call as seen on the wire. */
export interface CountedCall {
  service: string;
  operation: string;
  /** Route 53 calls about one hosted zone name it here (the id without "/hostedzone/"). */
  hostedZoneId?: string;
  /** When the call arrived, in ms since the counter was last reset. */
  atMs?: number;
  /** When its answer had been passed back whole, same clock. */
  doneMs?: number;
}

export interface CallCounter {
  readonly url: string;
  calls(): readonly CountedCall[];
  reset(): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of the local AWS endpoints that records every call's service and operation:
 * counted on the wire, so retries and pagination show up exactly as AWS would bill and throttle them.
 * `route` picks where a service's calls go (e.g. SSM to the Run Command stand-in, the rest to moto).
 */
export async function startCallCounter(route: (service: string) => string): Promise<CallCounter> {
  let calls: CountedCall[] = [];
  let since = Date.now();
  const server = createServer((request, response) => {
    void forward(request, response, route, (call) => {
      const counted: CountedCall = { ...call, atMs: Date.now() - since };
      calls.push(counted);
      return () => {
        counted.doneMs = Date.now() - since;
      };
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => [...calls],
    reset: () => {
      calls = [];
      since = Date.now();
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function forward(
  request: IncomingMessage,
  response: ServerResponse,
  route: (service: string) => string,
  record: (call: CountedCall) => () => void,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const call = identifyCall(
    request.method ?? "GET",
    request.url ?? "/",
    request.headers,
    body.toString("utf8"),
  );
  const answered = record(call);
  const upstream = httpRequest(
    new URL(request.url ?? "/", route(call.service)),
    { method: request.method, headers: request.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(response);
      answer.on("end", answered);
    },
  );
  upstream.on("error", (error) => {
    if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
    response.end(`call counter could not reach the upstream: ${error.message}`);
  });
  upstream.end(body);
}

/** Route 53's REST operations we use, by method and path. */
const ROUTE53: readonly [string, RegExp, string][] = [
  ["POST", /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, "ChangeResourceRecordSets"],
  ["GET", /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, "ListResourceRecordSets"],
  ["GET", /^\/2013-04-01\/change\/[^/]+$/, "GetChange"],
  ["GET", /^\/2013-04-01\/hostedzone\/([^/]+)$/, "GetHostedZone"],
];

/**
 * Service from the SigV4 credential scope; operation from X-Amz-Target (JSON protocols: SSM,
 * CloudWatch), the Action form field (query protocol: EC2) or the REST path (Route 53).
 */
export function identifyCall(
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): CountedCall {
  const authorization = String(headers.authorization ?? "");
  const service = authorization.match(/Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//)?.[1] ?? "unknown";
  const target = headers["x-amz-target"];
  if (typeof target === "string") return { service, operation: target.split(".").pop() ?? target };
  const action = new URLSearchParams(body).get("Action");
  if (action) return { service, operation: action };
  const pathname = new URL(url, "http://localhost").pathname;
  for (const [verb, pattern, operation] of ROUTE53) {
    const match = method === verb ? pathname.match(pattern) : null;
    if (match) return { service, operation, ...(match[1] ? { hostedZoneId: match[1] } : {}) };
  }
  return { service, operation: `${method} ${pathname}` };
}

/** When each operation was first and last called (ms since reset): where an invocation spends its time. */
export function timeline(calls: readonly CountedCall[]): Record<string, { firstMs: number; lastMs: number }> {
  const out: Record<string, { firstMs: number; lastMs: number }> = {};
  for (const call of calls) {
    const key = `${call.service} ${call.operation}`;
    const at = call.atMs ?? 0;
    const seen = out[key];
    out[key] = seen
      ? { firstMs: Math.min(seen.firstMs, at), lastMs: Math.max(seen.lastMs, at) }
      : { firstMs: at, lastMs: at };
  }
  return out;
}

/** { service: { operation: count } }, both sorted by name. */
export function tally(calls: readonly CountedCall[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const call of [...calls].sort((a, b) =>
    `${a.service} ${a.operation}`.localeCompare(`${b.service} ${b.operation}`),
  )) {
    const ops = out[call.service] ?? {};
    ops[call.operation] = (ops[call.operation] ?? 0) + 1;
    out[call.service] = ops;
  }
  return out;
}
