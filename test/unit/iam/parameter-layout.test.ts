import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { policyStatements as canaryPolicy } from "../../../shared/canary/iam-policy";
import { policyStatements as certRotationPolicy } from "../../../shared/cert-rotation/iam-policy";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { policyStatements as flowControlPolicy } from "../../../shared/flow-control/iam-policy";
import { threadKey } from "../../../shared/kernel/domain/incident";
import { overrideKeysFor } from "../../../shared/kernel/domain/override-keys";
import { incidentKeys, parameterKeys } from "../../../shared/kernel/domain/parameter-layout";
import type { PolicyStatement } from "../../../shared/kernel/iam-statements";
import { policyStatements as originBalancerPolicy } from "../../../shared/origin-balancer/iam-policy";
import { policyStatements as overridesPolicy } from "../../../shared/overrides/iam-policy";
import { policyStatements as slackChatopsPolicy } from "../../../shared/slack-chatops/iam-policy";

const root = path.resolve(__dirname, "../../..");
const config = parseStageConfig(readFileSync(path.join(root, "config/example.yml"), "utf8"), "example.yml");
const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "prod" };
const shared = { parameterPrefix: config.parameterPrefix, slackTokenParameter: config.slack.tokenParameter };
const arnOf = (key: string) =>
  `arn:aws:ssm:eu-west-1:123456789012:parameter${config.parameterPrefix.replace(/\/$/, "")}/${key}`;

/** IAM's own matching: `*` spans any characters (slashes included), `?` one character. */
function allows(statements: PolicyStatement[], action: string, arn: string): boolean {
  return statements
    .filter((s) => s.Action.includes(action))
    .flatMap((s) => [s.Resource].flat())
    .some((pattern) => {
      const body = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
      return new RegExp(`^${body}$`).test(arn);
    });
}

const pool = config.originBalancer?.pools[0]?.name ?? "";
const zone = config.originBalancer?.pools[0]?.record.hostedZoneId ?? "";
const fleet = config.flowControl?.fleets[0]?.name ?? "";
const pair = config.certRotation?.pairs[0]?.name ?? "";
const canary = config.canary?.canaries[0]?.name ?? "";
const writes = (key: string) => [key, parameterKeys.lockOf(key)];

/**
 * Every key each function writes, named by the parameter layout, with the role that writes it. A key moved
 * out of its automation's area (or a role narrowed past it) fails here, not at 3 a.m. with AccessDenied.
 */
const WRITERS: [string, PolicyStatement[], string[]][] = [
  [
    "origin-balancer",
    config.originBalancer ? originBalancerPolicy(config.originBalancer, ctx, shared) : [],
    [
      parameterKeys.balancerZoneState(zone),
      parameterKeys.balancerZoneState(zone, 3),
      parameterKeys.balancerLease(),
      ...writes(parameterKeys.balancerPendingPlan(pool)),
    ],
  ],
  [
    "flow-control",
    config.flowControl ? flowControlPolicy(config.flowControl, ctx, shared) : [],
    [
      ...writes(parameterKeys.fleetState(fleet)),
      ...writes(parameterKeys.overrideSeen("flow-control", fleet)),
      ...writes(threadKey(incidentKeys.fleet(fleet))),
    ],
  ],
  [
    "cert-rotation",
    config.certRotation ? certRotationPolicy(config.certRotation, ctx, shared) : [],
    [
      ...writes(parameterKeys.pairState(pair)),
      ...writes(parameterKeys.pairPendingPlan(pair)),
      ...writes(parameterKeys.overrideSeen("cert-rotation", pair)),
      ...writes(threadKey(incidentKeys.rotation(pair, "rot-1a2b"))),
    ],
  ],
  [
    "canary",
    config.canary ? canaryPolicy(config.canary, ctx, shared) : [],
    [...writes(parameterKeys.canaryRecord(canary)), ...writes(parameterKeys.overrideSeen("canary", canary))],
  ],
  [
    "override",
    overridesPolicy(config, ctx, shared),
    [
      ...overrideKeysFor("flow-control", fleet).flatMap(writes),
      ...writes(parameterKeys.balancerPendingPlan(pool)),
      ...writes(parameterKeys.pairPendingPlan(pair)),
    ],
  ],
  ["slack-chatops", slackChatopsPolicy(config, ctx, shared), [`${parameterKeys.slackReplayRoot()}/0a1b2c`]],
];

describe("the parameter layout is the IAM boundary", () => {
  it("the example stage configures every automation, so every writer is checked", () => {
    expect([pool, fleet, pair, canary].every((name) => name !== "")).toBe(true);
  });

  // Every key is put; a lock or a lease is also deleted when its holder is done.
  const deleted = (key: string) => key.endsWith(".lock") || key === parameterKeys.balancerLease();

  it.each(WRITERS)(
    "%s: its role may put every key it writes, and delete its locks and leases",
    (_, statements, keys) => {
      const denied = keys.filter(
        (key) =>
          !allows(statements, "ssm:PutParameter", arnOf(key)) ||
          (deleted(key) && !allows(statements, "ssm:DeleteParameter", arnOf(key))),
      );
      expect(denied).toEqual([]);
    },
  );

  it.each(WRITERS)("%s: its role may not write another automation's keys", (name, statements) => {
    const others = WRITERS.filter(([other]) => other !== name && other !== "override")
      .flatMap(([, , keys]) => keys)
      .filter((key) => !WRITERS.find(([n]) => n === name)?.[2].includes(key));
    expect(others.filter((key) => allows(statements, "ssm:PutParameter", arnOf(key)))).toEqual([]);
  });
});

describe("one parameter layout", () => {
  function tsFiles(dir: string): string[] {
    return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? tsFiles(`${dir}/${entry.name}`)
        : entry.name.endsWith(".ts")
          ? [`${dir}/${entry.name}`]
          : [],
    );
  }

  it("no code outside the layout spells a parameter key of an automation's area", () => {
    const handBuilt = [...tsFiles("shared"), ...tsFiles("functions")]
      .filter((file) => !file.endsWith("kernel/domain/parameter-layout.ts"))
      .flatMap((file) =>
        readFileSync(path.join(root, file), "utf8")
          .split("\n")
          .filter((line) => !/^\s*(\/?\*|\/\/)/.test(line))
          .filter((line) =>
            /[`"'](origin-balancer|flow-control|cert-rotation|canary|overrides|slack-chatops)\/(\$\{|[a-z_])/.test(
              line,
            ),
          )
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(handBuilt).toEqual([]);
  });
});
