import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** SSM speaks AWS JSON 1.1: every call is `POST /` naming its operation in `X-Amz-Target: AmazonSSM.<Op>`. */
const TARGET_PREFIX = "AmazonSSM.";
const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";
/** Real SSM requests are small (a SendCommand carries at most 50 ids); anything bigger is a client bug. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * An error the way SSM reports it: HTTP 400, `__type` in the body and `x-amzn-ErrorType` in the headers.
 * The SDK turns `type` into `error.name`, so callers can branch on e.g. "InvocationDoesNotExist".
 */
export class SsmApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** A member of the wrong JSON type: SSM rejects it before any validation. */
export class SerializationError extends SsmApiError {
  constructor(message: string) {
    super("SerializationException", message);
  }
}

export function validationError(message: string): SsmApiError {
  return new SsmApiError("ValidationException", message);
}

/** The operation named in `X-Amz-Target`, or undefined when the request is not an SSM JSON call. */
export function operationOf(request: IncomingMessage): string | undefined {
  const target = request.headers["x-amz-target"];
  if (request.method !== "POST" || typeof target !== "string" || !target.startsWith(TARGET_PREFIX)) {
    return undefined;
  }
  return target.slice(TARGET_PREFIX.length);
}

export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SerializationError("request body too large");
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SerializationError(`request body is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SerializationError("request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

export function sendJson(response: ServerResponse, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(200, {
    "content-type": JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(payload);
}

export function sendError(response: ServerResponse, error: SsmApiError): void {
  const payload = JSON.stringify({ __type: error.type, message: error.message });
  response.writeHead(error.statusCode, {
    "content-type": JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
    "x-amzn-errortype": error.type,
  });
  response.end(payload);
}

/** JSON 1.1 timestamps are epoch seconds with a fraction. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new SerializationError(`${name} must be a string`);
  return value;
}

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === "") {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalNumber(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new SerializationError(`${name} must be an integer`);
  }
  return value;
}

export function optionalStringArray(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new SerializationError(`${name} must be a list of strings`);
  }
  return value as string[];
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
