import { SsmApiError, validationError } from "./wire";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 50;

/**
 * One page of `items` (already filtered and ordered). The token names the last item returned, not an offset,
 * so a page boundary does not shift when a newer command shows up at the front of the list between calls.
 * @example 7 items, MaxResults 3 -> pages of 3, 3, 1; the last one has no NextToken
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  maxResults: number | undefined,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const size = maxResults ?? DEFAULT_PAGE_SIZE;
  if (size < 1 || size > MAX_PAGE_SIZE) {
    throw validationError(
      `1 validation error detected: Value '${size}' at 'maxResults' failed to satisfy constraint: ` +
        `Member must have value between 1 and ${MAX_PAGE_SIZE}`,
    );
  }
  let start = 0;
  if (nextToken !== undefined && nextToken !== "") {
    const after = decodeToken(nextToken);
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new SsmApiError("InvalidNextToken", "The specified token isn't valid.");
    start = index + 1;
  }
  const page = items.slice(start, start + size);
  const last = page.at(-1);
  const more = start + size < items.length && last !== undefined;
  return more ? { page, nextToken: encodeToken(keyOf(last)) } : { page };
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through: not one of ours
  }
  throw new SsmApiError("InvalidNextToken", "The specified token isn't valid.");
}
