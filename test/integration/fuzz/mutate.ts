import fc from "fast-check";

/** A path into a JSON event: keys and array indexes. */
export type Path = readonly (string | number)[];

/** One named change to a cloned event. Every mutation built here makes the event bad input on its own. */
export interface Mutation {
  label: string;
  apply(event: unknown): void;
}

/** A hostile event and the mutations that made it; prints as its labels (the event may be a megabyte). */
export interface HostileCase {
  labels: string[];
  event: unknown;
}

type Container = Record<string | number, unknown>;

function parentOf(root: unknown, path: Path): Container | undefined {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Container)[key];
  }
  return typeof node === "object" && node !== null ? (node as Container) : undefined;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Container)[key];
  }
  return node;
}

const show = (path: Path) => path.join(".") || "(event)";

/** Sets a value as an own property, even for "__proto__" (plain assignment would replace the prototype). */
export function defineOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function setAt(path: Path, value: unknown, label = `${show(path)} = ${preview(value)}`): Mutation {
  return {
    label,
    apply: (event) => {
      const parent = parentOf(event, path);
      const key = path.at(-1);
      if (parent !== undefined && key !== undefined) defineOwn(parent, key, value);
    },
  };
}

export function dropAt(path: Path): Mutation {
  return {
    label: `drop ${show(path)}`,
    apply: (event) => {
      const parent = parentOf(event, path);
      const key = path.at(-1);
      if (parent === undefined || key === undefined) return;
      if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
      else delete parent[key];
    },
  };
}

/**
 * Hides the named fields under a prototype-pollution key ({"__proto__": {field: ...}}): a parser that
 * merged objects carelessly would find them (and poison every object); a correct one finds them missing.
 */
export function hideUnder(path: Path, key: string, fields: readonly string[]): Mutation {
  return {
    label: `move ${fields.join(", ")} of ${show(path)} under "${key}"`,
    apply: (event) => {
      const node = getAt(event, path);
      if (typeof node !== "object" || node === null) return;
      const hidden: Record<string, unknown> = {};
      for (const field of fields) {
        hidden[field] = (node as Container)[field];
        delete (node as Container)[field];
      }
      defineOwn(node, key, key === "constructor" ? { prototype: hidden } : hidden);
    },
  };
}

/** Applies `inner` to the JSON document held as a string at `path` (the SNS Message), then re-encodes it. */
export function insideJson(path: Path, inner: Mutation): Mutation {
  return {
    label: `${show(path)}: ${inner.label}`,
    apply: (event) => {
      const parent = parentOf(event, path);
      const key = path.at(-1);
      if (parent === undefined || key === undefined || typeof parent[key] !== "string") return;
      let document: unknown;
      try {
        document = JSON.parse(parent[key] as string);
      } catch {
        return; // an earlier mutation already made it junk: the event is bad input either way
      }
      inner.apply(document);
      parent[key] = JSON.stringify(document);
    },
  };
}

/** drop the field, or put one of `values` there. */
export function breakField(
  path: Path,
  values: fc.Arbitrary<unknown>,
  canDrop = true,
): fc.Arbitrary<Mutation> {
  const replaced = values.map((value) => setAt(path, value));
  return canDrop ? fc.oneof(fc.constant(dropAt(path)), replaced) : replaced;
}

/**
 * 1 to 3 mutations applied to a fresh clone of one of the fixtures. Every mutation alone makes the event
 * bad input, so any combination does too.
 */
export function mutatedFixture(
  fixtures: readonly unknown[],
  mutations: fc.Arbitrary<Mutation>,
): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(fc.constantFrom(...fixtures), fc.array(mutations, { minLength: 1, maxLength: 3 }))
    .map(([fixture, chosen]) => {
      const event = structuredClone(fixture);
      for (const mutation of chosen) mutation.apply(event);
      return hostileCase(
        chosen.map((m) => m.label),
        event,
      );
    });
}

export function hostileCase(labels: string[], event: unknown): HostileCase {
  const labelled: HostileCase = { labels, event };
  // fast-check prints counterexamples with this: the labels say what was done, the event may be huge.
  Object.defineProperty(labelled, fc.toStringMethod, { value: () => labels.join(" + "), enumerable: false });
  return labelled;
}

export function preview(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return text.length > 40 ? `${text.slice(0, 37)}… (${text.length} chars)` : text;
}
