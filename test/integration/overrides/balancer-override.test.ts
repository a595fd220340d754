import { GetParametersByPathCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../../sandbox/servers/slack-sink";
import type { OverrideResponse } from "../../../shared/overrides/apply-override";
import { PREFIX, startBalancerWorld } from "../../support/balancer-world";
import { motoOrSkip } from "../../support/moto";

const hasMoto = motoOrSkip();
const MINUTE = 60_000;

describe.skipIf(!hasMoto)("an operator's pin against the origin balancer, on moto", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let world: Awaited<ReturnType<typeof startBalancerWorld>>;
  // Whole minutes in the past, so every window the balancer reads holds CloudWatch datapoints.
  const t0 = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 45 * MINUTE);
  const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);

  const storedOverrides = async () =>
    (await world.ssm.send(new GetParametersByPathCommand({ Path: `${PREFIX}/overrides`, Recursive: true })))
      .Parameters ?? [];
  const posts = () =>
    slack.calls.filter((c) => c.method === "chat.postMessage").map((c) => String(c.body.text));
  const pin = (author: string, weights: Record<string, number>, minutes: number) => ({
    action: "pin",
    pool: "images",
    weights,
    author,
    reason: "INC-42: elastic origin is degraded, keep it light",
    expiresInMinutes: minutes,
  });

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    world = await startBalancerWorld(moto, slack, t0);
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  it("refuses invalid pins with an error that names the problem, and stores nothing", async () => {
    const valid = pin("alice", { primary: 1, elastic: 1 }, 30);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...valid, expiresInMinutes: undefined }, /expiry is required/],
      [{ ...valid, pool: "videos" }, /no target "videos"/],
      [{ ...valid, weights: { primary: 128 } }, /must name every origin.*missing: elastic/],
      [{ ...valid, weights: { primary: 300, elastic: 1 } }, /weights.primary/],
      [{ ...valid, expiresInMinutes: 25 * 60 }, /more than 24 h away/],
      [{ ...valid, reason: " " }, /reason is required/],
      [{ ...valid, action: "pin!" }, /action/],
    ];
    const postsBefore = slack.calls.length;
    for (const [payload, problem] of cases) {
      await expect(world.override(at(0), payload)).rejects.toThrow(problem);
    }
    expect(await storedOverrides()).toEqual([]);
    // The operator sees the error in the CLI; the channel gets no alarm for a typo.
    expect(slack.calls.length).toBe(postsBefore);
  });

  it("holds pinned weights through a spike, names the override, and posts it once", async () => {
    const response = await world.override(at(0), pin("alice", { primary: 200, elastic: 55 }, 30));
    expect(response.accepted).toBe(true);
    expect(response.override?.invoker).toBe("arn:aws:iam::123456789012:user/alice");
    expect(response.override?.expiresAt).toBe(at(30).toISOString());
    expect(posts().at(-1)).toContain("alice asked to pin images");

    const [first] = await world.balance(at(0));
    expect(first?.rule).toBe("override-pin");
    expect(first?.outcome).toBe("applied");
    expect(first?.override).toMatchObject({
      kind: "pin",
      author: "alice",
      invoker: "arn:aws:iam::123456789012:user/alice",
    });
    expect(first?.headline).toMatch(/pinned primary 100% \/ elastic 0% → primary 78% \/ elastic 22%/);
    expect(await world.weights()).toEqual({ primary: 200, elastic: 55 });

    const before = posts().length;
    for (const minute of [1, 2, 10, 29]) {
      const [held] = await world.balance(at(minute));
      expect(held?.rule).toBe("override-pin");
      expect(held?.outcome).toBe("unchanged");
      // The policy still says what it would do: the spike wants an offload.
      expect(held?.headline).toContain("the policy wanted offload");
    }
    expect(await world.weights()).toEqual({ primary: 200, elastic: 55 });
    expect(posts().length).toBe(before);
  });

  it("resumes on the first run after expiry and says so, once", async () => {
    const [resumed] = await world.balance(at(31));
    expect(resumed?.rule).toBe("offload");
    expect(resumed?.outcome).toBe("applied");
    expect(resumed?.override).toBeUndefined();
    expect(resumed?.headline).toContain(
      `override (pin by alice) expired at ${at(30).toISOString()}, automation resumed`,
    );
    expect(posts().at(-1)).toContain("automation resumed");
    expect((await world.weights()).primary).toBeLessThan(130);

    const [next] = await world.balance(at(32));
    expect(next?.headline).not.toContain("automation resumed");
  });

  it("lets one of two racing overrides on the same target win; the other gets a conflict error", async () => {
    const results = await Promise.allSettled([
      world.override(at(33), pin("bob", { primary: 100, elastic: 155 }, 10), "bob"),
      world.override(at(33), pin("carol", { primary: 150, elastic: 105 }, 10), "carol"),
    ]);
    const won = results.filter((r) => r.status === "fulfilled") as PromiseFulfilledResult<OverrideResponse>[];
    const lost = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(String(lost[0]?.reason)).toMatch(/ConflictError|changed while we worked|being written by another/);
    const stored = JSON.parse((await storedOverrides())[0]?.Value ?? "{}");
    expect(stored.author).toBe(won[0]?.value.override?.author);
  });

  it("refuses to replace someone else's active pin unless asked to, and says who cleared it", async () => {
    const holder = JSON.parse((await storedOverrides())[0]?.Value ?? "{}").author as string;
    const other = holder === "bob" ? "carol" : "bob";
    const pause = (replace?: boolean) =>
      world.override(
        at(34),
        {
          action: "pause",
          automation: "origin-balancer",
          target: "images",
          author: other,
          reason: "quiet please",
          expiresInMinutes: 5,
          ...(replace ? { replace } : {}),
        },
        other,
      );
    const refused = await pause();
    expect(refused.accepted).toBe(false);
    expect(refused.refusal).toContain(`already has an active pin by ${holder}`);
    expect((await pause(true)).accepted).toBe(true);
    const [paused] = await world.balance(at(35));
    expect(paused?.rule).toBe("override-pause");
    expect(paused?.outcome).toBe("held");
    const resumed = await world.override(
      at(35),
      { action: "resume", automation: "origin-balancer", target: "images", author: other, reason: "done" },
      other,
    );
    expect(resumed.accepted).toBe(true);
    const [after] = await world.balance(at(36));
    expect(after?.headline).toContain(`cleared by ${other}, automation resumed`);
  });
});
