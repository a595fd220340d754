import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";

/**
 * Forwards one request unchanged (method, path, headers, body) to moto and streams the answer back.
 * Headers pass through as they are: moto reads the region from the SigV4 Authorization header and
 * does not check the signature, so rewriting Host would gain nothing.
 */
export function proxyToMoto(motoUrl: string, request: IncomingMessage, response: ServerResponse): void {
  const target = new URL(request.url ?? "/", motoUrl);
  const upstream = httpRequest(
    target,
    { method: request.method, headers: request.headers },
    (answer: IncomingMessage) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(response);
      answer.on("error", () => response.destroy());
    },
  );
  upstream.on("error", (error) => {
    if (response.headersSent) {
      response.destroy(error);
      return;
    }
    // Same shape as an SSM error, so the SDK reports it with a readable message instead of a parse error.
    const payload = JSON.stringify({
      __type: "InternalServerError",
      message: `run-command stand-in could not reach moto at ${motoUrl}: ${error.message}`,
    });
    response.writeHead(500, {
      "content-type": "application/x-amz-json-1.1",
      "content-length": Buffer.byteLength(payload),
      "x-amzn-errortype": "InternalServerError",
    });
    response.end(payload);
  });
  request.pipe(upstream);
}
