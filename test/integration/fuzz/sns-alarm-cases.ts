import fc from "fast-check";
import {
  farTimestamp,
  foreignArn,
  hugeString,
  malformedTimestamp,
  notAnArray,
  notAnObject,
  notAString,
  pollutionKey,
  randomInput,
  unicodeString,
  wrongEnum,
} from "./hostile-values";
import {
  breakField,
  dropAt,
  type HostileCase,
  hideUnder,
  hostileCase,
  insideJson,
  type Mutation,
  mutatedFixture,
  setAt,
} from "./mutate";

const RECORD = ["Records", 0] as const;
const SNS = [...RECORD, "Sns"] as const;
const MESSAGE = [...SNS, "Message"] as const;
const STATES = ["ALARM", "OK", "INSUFFICIENT_DATA"] as const;

/** Mutations of the SNS envelope: every field the parser checks, broken one way or another. */
const envelope: fc.Arbitrary<Mutation> = fc.oneof(
  breakField(["Records"], fc.oneof(notAnArray, fc.constant([]), fc.constant([null]), fc.constant(["Sns"]))),
  fc.constant(dropAt([...RECORD])),
  breakField(
    [...RECORD, "EventSource"],
    fc.oneof(wrongEnum("aws:sns", ["aws:sqs", "aws:events"]), notAString),
  ),
  breakField([...RECORD, "EventVersion"], notAString),
  breakField([...RECORD, "EventSubscriptionArn"], notAString),
  breakField([...SNS], notAnObject),
  breakField(
    [...SNS, "Type"],
    wrongEnum("Notification", ["SubscriptionConfirmation", "UnsubscribeConfirmation"]),
  ),
  breakField([...SNS, "MessageId"], fc.oneof(notAString, fc.constant(""))),
  breakField([...SNS, "TopicArn"], fc.oneof(foreignArn, notAString)),
  breakField([...SNS, "Timestamp"], notAString),
);

/** The Message string itself: not JSON, JSON that is no object, an alarm encoded twice, a huge blob. */
const messageText: fc.Arbitrary<Mutation> = fc.oneof(
  breakField([...MESSAGE], notAString),
  fc
    .constantFrom(
      '{"AlarmName": "web-overload", "NewStateValue": ',
      "{'AlarmName': 'web-overload'}",
      '{"AlarmName": "web-overload", "NewStateValue": "ALARM"}}',
      "null",
      "[]",
      '["AlarmName", "NewStateValue"]',
      "42",
      '"ALARM"',
      "",
      "\ufeff{}",
      '{"Records": [{"Sns": {}}]}',
    )
    .map((text) => setAt([...MESSAGE], text)),
  hugeString.map((text) => setAt([...MESSAGE], text)),
  // A publisher that JSON-encodes an already encoded alarm: the message parses to a string, not an alarm.
  fc.constant<Mutation>({
    label: "Message encoded twice",
    apply: (event) => {
      const sns = (event as { Records?: { Sns?: { Message?: unknown } }[] }).Records?.[0]?.Sns;
      if (typeof sns?.Message === "string") sns.Message = JSON.stringify(sns.Message);
    },
  }),
  pollutionKey.map((key) => insideJson([...MESSAGE], hideUnder([], key, ["AlarmName", "NewStateValue"]))),
  pollutionKey.map((key) => hideUnder([...SNS], key, ["Message", "Type"])),
  pollutionKey.map((key) => hideUnder([], key, ["Records"])),
);

/** The alarm document inside Message, field by field. */
function alarmFields(options: {
  alarmNames: fc.Arbitrary<string>;
  farTimes: boolean;
}): fc.Arbitrary<Mutation> {
  const field = (name: string, values: fc.Arbitrary<unknown>, canDrop = true) =>
    breakField([name], values, canDrop).map((m) => insideJson([...MESSAGE], m));
  return fc.oneof(
    field("AlarmName", fc.oneof(notAString, fc.constant(""), hugeString, options.alarmNames)),
    field(
      "AWSAccountId",
      fc.oneof(notAString, fc.constantFrom("12345", "1234567890123", "abcdefghijkl", "12345678901\u0000")),
    ),
    field("NewStateValue", fc.oneof(notAString, wrongEnum("ALARM", ["ALARMING", "PENDING"]), unicodeString)),
    field("OldStateValue", fc.oneof(notAString, wrongEnum("OK", ["ok", "Ok"]))),
    field("NewStateReason", notAString),
    field(
      "StateChangeTime",
      options.farTimes
        ? fc.oneof(notAString, malformedTimestamp, farTimestamp)
        : fc.oneof(notAString, malformedTimestamp),
    ),
    field("Region", fc.oneof(notAString, fc.constant(""))),
    field("AlarmArn", fc.oneof(notAString, foreignArn)),
    field("Trigger", fc.oneof(fc.string(), fc.integer(), fc.constant([1, 2])), false),
    field("AlarmDescription", fc.oneof(fc.integer(), fc.boolean(), fc.constant({ text: "x" })), false),
    fc
      .constantFrom(...STATES)
      .map((s) => insideJson([...MESSAGE], setAt(["NewStateValue"], s.toLowerCase()))),
  );
}

/**
 * Hostile SNS deliveries built from the real fixtures, plus random JSON. `alarmNames`: names no
 * configuration maps (the handler may reject them or record an ignore). `farTimes`: also well-formed
 * StateChangeTimes decades away from now, for handlers that act on the notification's time.
 */
export function hostileAlarmEvents(
  fixtures: readonly unknown[],
  options: { alarmNames: fc.Arbitrary<string>; farTimes: boolean },
): fc.Arbitrary<HostileCase> {
  return fc.oneof(
    { weight: 3, arbitrary: mutatedFixture(fixtures, envelope) },
    { weight: 3, arbitrary: mutatedFixture(fixtures, messageText) },
    { weight: 6, arbitrary: mutatedFixture(fixtures, alarmFields(options)) },
    // Well-formed alarms the configuration does not expect: on their own, so no other mutation hides them.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...fixtures), wellFormedStrangers(options))
        .map(([event, mutation]) => {
          const clone = structuredClone(event);
          mutation.apply(clone);
          return hostileCase([mutation.label], clone);
        }),
    },
    { weight: 2, arbitrary: randomInput.map((event) => hostileCase(["random JSON"], event)) },
  );
}

function wellFormedStrangers(options: {
  alarmNames: fc.Arbitrary<string>;
  farTimes: boolean;
}): fc.Arbitrary<Mutation> {
  const name = options.alarmNames.map((n) => insideJson([...MESSAGE], setAt(["AlarmName"], n)));
  if (!options.farTimes) return name;
  const time = farTimestamp.map((t) => insideJson([...MESSAGE], setAt(["StateChangeTime"], t)));
  return fc.oneof(name, time);
}

/** Alarm names that look plausible but are mapped nowhere: look-alikes, unicode, near misses. */
export function unmappedAlarmNames(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom(...known.flatMap((n) => [n.toUpperCase(), `${n} `, `${n}-2`, n.replace(/-/g, "_")])),
      unicodeString,
      fc.string({ minLength: 1, maxLength: 255 }),
    )
    .filter((name) => !known.includes(name));
}
