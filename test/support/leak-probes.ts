import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { vi } from "vitest";

/** Probes for secrets leaking: a Slack stand-in that sees the token, and a capture of all output. */

export type SlackMode = "ok" | "invalid_auth" | "http-500";

/** A Slack Web API stand-in that records the Authorization header and answers as told. */
export async function startTokenCheckingSlack() {
  const seen: string[] = [];
  let mode: SlackMode = "ok";
  const server: Server = createServer((request, response) => {
    seen.push(String(request.headers.authorization ?? ""));
    request.resume();
    request.on("end", () => {
      if (mode === "http-500") {
        response.writeHead(500).end("upstream broke");
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      // Slack answers a revoked or wrong token with HTTP 200 and ok:false.
      response.end(
        JSON.stringify(
          mode === "ok"
            ? { ok: true, ts: "1700000000.000100", channel: "C1" }
            : { ok: false, error: "invalid_auth" },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    seen,
    setMode: (next: SlackMode) => {
      mode = next;
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Everything a function can print: both streams and every console method. */
export function captureOutput() {
  const chunks: string[] = [];
  const keep = (...args: unknown[]) => {
    chunks.push(
      args
        .map((a) =>
          typeof a === "string"
            ? a
            : a instanceof Error
              ? `${a.stack} ${String(a.cause)}`
              : JSON.stringify(a),
        )
        .join(" "),
    );
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      keep(String(chunk));
      return true;
    }),
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      keep(String(chunk));
      return true;
    }),
    ...(["log", "info", "warn", "error", "debug", "trace"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(keep),
    ),
  ];
  return {
    text: () => chunks.join("\n"),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
