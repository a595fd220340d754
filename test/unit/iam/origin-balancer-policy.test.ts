import { describe, expect, it } from "vitest";
import { parameterKeys } from "../../../shared/kernel/domain/parameter-layout";
import { originBalancerSchema } from "../../../shared/origin-balancer/config";
import { policyStatements } from "../../../shared/origin-balancer/iam-policy";

const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "prod" };
const shared = {
  parameterPrefix: "/traffic-autopilot/prod",
  slackTokenParameter: "/traffic-autopilot/prod/slack-token",
};
const pool = (name: string, zone: string, record: string, type: string) => ({
  name,
  record: { hostedZoneId: zone, name: record, type },
  distributions: ["E2QWRUHEXAMPLE"],
  origins: [{ setIdentifier: "nke", capacity: 9000 }, { setIdentifier: "gke" }],
});
const config = originBalancerSchema.parse({
  pools: [
    pool("images", "Z1D633PJN98FT9", "Img-Origin.example.com.", "CNAME"),
    pool("video", "Z1D633PJN98FT9", "video-origin.example.com", "A"),
    pool("api", "Z0OTHERZONE0001", "api-origin.example.net", "AAAA"),
  ],
});
const statements = policyStatements(config, ctx, shared);

describe("the origin-balancer IAM policy", () => {
  it("lets each zone's records change only by UPSERT, only for the configured names and types", () => {
    const changes = statements.filter((s) => s.Action.includes("route53:ChangeResourceRecordSets"));
    expect(changes).toEqual([
      {
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets"],
        Resource: "arn:aws:route53:::hostedzone/Z0OTHERZONE0001",
        Condition: {
          "ForAllValues:StringEquals": {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api-origin.example.net"],
            "route53:ChangeResourceRecordSetsRecordTypes": ["AAAA"],
            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
          },
        },
      },
      {
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets"],
        Resource: "arn:aws:route53:::hostedzone/Z1D633PJN98FT9",
        Condition: {
          "ForAllValues:StringEquals": {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
              "img-origin.example.com",
              "video-origin.example.com",
            ],
            "route53:ChangeResourceRecordSetsRecordTypes": ["A", "CNAME"],
            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
          },
        },
      },
    ]);
  });

  it("reads the record sets of the configured zones only", () => {
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["route53:ListResourceRecordSets"],
      Resource: [
        "arn:aws:route53:::hostedzone/Z0OTHERZONE0001",
        "arn:aws:route53:::hostedzone/Z1D633PJN98FT9",
      ],
    });
  });

  describe("its SSM parameters, checked against the keys the balancer really uses", () => {
    const arnOf = (key: string) =>
      `arn:aws:ssm:eu-west-1:123456789012:parameter${shared.parameterPrefix}/${key}`;
    // IAM's ARN matching: * is any run of characters, ? one character.
    const matches = (pattern: string, arn: string) =>
      new RegExp(
        `^${pattern
          .split("")
          .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
          .join("")}$`,
      ).test(arn);
    const allows = (action: string, key: string) =>
      statements.some(
        (s) => s.Action.includes(action) && [s.Resource].flat().some((r) => matches(r, arnOf(key))),
      );

    it.each([
      ["part 1 of a zone's state document", parameterKeys.balancerZoneState("Z1D633PJN98FT9")],
      ["a further part of a zone's state document", parameterKeys.balancerZoneState("Z0OTHERZONE0001", 3)],
      ["the run lease", parameterKeys.balancerLease()],
      ["a pool's plan", parameterKeys.balancerPendingPlan("video")],
    ])("lets it write %s", (_, key) => {
      expect(allows("ssm:PutParameter", key)).toBe(true);
    });

    it("reads every zone document in batches, and the per-pool state of earlier versions, never writing it", () => {
      expect(allows("ssm:GetParameters", parameterKeys.balancerZoneState("Z1D633PJN98FT9"))).toBe(true);
      expect(allows("ssm:GetParameters", parameterKeys.balancerLegacyPoolState("images"))).toBe(true);
      expect(allows("ssm:PutParameter", parameterKeys.balancerLegacyPoolState("images"))).toBe(false);
      expect(allows("ssm:DeleteParameter", parameterKeys.balancerLegacyPoolState("images"))).toBe(false);
    });

    it("takes the run lease (create, read its expiry, delete) and deletes nothing else of the balancer's", () => {
      for (const action of ["ssm:PutParameter", "ssm:GetParameter", "ssm:DeleteParameter"])
        expect(allows(action, parameterKeys.balancerLease())).toBe(true);
      expect(allows("ssm:DeleteParameter", parameterKeys.balancerZoneState("Z1D633PJN98FT9"))).toBe(false);
    });

    it("reaches no other zone's document, no other pool's keys and nothing outside the prefix", () => {
      expect(allows("ssm:PutParameter", parameterKeys.balancerZoneState("ZNOTCONFIGURED"))).toBe(false);
      expect(allows("ssm:PutParameter", parameterKeys.balancerPendingPlan("not-a-pool"))).toBe(false);
      expect(allows("ssm:GetParameters", parameterKeys.balancerLegacyPoolState("not-a-pool"))).toBe(false);
      expect(allows("ssm:PutParameter", "flow-control/web/state")).toBe(false);
    });
  });
});
