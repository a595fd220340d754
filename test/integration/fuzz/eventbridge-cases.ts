import fc from "fast-check";
import {
  foreignArn,
  hugeString,
  malformedTimestamp,
  notAnArray,
  notAnObject,
  notAString,
  pollutionKey,
  randomInput,
  wrongEnum,
} from "./hostile-values";
import {
  breakField,
  type HostileCase,
  hideUnder,
  hostileCase,
  type Mutation,
  mutatedFixture,
  setAt,
} from "./mutate";

/** The EventBridge envelope every event shares, broken field by field. */
function envelope(
  detailType: string,
  source: string,
  neighbours: readonly string[],
  // A schedule's account is any string to the parser; an ACM event's must be 12 digits.
  accountDigits: boolean,
): fc.Arbitrary<Mutation> {
  return fc.oneof(
    breakField(["version"], fc.oneof(wrongEnum("0", ["1", "00"]), fc.constant(0), notAString)),
    breakField(["id"], fc.oneof(fc.constant(""), notAString)),
    breakField(["detail-type"], fc.oneof(wrongEnum(detailType, [...neighbours]), notAString, hugeString)),
    breakField(
      ["source"],
      fc.oneof(wrongEnum(source, ["aws.health", "aws.ec2", "custom.autopilot"]), notAString),
    ),
    breakField(
      ["account"],
      accountDigits ? fc.oneof(notAString, fc.constantFrom("12345", "abcdefghijkl")) : notAString,
    ),
    breakField(["time"], fc.oneof(malformedTimestamp, notAString)),
    breakField(["region"], notAString),
    breakField(["resources"], fc.oneof(notAnArray, fc.constant([1, 2]), fc.constant([null]))),
    breakField(["detail"], notAnObject),
    pollutionKey.map((key) => hideUnder([], key, ["detail-type", "source", "time"])),
  );
}

/** Hostile EventBridge "Scheduled Event"s from the real fixture, plus random JSON. */
export function hostileScheduleEvents(scheduled: unknown): fc.Arbitrary<HostileCase> {
  return fc.oneof(
    {
      weight: 5,
      arbitrary: mutatedFixture(
        [scheduled],
        envelope(
          "Scheduled Event",
          "aws.events",
          ["Scheduled event", "Scheduled Events", "ACM Certificate Available", "AWS API Call via CloudTrail"],
          false,
        ),
      ),
    },
    { weight: 1, arbitrary: randomInput.map((event) => hostileCase(["random JSON"], event)) },
  );
}

/** ACM's own events: a certificate ARN that is not one, a detail-type ACM does not send us, bad detail. */
const acmDetail: fc.Arbitrary<Mutation> = fc.oneof(
  breakField(["resources"], fc.oneof(notAnArray, fc.constant([]))),
  foreignArn.map((arn) => setAt(["resources"], [arn])),
  fc.constant(
    setAt(
      ["resources"],
      [
        "arn:aws:acm:eu-west-1:123456789012:certificate/61f50cd4-45b9-4259-b049-d0a53682fa4b",
        "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-45b9-4259-b049-d0a53682fa4b",
      ],
    ),
  ),
  breakField(
    ["detail", "DaysToExpiry"],
    fc.oneof(fc.constantFrom("12", 1.5, -0.5, null), fc.boolean()),
    false,
  ),
  breakField(["detail", "CommonName"], fc.oneof(fc.integer(), fc.constant(null), fc.constant(["a"])), false),
);

/** The CloudTrail ImportCertificate record: another API call, another service, no certificate named. */
const cloudTrailDetail: fc.Arbitrary<Mutation> = fc.oneof(
  breakField(
    ["detail", "eventSource"],
    fc.oneof(wrongEnum("acm.amazonaws.com", ["acm-pca.amazonaws.com", "iam.amazonaws.com"]), notAString),
  ),
  breakField(
    ["detail", "eventName"],
    fc.oneof(
      wrongEnum("ImportCertificate", ["DeleteCertificate", "RequestCertificate", "ExportCertificate"]),
      notAString,
    ),
  ),
  foreignArn.map((arn) => setAt(["detail", "responseElements"], { certificateArn: arn })),
  fc.constant<Mutation>({
    label: "no certificate ARN anywhere",
    apply: (event) => {
      const detail = (event as { detail?: Record<string, unknown> }).detail;
      if (detail && typeof detail === "object") {
        detail.responseElements = null;
        detail.requestParameters = { certificate: "HIDDEN_DUE_TO_SECURITY_REASONS" };
      }
    },
  }),
  breakField(["detail", "responseElements"], fc.oneof(fc.string(), fc.integer(), fc.constant([1])), false),
  breakField(
    ["detail", "errorCode"],
    fc.oneof(fc.integer(), fc.boolean(), fc.constant({ code: "x" })),
    false,
  ),
);

/** A well-formed failed import: it concerns no certificate, so it must be a recorded ignore. */
const failedImport: fc.Arbitrary<Mutation> = fc
  .constantFrom("AccessDenied", "ValidationException", "LimitExceededException", "\u202eDenied")
  .map((code) => setAt(["detail", "errorCode"], code));

/** Hostile ACM events and CloudTrail import records from the real fixtures, plus random JSON. */
export function hostileCertificateEvents(fixtures: {
  acm: readonly unknown[];
  cloudTrail: unknown;
}): fc.Arbitrary<HostileCase> {
  const acmNeighbours = [
    "ACM Certificate Expired",
    "ACM Certificate Renewal Action Required",
    "ACM Certificate Rotated",
  ];
  return fc.oneof(
    {
      weight: 3,
      arbitrary: mutatedFixture(
        fixtures.acm,
        envelope("ACM Certificate Available", "aws.acm", acmNeighbours, true),
      ),
    },
    { weight: 3, arbitrary: mutatedFixture(fixtures.acm, acmDetail) },
    {
      weight: 2,
      arbitrary: mutatedFixture(
        [fixtures.cloudTrail],
        envelope("AWS API Call via CloudTrail", "aws.acm", ["AWS API Call via CloudTrail "], true),
      ),
    },
    { weight: 3, arbitrary: mutatedFixture([fixtures.cloudTrail], cloudTrailDetail) },
    {
      weight: 1,
      arbitrary: failedImport.map((m) => {
        const event = structuredClone(fixtures.cloudTrail);
        m.apply(event);
        return hostileCase([m.label], event);
      }),
    },
    { weight: 1, arbitrary: randomInput.map((event) => hostileCase(["random JSON"], event)) },
  );
}
