import { describe, expect, it } from "vitest";
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
});
