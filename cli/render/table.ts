/**
 * A plain-text table: columns padded to their widest cell, two spaces apart, a header row. No colours
 * or box drawing, so it survives copy-paste into an incident channel.
 *
 * @example table(["pool", "weights"], [["images", "primary=128 elastic=127"]])
 *   -> "pool    weights\nimages  primary=128 elastic=127\n"
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}

/** "2026-11-02T10:02:00.000Z" -> "2026-11-02 10:02Z": short enough for a column, still unambiguous. */
export function shortTime(iso: string | undefined): string {
  if (iso === undefined) return "-";
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}Z` : iso;
}

export function section(title: string, body: string): string {
  return `${title}\n${body}\n`;
}
