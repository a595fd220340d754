import { VerificationError } from "../errors";
import type { CertPairConfig, CertRotationConfig } from "./config";
import type { CertRotationDeps } from "./deps";
import { recordTarget } from "./domain/dns-target";
import type { RotationStep } from "./domain/snapshot";
import { recordRef } from "./read-cert-pair";

/** Applies one step and reads it back; the next step runs only on what was read back. */
export async function applyStep(
  deps: CertRotationDeps,
  pair: CertPairConfig,
  config: CertRotationConfig,
  step: RotationStep,
  rotationId: string,
): Promise<{ changeId: string; status: "PENDING" | "INSYNC" } | undefined> {
  switch (step.kind) {
    case "attach-certificate": {
      await deps.balancers.setDefaultCertificate(step.listenerArn, step.certificateArn);
      const listener = await deps.balancers.listener(step.balancerArn, pair.listenerPort);
      if (listener?.defaultCertificateArn !== step.certificateArn) {
        throw new VerificationError(
          `${step.balancer}:${pair.listenerPort} reads back default certificate ${listener?.defaultCertificateArn}, expected ${step.certificateArn}`,
        );
      }
      return undefined;
    }
    case "set-color": {
      await deps.balancers.setTag(step.balancerArn, pair.colorTagKey, step.color);
      const tags = await deps.balancers.tags(step.balancerArn);
      if (tags[pair.colorTagKey] !== step.color) {
        throw new VerificationError(
          `${step.balancer} reads back ${pair.colorTagKey}=${tags[pair.colorTagKey]}, expected ${step.color}`,
        );
      }
      return undefined;
    }
    case "point-dns": {
      const ref = recordRef(pair);
      const submitted = await deps.dns.upsert(
        ref,
        step.records,
        `traffic-autopilot cert rotation ${rotationId} -> ${step.balancer}`,
      );
      const wait = new Date(
        Math.min(deps.deadline().getTime(), Date.now() + config.dnsSyncTimeoutSeconds * 1000),
      );
      const status =
        submitted.status === "INSYNC" ? "INSYNC" : await deps.dns.waitInSync(submitted.changeId, wait);
      const readBack = await deps.dns.read(ref);
      for (const wanted of step.records) {
        const got = readBack.find((r) => r.type === wanted.type);
        if (got === undefined || recordTarget(got) !== recordTarget(wanted)) {
          throw new VerificationError(
            `${pair.record.name} ${wanted.type} reads back ${got ? recordTarget(got) : "nothing"}, expected ${recordTarget(wanted)}`,
          );
        }
      }
      return { changeId: submitted.changeId, status };
    }
  }
}
