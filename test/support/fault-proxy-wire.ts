import type { IncomingHttpHeaders } from "node:http";

/** How a request is framed on the wire, which decides how an injected error must look. */
export type Protocol = "json" | "query" | "ec2" | "rest-xml" | "slack" | "other";

export interface RequestInfo {
  /** Short operation name: `PutParameter`, `ModifyRule`, `ChangeResourceRecordSets`, `chat.postMessage`. */
  operation: string;
  /** JSON protocols only: the whole `X-Amz-Target` (`AmazonSSM.PutParameter`). */
  target?: string;
  protocol: Protocol;
  contentType?: string;
}

/** EC2's query API answers errors in its own XML shape; it is recognised by its API version. */
const EC2_API_VERSION = "2016-11-15";

/** Route 53's REST paths (API version 2013-04-01), most specific first. */
const ROUTE53: readonly [string, RegExp, string][] = [
  ["POST", /^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/, "ChangeResourceRecordSets"],
  ["GET", /^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/, "ListResourceRecordSets"],
  ["GET", /^\/2013-04-01\/change\/[^/]+$/, "GetChange"],
  ["GET", /^\/2013-04-01\/hostedzone\/[^/]+$/, "GetHostedZone"],
  ["POST", /^\/2013-04-01\/hostedzone\/?$/, "CreateHostedZone"],
  ["GET", /^\/2013-04-01\/hostedzone\/?$/, "ListHostedZones"],
  ["POST", /^\/2013-04-01\/healthcheck\/?$/, "CreateHealthCheck"],
];

/**
 * Names the operation of one request the way its protocol carries it: JSON protocols (SSM, ACM,
 * CloudWatch JSON 1.0) in `X-Amz-Target`, query protocols (EC2, ELBv2) in the `Action=` form field,
 * Route 53 by method and path, Slack by its `/api/<method>` path.
 */
export function requestInfo(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): RequestInfo {
  const path = url.split("?")[0] ?? "/";
  const contentType = headers["content-type"];
  const typed = contentType ? { contentType } : {};
  const target = headers["x-amz-target"];
  if (typeof target === "string" && target !== "") {
    return { operation: target.split(".").at(-1) ?? target, target, protocol: "json", ...typed };
  }
  if (path.startsWith("/api/")) return { operation: path.slice("/api/".length), protocol: "slack", ...typed };
  for (const [verb, pattern, operation] of ROUTE53) {
    if (method === verb && pattern.test(path)) return { operation, protocol: "rest-xml", ...typed };
  }
  if ((contentType ?? "").includes("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(body.toString("utf8"));
    const action = form.get("Action");
    if (action) {
      const protocol = form.get("Version") === EC2_API_VERSION ? "ec2" : "query";
      return { operation: action, protocol, ...typed };
    }
  }
  return { operation: `${method} ${path}`, protocol: "other", ...typed };
}

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type ErrorFault =
  | { kind: "throttle"; code: string }
  | { kind: "status"; status: 429 | 500 | 503; retryAfterSeconds?: number };

/**
 * An error answer shaped the way the service sends it, so the SDK parses the error code and its retry
 * strategy classifies it (throttling codes back off longer; 5xx are transient).
 */
export function errorBody(info: RequestInfo, fault: ErrorFault): ErrorAnswer {
  const status = fault.kind === "throttle" ? 400 : fault.status;
  const code =
    fault.kind === "throttle"
      ? fault.code
      : fault.status === 429
        ? "TooManyRequestsException"
        : fault.status === 503
          ? "ServiceUnavailable"
          : "InternalFailure";
  const message = fault.kind === "throttle" ? "Rate exceeded" : `injected HTTP ${status}`;
  const requestId = "00000000-0000-4000-8000-fa017fa017fa";
  // Slack always says how long to back off on 429 (its client reads Retry-After).
  const retryAfterSeconds =
    fault.kind === "status"
      ? (fault.retryAfterSeconds ?? (info.protocol === "slack" && status === 429 ? 30 : undefined))
      : undefined;
  const retryAfter: Record<string, string> =
    retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {};
  switch (info.protocol) {
    case "json":
      return {
        status,
        headers: {
          "content-type": info.contentType ?? "application/x-amz-json-1.1",
          "x-amzn-requestid": requestId,
          // Query-compatible JSON services (CloudWatch) take the code from this header.
          "x-amzn-query-error": `${code};${status >= 500 ? "Receiver" : "Sender"}`,
          ...retryAfter,
        },
        body: JSON.stringify({ __type: code, message }),
      };
    case "ec2":
      return {
        status,
        headers: { "content-type": "text/xml;charset=UTF-8", ...retryAfter },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case "query":
    case "rest-xml":
      return {
        status,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId, ...retryAfter },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>${status >= 500 ? "Receiver" : "Sender"}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    default:
      return { status, headers: { "content-type": "text/plain", ...retryAfter }, body: message };
  }
}
