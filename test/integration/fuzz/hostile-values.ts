import fc from "fast-check";

/**
 * Values that no AWS event field of the expected kind ever carries. Every arbitrary here is meant to be
 * put where the parser validates, so that the result is bad input by construction.
 */

/** Anything but a string: numbers (NaN included), booleans, null, arrays, objects. */
export const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Anything but a plain object (a record): strings, numbers, null, arrays. */
export const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
);

/** Anything but an array. */
export const notAnArray: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Strings from 64 KB to 1 MB: ASCII, astral-plane characters, control and bidi characters. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom("x", "𝕏", "\u0000", "\u202e", "é", "\ud800", "{"),
    fc.constantFrom(65_536, 300_000, 1_000_000),
  )
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** Short strings of any code units, lone surrogates and NUL included. */
export const unicodeString: fc.Arbitrary<string> = fc.string({ unit: "binary", minLength: 1, maxLength: 40 });

/** A wrong value for a closed set: other case, padding, look-alike letters, the neighbours AWS also uses. */
export function wrongEnum(valid: string, neighbours: readonly string[] = []): fc.Arbitrary<string> {
  const cyrillic = valid.replace(/A/g, "\u0410").replace(/O/g, "\u041e").replace(/a/g, "\u0430");
  return fc
    .oneof(
      fc.constantFrom(
        valid.toLowerCase() === valid ? valid.toUpperCase() : valid.toLowerCase(),
        ` ${valid}`,
        `${valid}\n`,
        `${valid}\u0000`,
        "",
        ...(cyrillic !== valid ? [cyrillic] : []),
        ...neighbours,
      ),
      unicodeString,
    )
    .filter((candidate) => candidate !== valid);
}

/** ARNs of other services and ARN-looking junk: never an SNS topic, a CloudWatch alarm or an ACM certificate. */
export const foreignArn: fc.Arbitrary<string> = fc.constantFrom(
  "arn:aws:s3:::traffic-autopilot-logs",
  "arn:aws:iam::123456789012:role/traffic-autopilot-admin",
  "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-sandbox-flow-control",
  "arn:aws:sqs:eu-west-1:123456789012:traffic-autopilot-alarms",
  "arn:aws:kms:eu-west-1:123456789012:key/61f50cd4-45b9-4259-b049-d0a53682fa4b",
  "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/sandbox/slack-token",
  "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0",
  "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/61f50cd4",
  "arn:aws:acm:eu-west-1:123456789012:certificate/../../../../etc/passwd",
  "arn:aws:acm:eu-west-1:12345:certificate/61f50cd4-45b9-4259-b049-d0a53682fa4b",
  "arn:aws:cloudwatch:eu-west-1:123456789012:dashboard/web",
  "arn::::",
  "*",
  "",
);

/** Timestamps no parser should read as an instant: wrong calendar, wrong shape, epoch numbers. */
export const malformedTimestamp: fc.Arbitrary<unknown> = fc.constantFrom(
  "2026-13-45T25:61:61Z",
  "2026-02-30T10:00:00Z",
  "2026-11-02",
  "20:04:31",
  "2026/11/02 20:04:31",
  "yesterday",
  "1793650000",
  "",
  1_793_650_000,
  1_793_650_000_000,
  "+275760-09-13T00:00:00.000Z",
  "2026-11-02T20:04:31.118+0000 OR 1=1",
  "NaN",
);

/** Well-formed instants far from any live event: the epoch, year 1, the end of year 9999. */
export const farTimestamp: fc.Arbitrary<string> = fc.constantFrom(
  "1970-01-01T00:00:00.000Z",
  "0001-01-01T00:00:00.000Z",
  "2003-06-15T12:00:00.000Z",
  "2099-01-01T00:00:00.000Z",
  "9999-12-31T23:59:59.999Z",
);

/** Keys that poison a careless merge or `obj[key] = ...` walk. */
export const pollutionKey: fc.Arbitrary<"__proto__" | "constructor" | "prototype"> = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
);

/** Any JSON at all, or a few JavaScript values an invoker could pass directly. */
export const randomInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, "", 0, [], {}, Number.NaN) },
  {
    weight: 1,
    arbitrary: fc.record({ Records: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ "detail-type": unicodeString, detail: fc.jsonValue({ maxDepth: 2 }) }),
  },
);
