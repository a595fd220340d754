import { type CheckResult, fail, isReadError, pass, type ReadError, unreadable, warn } from "./types";

export interface FleetObservation {
  fleet: string;
  tag: { key: string; value: string };
  /** Running instances carrying the fleet tag. */
  instanceIds: readonly string[] | ReadError;
  /** SSM DescribeInstanceInformation for those instances: PingStatus by instance id. */
  agents: Readonly<Record<string, string>> | ReadError;
}

/**
 * The fleet exists and every instance's SSM agent is Online (an offline agent never gets the command).
 * @example 3 instances, i-0b... ConnectionLost -> FAIL naming the instance
 */
export function checkFleet(o: FleetObservation): CheckResult {
  const id = "flow.fleet";
  const tag = `${o.tag.key}=${o.tag.value}`;
  if (isReadError(o.instanceIds)) return unreadable(id, o.fleet, "ec2:DescribeInstances", o.instanceIds);
  if (o.instanceIds.length === 0) {
    return fail(
      id,
      o.fleet,
      `no running instance carries the tag ${tag}`,
      `tag the fleet's instances ${tag} or correct flowControl.fleets[${o.fleet}].tag`,
    );
  }
  if (isReadError(o.agents)) return unreadable(id, o.fleet, "ssm:DescribeInstanceInformation", o.agents);
  const agents = o.agents;
  const offline = o.instanceIds.filter((i) => agents[i] !== "Online");
  if (offline.length > 0) {
    const states = offline.map((i) => `${i} ${agents[i] ?? "not registered with SSM"}`).join(", ");
    return fail(
      id,
      o.fleet,
      `${offline.length} of ${o.instanceIds.length} instances have no online SSM agent: ${states}`,
      "start the SSM agent on them and give their instance profile AmazonSSMManagedInstanceCore; check outbound HTTPS to ssm/ec2messages/ssmmessages",
    );
  }
  return pass(id, o.fleet, `${o.instanceIds.length} instances tagged ${tag}, every SSM agent Online`);
}

export interface DocumentObservation {
  documentName: string;
  /** The document's type when it exists, null when it does not. */
  document: { type: string } | null | ReadError;
}

/** Our Command document exists (the stack deploys it): SendCommand names it. */
export function checkDocument(o: DocumentObservation): CheckResult {
  const id = "flow.document";
  if (isReadError(o.document)) return unreadable(id, o.documentName, "ssm:ListDocuments", o.document);
  if (o.document === null) {
    return fail(
      id,
      o.documentName,
      "the SSM document does not exist",
      "deploy the stack (it creates the document) or correct flowControl.documentName",
    );
  }
  if (o.document.type !== "Command") {
    return warn(
      id,
      o.documentName,
      `the document is a ${o.document.type} document`,
      "flow control needs a Command document: deploy the stack's own",
    );
  }
  return pass(id, o.documentName, "Command document exists");
}
