/**
 * The decision log line must fit one CloudWatch Logs event (256 KB), whatever the free text that came
 * with the input: an alarm reason, an operator's reason, flowctl output. Long strings are cut with a
 * marker saying how long they were; the rest of the decision (rule, outcome, before -> after, counts)
 * is kept whole. Pure: the logger serialises the result.
 */

/** A string longer than this is cut on the first pass: no field a reader needs is anywhere near it. */
const FIELD_LIMIT = 2_000;
/** Then, if the whole is still above the budget (hundreds of instances each with a long message). */
const TIGHT_FIELD_LIMIT = 200;
/** Room for the logger's own fields and JSON escaping, under CloudWatch Logs' 256 KB per event. */
export const DECISION_LOG_BUDGET_BYTES = 200_000;

/**
 * @example { headline: "...", observed: { signal: { reason: 250,000 characters } } } ->
 *   the reason cut to 2,000 characters ending in "…[cut: 250000 characters in all]"
 */
export function boundedForLog<T>(decision: T): T {
  const first = cutStrings(decision, FIELD_LIMIT) as T;
  if (utf8Length(JSON.stringify(first)) <= DECISION_LOG_BUDGET_BYTES) return first;
  return cutStrings(decision, TIGHT_FIELD_LIMIT) as T;
}

function cutStrings(value: unknown, limit: number): unknown {
  if (typeof value === "string") {
    return value.length <= limit
      ? value
      : `${value.slice(0, limit)}…[cut: ${value.length} characters in all]`;
  }
  if (Array.isArray(value)) return value.map((item) => cutStrings(item, limit));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cutStrings(item, limit)]));
  }
  return value;
}

/** UTF-8 byte length without node:buffer (the domain stays free of node I/O modules). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
