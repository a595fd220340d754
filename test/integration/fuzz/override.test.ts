import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OverrideRuntime } from "../../../functions/override/deps";
import { createHandler } from "../../../functions/override/handler";
import { createSsmOverrideStore } from "../../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";
import { InvalidOverrideError } from "../../../shared/errors";
import type { AutomationInvoker } from "../../../shared/ports/automation-invoker";
import { motoOrSkip } from "../../support/moto";
import { snapshotDifferences, snapshotMoto } from "../../support/moto-state";
import { everyAutomationStage } from "../../support/stages";
import {
  capturingStdout,
  context,
  expectWorldUnchanged,
  type FuzzServers,
  PREFIX,
  startFuzzServers,
  takeBefore,
  type WorldBefore,
} from "./fuzz-world";
import { hostileOverrides, overrideFixtures } from "./override-cases";
import { assertHarmless, expectPrototypesClean, RUNS, Tally } from "./verdict";

const hasMoto = motoOrSkip();
// Overrides and plans are SSM parameters: all the override function stores.
const SERVICES = ["ssm"];

describe.skipIf(!hasMoto)("override on hostile requests, against moto", () => {
  let servers: FuzzServers;
  let before: WorldBefore;
  let handler: (event: unknown) => Promise<unknown>;
  const delegated: unknown[] = [];
  const tally = new Tally();

  beforeAll(async () => {
    servers = await startFuzzServers();
    const base = servers.base(
      everyAutomationStage({ prefix: PREFIX, hostedZoneId: "Z0FUZZ0000001", distribution: "E2FUZZ00001" }),
    );
    const state = createSsmStateStore(base.ssm, PREFIX);
    // Delegations (canary commands, rotate-now) would invoke another function: recorded here, so a
    // hostile request that got that far shows up.
    const invoker = new Proxy({} as AutomationInvoker, {
      get:
        () =>
        async (...args: unknown[]) => {
          delegated.push(args);
          return { accepted: true };
        },
    });
    const runtime: OverrideRuntime = {
      config: base.config,
      base,
      deps: () => ({
        overrides: createSsmOverrideStore(base.ssm, PREFIX, state),
        state,
        invoker,
        notifier: base.notifier,
        logger: base.logger,
        now: () => new Date(),
      }),
    };
    const invoke = createHandler(async () => runtime);
    handler = (event) => invoke(event, context);
    // SSM must exist in moto's dump before the snapshot: reading the (absent) state initialises it.
    await state.load("overrides/never-written");
    before = await takeBefore(servers, SERVICES);
  });

  afterAll(async () => {
    await servers?.stop();
  });

  it(`rejects or refuses ${RUNS} hostile override requests and random JSON, storing nothing`, async () => {
    const stdout = await capturingStdout(() =>
      assertHarmless(hostileOverrides(), handler, { tally, expectedErrors: [InvalidOverrideError] }),
    );
    console.info(`override: ${tally.total()} inputs: ${tally}`);
    expect(tally.total()).toBeGreaterThanOrEqual(RUNS);
    expect(delegated).toEqual([]);
    await expectWorldUnchanged(servers, SERVICES, before, tally, stdout, 0);
    expectPrototypesClean();
  });

  it("is armed: the unmutated pin is stored and changes moto", async () => {
    const response = (await handler(structuredClone(overrideFixtures[0]))) as { accepted: boolean };
    expect(response.accepted).toBe(true);
    const changed = snapshotDifferences(before.snapshot, await snapshotMoto(servers.moto.url, SERVICES));
    expect(changed.map((d) => d.split(" ")[0])).toContain("ssm.Parameter");
  });
});
