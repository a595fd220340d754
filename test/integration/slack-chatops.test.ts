import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { buttonClickBody, signedRequest, slashCommandBody } from "../../sandbox/servers/slack-interactivity";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { parseStageConfig } from "../../shared/config/stage-config";
import type { PendingWeightPlan } from "../../shared/origin-balancer/domain/pending-weight-plan";
import { balancerStage, PREFIX, startBalancerWorld } from "../support/balancer-world";
import { motoOrSkip } from "../support/moto";
import { snapshotDifferences, snapshotMoto } from "../support/moto-state";
import { SIGNING_SECRET, slackChatopsRig } from "../support/slack-chatops-rig";

const hasMoto = motoOrSkip();
const MINUTE = 60_000;
const ALICE = "U0ALICE01";
const MALLORY = "U0MALLORY";

describe.skipIf(!hasMoto)("Slack ChatOps: signed requests acted on by the override function", () => {
  let moto: MotoServer;
  let sink: SlackSink;
  let world: Awaited<ReturnType<typeof startBalancerWorld>>;
  let rig: ReturnType<typeof slackChatopsRig>;
  // The balancer world's trace starts 45 minutes ago; the override clock follows the scenario.
  const t0 = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 45 * MINUTE);
  const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
  let overrideNow = at(0);
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const signed = (body: string, timestamp = nowSeconds()) =>
    signedRequest(SIGNING_SECRET, body, { timestamp });
  const ssmState = () => snapshotMoto(moto.url, ["ssm"]);

  /** The plan message the balancer posted, as Slack would send it back with a click. */
  const planMessage = (planId: string) => {
    const call = sink.calls.find(
      (c) => c.method === "chat.postMessage" && JSON.stringify(c.body.attachments ?? []).includes(planId),
    );
    if (!call) throw new Error(`no message for ${planId}`);
    return { ts: call.ts, text: String(call.body.text), attachments: call.body.attachments as unknown[] };
  };
  const click = (planId: string, actionId: string, userId = ALICE) => {
    const message = planMessage(planId);
    return signed(
      buttonClickBody({
        userId,
        actionId,
        value: planId,
        responseUrl: sink.responseUrl(message.ts),
        message,
      }),
    );
  };
  const newPlan = async (minute: number): Promise<string> => {
    await world.setWeights({ primary: 254, elastic: 1 });
    let [planned] = await world.balance(at(minute));
    // On a loaded machine moto's first metrics read can pass the SDK's 5 s timeout; the next run re-plans.
    if (planned?.rule === "evaluation-failed") [planned] = await world.balance(at(minute));
    const id = /plan (plan-[0-9a-f]{8}) (?:stored|awaits)/.exec(planned?.headline ?? "")?.[1];
    if (!id) throw new Error(`no plan stored: ${planned?.headline}`);
    return id;
  };
  const storedPlan = async (): Promise<PendingWeightPlan> => {
    const { GetParameterCommand } = await import("@aws-sdk/client-ssm");
    const out = await world.ssm.send(
      new GetParameterCommand({ Name: `${PREFIX}/origin-balancer/images/plan` }),
    );
    return JSON.parse(out.Parameter?.Value ?? "{}") as PendingWeightPlan;
  };

  beforeAll(async () => {
    [moto, sink] = await Promise.all([startMoto(), startSlackSink()]);
    world = await startBalancerWorld(moto, sink, t0, "plan");
    const config = {
      ...parseStageConfig(balancerStage(world.zone, "plan"), "test.yml"),
      slackChatops: {
        signingSecretParameter: `${PREFIX}/slack-signing-secret`,
        allowlist: { [ALICE]: "alice" },
      },
    };
    rig = slackChatopsRig({ config, ssm: world.ssm, sink, now: () => overrideNow });
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), sink?.stop()]);
  });

  it("puts Approve / Reject buttons on a plan message carrying the plan id", async () => {
    const id = await newPlan(0);
    const blocks = (
      planMessage(id).attachments[0] as {
        blocks: { type: string; elements?: { value: string; action_id: string }[] }[];
      }
    ).blocks;
    const actions = blocks.find((b) => b.type === "actions");
    expect(actions?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      ["autopilot-approve", id],
      ["autopilot-reject", id],
    ]);
  });

  it("approves a plan from a signed button click: acknowledged within 3 s, acted, message updated", async () => {
    const id = await newPlan(1);
    overrideNow = at(2);
    const started = performance.now();
    const sent = await rig.send(click(id, "autopilot-approve"));
    console.info(`slack-chatops: button approve acknowledged in ${sent.ms.toFixed(0)} ms`);
    expect(sent.answer.statusCode).toBe(200);
    expect(sent.responseType).toBe("ephemeral");
    expect(sent.text).toBe(`Approving ${id} as alice… the answer follows here.`);
    expect(sent.ms).toBeLessThan(3_000);
    const [result] = (await rig.settle()) as { accepted: boolean }[];
    console.info(
      `slack-chatops: approve acted and answered on the response_url ${(performance.now() - started).toFixed(0)} ms after the click`,
    );
    expect(result?.accepted).toBe(true);
    expect(await storedPlan()).toMatchObject({ id, status: "approved", approval: { author: "alice" } });
    const answered = sink.calls.filter((c) => c.method === "response_url" && c.ts === planMessage(id).ts);
    expect(answered).toHaveLength(1);
    expect(answered[0]?.body.replace_original).toBe(true);
    const blocks = JSON.stringify(answered[0]?.body.attachments);
    expect(blocks).not.toContain('"type":"actions"');
    expect(blocks).toContain(`${id} approved by alice from Slack`);
    const [executed] = await world.balance(at(2));
    expect(executed?.outcome).toBe("applied");
    expect(executed?.headline).toContain(`plan ${id} approved by alice`);
  });

  it("pauses the balancer from /autopilot with the CLI's grammar, expiry required", async () => {
    overrideNow = new Date();
    const missing = await rig.send(
      signed(
        slashCommandBody({
          userId: ALICE,
          text: 'pause --automation origin-balancer --target images --reason "drill"',
          responseUrl: sink.responseUrl("1.1"),
        }),
      ),
    );
    expect(missing.text).toContain("an expiry is required");
    const sent = await rig.send(
      signed(
        slashCommandBody({
          userId: ALICE,
          text: 'pause --automation origin-balancer --target images --for 1h --reason "INC-9 drill"',
          responseUrl: sink.responseUrl("1.2"),
        }),
      ),
    );
    expect(sent.text).toBe("Pausing origin-balancer images as alice… the answer follows here.");
    const [result] = (await rig.settle()) as {
      accepted: boolean;
      override: { author: string; invoker: string };
    }[];
    expect(result?.accepted).toBe(true);
    expect(result?.override.author).toBe("alice");
    expect(result?.override.invoker).toContain(`Slack user ${ALICE}`);
    const answer = sink.calls.find((c) => c.method === "response_url" && c.ts === "1.2");
    expect(String(answer?.body.text)).toContain("origin-balancer images paused by alice from Slack until");
    // resume with the same grammar ends it
    await rig.send(
      signed(
        slashCommandBody({
          userId: ALICE,
          text: "resume --automation origin-balancer --target images --reason done",
          responseUrl: sink.responseUrl("1.3"),
        }),
      ),
    );
    expect(((await rig.settle()) as { accepted: boolean }[])[0]?.accepted).toBe(true);
  });

  describe("refusals: a clear ephemeral answer, nothing stored", () => {
    const refusedCleanly = async (event: unknown, status: number, text: RegExp) => {
      const before = await ssmState();
      const dispatched = rig.dispatched.length;
      const sent = await rig.send(event);
      expect(sent.answer.statusCode).toBe(status);
      expect(sent.responseType).toBe("ephemeral");
      expect(sent.text).toMatch(text);
      expect(rig.dispatched.length).toBe(dispatched);
      expect(snapshotDifferences(before, await ssmState())).toEqual([]);
    };
    const slash = (userId = ALICE) =>
      slashCommandBody({
        userId,
        text: "approve plan-00000000 --reason x",
        responseUrl: sink.responseUrl("2.1"),
      });

    it("refuses a wrong signature", async () => {
      const event = signedRequest("another-secret", slash(), { timestamp: nowSeconds() });
      await refusedCleanly(event, 401, /^refused: the signature does not match/);
    });

    it("refuses a body changed after signing", async () => {
      const event = signed(slash());
      event.body = event.body.replace("plan-00000000", "plan-11111111");
      await refusedCleanly(event, 401, /^refused: the signature does not match/);
    });

    it("refuses a timestamp older than 5 minutes, even correctly signed", async () => {
      await refusedCleanly(signed(slash(), nowSeconds() - 301), 401, /more than 5 min \(stale or replayed\)/);
    });

    it("refuses a replayed request: the second delivery is not acted on", async () => {
      const id = await newPlan(30);
      overrideNow = at(30);
      const event = click(id, "autopilot-reject");
      expect((await rig.send(event)).text).toContain(`Rejecting ${id}`);
      await rig.settle();
      expect((await storedPlan()).status).toBe("superseded");
      await refusedCleanly(structuredClone(event), 200, /already received \(a replay\)/);
    });

    it("refuses a user who is not on the allowlist", async () => {
      await refusedCleanly(
        signed(slash(MALLORY)),
        200,
        /U0MALLORY is not on this stage's slackChatops allowlist/,
      );
    });

    it(`refuses 250 malformed signed payloads (fast-check, seed 1616)`, async () => {
      const word = fc.constantFrom(
        "pin",
        "pause",
        "force",
        "approve",
        "reject",
        "resume",
        "status2",
        "--for",
        "1h",
        "--automation",
        "canary",
        "--weight",
        "x=1",
        '"',
        "--author",
        "--local",
        "plan-1",
        "💥",
        "--reason",
      );
      const slashText = fc
        .array(word, { maxLength: 8 })
        .map((w) => (w.includes("--reason") ? w.filter((x) => x !== "--reason") : w).join(" "));
      const hostile = fc.oneof(
        // slash commands the grammar or the schema refuses (never a --reason: nothing valid can be formed)
        slashText.map((text) =>
          slashCommandBody({ userId: ALICE, text, responseUrl: sink.responseUrl("3.1") }),
        ),
        // button clicks with unknown actions, values or shapes
        fc
          .record({
            actionId: fc.oneof(
              fc.string({ maxLength: 20 }),
              fc.constantFrom("autopilot-pause-1h", "autopilot-resume"),
            ),
            value: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("flow-control/", "/web", "nope")),
          })
          .map(({ actionId, value }) =>
            buttonClickBody({
              userId: ALICE,
              actionId,
              value,
              responseUrl: sink.responseUrl("3.2"),
              message: { ts: "3.2" },
            }),
          ),
        // payloads that are not JSON, other interaction types, random form fields
        fc.string({ maxLength: 200 }).map((s) => new URLSearchParams({ payload: s }).toString()),
        fc
          .jsonValue({ maxDepth: 3 })
          .map((v) => new URLSearchParams({ payload: JSON.stringify(v) }).toString()),
        fc
          .dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 6 })
          .map((d) => new URLSearchParams(d).toString()),
        // a click whose response_url is not Slack's
        fc.constant(
          buttonClickBody({
            userId: ALICE,
            actionId: "autopilot-approve",
            value: "plan-12345678",
            responseUrl: "https://evil.example/x",
            message: { ts: "3.3" },
          }),
        ),
      );
      const before = await ssmState();
      const dispatched = rig.dispatched.length;
      let runs = 0;
      const answers = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(hostile, async (body) => {
          runs += 1;
          const sent = await rig.send(signed(body));
          const kind = (sent.text.split(": ")[1] ?? sent.text).replace(/["“].*$/s, "").slice(0, 28);
          answers.set(kind, (answers.get(kind) ?? 0) + 1);
          expect(sent.answer.statusCode).toBeLessThan(500);
          expect(sent.responseType).toBe("ephemeral");
          expect(sent.text.length).toBeGreaterThan(10);
          expect(sent.text).toMatch(/^(refused|```|status is not answered)/);
        }),
        { seed: 1616, numRuns: 250 },
      );
      expect(runs).toBe(250);
      console.info(
        `slack-chatops: 250 malformed requests answered: ${JSON.stringify(Object.fromEntries(answers))}`,
      );
      // The generators reach past the signature into every layer that can refuse.
      expect(answers.size).toBeGreaterThanOrEqual(4);
      expect(rig.dispatched.length).toBe(dispatched);
      expect(snapshotDifferences(before, await ssmState())).toEqual([]);
    }, 120_000);
  });

  it("an approve from Slack racing one from the CLI: exactly one applies", async () => {
    const id = await newPlan(40);
    overrideNow = at(40);
    const [slackSent, cli] = await Promise.all([
      rig.send(click(id, "autopilot-approve")).then(async (sent) => ({ sent, results: await rig.settle() })),
      rig.cli({ action: "approve", planId: id, author: "bob", reason: "from the terminal" }).then(
        (r) => r as { accepted: boolean },
        (error: unknown) => ({ accepted: false, error }),
      ),
    ]);
    const slack = slackSent.results[0] as { accepted: boolean };
    console.info(`slack-chatops: race won by ${slack.accepted ? "Slack" : "the CLI"}`);
    expect([slack.accepted, cli.accepted].filter(Boolean)).toHaveLength(1);
    const plan = await storedPlan();
    expect(plan.status).toBe("approved");
    expect(plan.approval?.author).toBe(slack.accepted ? "alice" : "bob");
    if (!slack.accepted) {
      const refusal = sink.calls
        .filter((c) => c.method === "response_url" && c.ts === planMessage(id).ts)
        .at(-1);
      expect(String(refusal?.body.text)).toMatch(/^⛔ refused, nothing changed/);
    }
  });
});
