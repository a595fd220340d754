/**
 * moto's whole in-memory state, as its server dumps it (`GET /moto-api/data.json`, checked with moto
 * 5.2.1): one object per service, one array per model class, each record a plain JSON object. Tests
 * snapshot the services a handler could write to before and after a run and compare them byte for byte.
 *
 * Nothing inside a compared service is excluded: in moto 5.2.1 no record of ec2, ssm, elbv2, route53, acm
 * or cloudwatch changes on a read (the fuzz tests compare them unfiltered around hundreds of reads). What
 * is left out is whole services the handlers never write (iam, sts, s3, events and moto's own "core").
 */
export type MotoDump = Record<string, Record<string, unknown[]>>;

/** One service's models, serialised: equal strings mean byte-for-byte equal state. */
export type MotoSnapshot = Record<string, string>;

export async function motoDump(url: string): Promise<MotoDump> {
  const response = await fetch(`${url}/moto-api/data.json`);
  if (!response.ok) throw new Error(`moto state dump answered HTTP ${response.status}`);
  return (await response.json()) as MotoDump;
}

/**
 * The named services' state, one JSON string per "service.Model". A service moto has not initialised yet
 * is an error, not an empty snapshot: its first use during the run would look like a change (and a snapshot
 * of nothing would hide one). Seed or read the service once before the "before" snapshot.
 */
export async function snapshotMoto(url: string, services: readonly string[]): Promise<MotoSnapshot> {
  return snapshotOf(await motoDump(url), services);
}

/** The same from a dump already fetched (a dump of a seeded EC2 is megabytes: fetch it once). */
export function snapshotOf(dump: MotoDump, services: readonly string[]): MotoSnapshot {
  const snapshot: MotoSnapshot = {};
  for (const service of services) {
    const models = dump[service];
    if (models === undefined) {
      throw new Error(`moto has no state for ${service} yet: touch it before taking the snapshot`);
    }
    for (const model of Object.keys(models).sort()) {
      snapshot[`${service}.${model}`] = JSON.stringify(models[model] ?? []);
    }
  }
  return snapshot;
}

/** The "service.Model" entries that differ, with where the two serialisations part, for a readable failure. */
export function snapshotDifferences(before: MotoSnapshot, after: MotoSnapshot): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => {
    const a = before[key] ?? "(absent)";
    const b = after[key] ?? "(absent)";
    if (a === b) return [];
    let at = 0;
    while (at < a.length && at < b.length && a[at] === b[at]) at++;
    const start = Math.max(0, at - 80);
    return [
      `${key} differs at char ${at}: before …${a.slice(start, at + 120)}… after …${b.slice(start, at + 120)}…`,
    ];
  });
}

/** SSM parameters under a prefix as "name@version" (moto keeps every version; the newest is last). */
export function ssmParametersUnder(dump: MotoDump, prefix: string): string[] {
  const parameters = (dump.ssm?.Parameter ?? []) as { name?: string; version?: number }[];
  return parameters
    .filter((p) => typeof p.name === "string" && p.name.startsWith(prefix))
    .map((p) => `${p.name}@${p.version}`)
    .sort();
}
