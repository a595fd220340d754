/**
 * A short, stable id an operator can read and type back: the prefix and an FNV-1a hash of the text.
 *
 * @example stableId("plan", "images|{...}|2026-12-02T10:00:00.000Z") -> "plan-3f9a1c07"
 */
export function stableId(prefix: string, text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${prefix}-${hash.toString(16).padStart(8, "0")}`;
}
