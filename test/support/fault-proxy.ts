import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { errorBody, type Protocol, requestInfo } from "./fault-proxy-wire";

export type { Protocol, RequestInfo } from "./fault-proxy-wire";
export { requestInfo } from "./fault-proxy-wire";

/** What to do to a matching request instead of (or on top of) forwarding it. */
export type Fault =
  /** An AWS throttling error shaped for the request's protocol (HTTP 400). */
  | { kind: "throttle"; code: string }
  /** A bare server error (AWS-shaped body) or, for Slack, 429 with Retry-After. */
  | { kind: "status"; status: 429 | 500 | 503; retryAfterSeconds?: number }
  /** Hold the request this long; "before" holds it before upstream sees it, "after" holds the answer. */
  | { kind: "delay"; ms: number; phase: "before" | "after" }
  /** Destroy the connection without an answer; "after" lets upstream process the request first. */
  | { kind: "reset"; phase: "before" | "after" };

export const throttle = (code = "Throttling"): Fault => ({ kind: "throttle", code });
export const status = (code: 429 | 500 | 503, retryAfterSeconds?: number): Fault =>
  retryAfterSeconds === undefined
    ? { kind: "status", status: code }
    : { kind: "status", status: code, retryAfterSeconds };
export const delay = (ms: number, phase: "before" | "after" = "before"): Fault => ({
  kind: "delay",
  ms,
  phase,
});
export const reset = (phase: "before" | "after" = "before"): Fault => ({ kind: "reset", phase });

export interface FaultRule {
  /** Operation name (`PutParameter`), full JSON target (`AmazonSSM.PutParameter`) or a predicate. */
  operation: string | ((info: { operation: string; target?: string; protocol: Protocol }) => boolean);
  fault: Fault;
  /** Inject at most this many times (default: every matching request). */
  times?: number;
  /** Inject with this probability per matching request, from the proxy's seeded PRNG (default 1). */
  probability?: number;
}

export interface ProxiedRequest {
  operation: string;
  fault?: Fault["kind"];
  at: number;
}

export interface FaultProxy {
  /** Give this to the SDK client (endpoint) or to the Slack client (`${url}/api/`). */
  readonly url: string;
  /** Adds a rule; returns a function that removes it. Rules are tried in the order added. */
  inject(rule: FaultRule): () => void;
  /** Removes every rule: from now on every request is forwarded untouched. */
  clear(): void;
  /** Requests seen for one operation (all operations without an argument), faulted or not. */
  requests(operation?: string): number;
  /** Faults injected for one operation (all operations without an argument). */
  faults(operation?: string): number;
  readonly log: readonly ProxiedRequest[];
  stop(): Promise<void>;
}

/**
 * A fault-injecting HTTP proxy for tests: it sits between a client (AWS SDK, @slack/web-api) and its
 * loopback upstream (moto, the Run Command stand-in, the Slack sink), names the operation of every
 * request, and answers some of them with throttling, server errors, delays or a reset instead.
 * Probabilities draw from a seeded PRNG, so a test run is reproducible.
 */
export async function startFaultProxy(options: {
  /** The upstream's origin (`http://127.0.0.1:PORT`); request paths are forwarded unchanged. */
  upstream: string;
  seed?: number;
}): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const random = mulberry32(options.seed ?? 1);
  const rules: { rule: FaultRule; used: number }[] = [];
  const log: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const pick = (info: ReturnType<typeof requestInfo>): Fault | undefined => {
    for (const entry of rules) {
      const { rule } = entry;
      const matches =
        typeof rule.operation === "function"
          ? rule.operation(info)
          : rule.operation === info.operation || rule.operation === info.target;
      if (!matches || entry.used >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
      // Draw only for probabilistic rules, so adding a certain rule never shifts the sequence.
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      entry.used += 1;
      return rule.fault;
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.socket?.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const info = requestInfo(req.method ?? "GET", req.url ?? "/", req.headers, body);
    const fault = pick(info);
    log.push({ operation: info.operation, ...(fault ? { fault: fault.kind } : {}), at: Date.now() });
    if (fault?.kind === "throttle" || fault?.kind === "status") {
      const answer = errorBody(info, fault);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    if (fault?.phase === "before") {
      if (fault.kind === "reset") {
        req.socket.destroy();
        return;
      }
      await wait(fault.ms);
      // The client gave up while we held the request: upstream never sees it.
      if (req.socket.destroyed) return;
    }
    const answer = await forward(upstream, req, body);
    if (fault?.phase === "after") {
      if (fault.kind === "reset") {
        req.socket.destroy();
        return;
      }
      await wait(fault.ms);
      if (req.socket.destroyed) return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const count = (operation: string | undefined, faulted: boolean) =>
    log.filter((r) => (operation === undefined || r.operation === operation) && (!faulted || r.fault)).length;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    inject(rule) {
      const entry = { rule, used: 0 };
      rules.push(entry);
      return () => {
        const index = rules.indexOf(entry);
        if (index >= 0) rules.splice(index, 1);
      };
    },
    clear: () => {
      rules.length = 0;
    },
    requests: (operation) => count(operation, false),
    faults: (operation) => count(operation, true),
    log,
    stop() {
      stopping ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopping;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Forwards one request as it came (headers, body) and buffers the whole answer. */
function forward(upstream: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url ?? "/",
        headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("error", reject);
        answer.on("end", () => {
          const copied: Record<string, string | string[]> = {};
          for (const [key, value] of Object.entries(answer.headers)) {
            if (value !== undefined && key !== "transfer-encoding" && key !== "connection")
              copied[key] = value;
          }
          const all = Buffer.concat(chunks);
          copied["content-length"] = String(all.length);
          resolve({ status: answer.statusCode ?? 502, headers: copied, body: all });
        });
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}

/** A small seeded PRNG (mulberry32): the same seed gives the same fault sequence on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
