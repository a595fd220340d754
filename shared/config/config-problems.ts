import type { z } from "zod";

/**
 * Stage-file problems as an operator reads them: one line each, `path: what is wrong`, "required" for a
 * missing key, and a "did you mean" for an unknown key close to an allowed one. Used wherever the stage
 * file is validated (`autopilot config check`, `serverless package`, cold start), so all say it alike.
 */
export function problemLines(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): string[] {
  const lines = issues.flatMap((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    if (issue.code === "unrecognized_keys") {
      const allowed = keysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const near = closest(key, allowed);
        return `${where}: unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}`;
      });
    }
    if (issue.code === "invalid_type" && /received undefined$/.test(issue.message))
      return [`${where}: required`];
    return [`${where}: ${issue.message.replace(/^Invalid input: /, "")}`];
  });
  return [...new Set(lines)];
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be checked against (wrappers, arrays and unions looked through). */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): Def[] {
  const def = defOf(schema);
  const through = def.innerType ?? def.in;
  if (through) return objectsAt(through, path);
  if (def.type === "union" && def.options) return def.options.flatMap((o) => objectsAt(o, path));
  if (def.type === "intersection" && def.left && def.right)
    return [...objectsAt(def.left, path), ...objectsAt(def.right, path)];
  if (path.length === 0) return def.type === "object" ? [def] : [];
  const [head, ...rest] = path;
  if (def.type === "array" && def.element) return objectsAt(def.element, rest);
  const child = def.type === "object" ? def.shape?.[String(head)] : undefined;
  return child ? objectsAt(child, rest) : [];
}

/** The keys allowed at `path` in the schema. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((def) => Object.keys(def.shape ?? {})))];
}

/** The allowed key nearest to `key` when it is a plausible typo (edit distance at most a third of it). */
export function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = levenshtein(key.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

/** Edits (insert, delete, substitute) turning `a` into `b`. @example levenshtein("noiseMargn", "noiseMargin") -> 1 */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The concise block both the CLI and `serverless package` print: the file, then one problem a line. */
export function problemReport(source: string, problems: readonly string[]): string {
  return `${source}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${problems.map((p) => `  - ${p}`).join("\n")}\n`;
}
