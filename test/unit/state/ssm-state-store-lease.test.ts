import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterAlreadyExists,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";

const ssm = mockClient(SSMClient);
const alreadyExists = () =>
  new ParameterAlreadyExists({ message: "The parameter already exists.", $metadata: {} });

describe("the SSM store's lease when the SDK retried its create", () => {
  beforeEach(() => ssm.reset());

  it("recognises the lease its own first attempt created (answer timed out, retry refused) and works under it", async () => {
    // The first attempt's create reached SSM but its answer was lost; the SDK's retry is refused.
    let created: string | undefined;
    ssm.on(PutParameterCommand).callsFake((input: { Value?: string }) => {
      created = input.Value;
      throw alreadyExists();
    });
    ssm.on(GetParameterCommand).callsFake(() => ({ Parameter: { Value: created, Version: 1 } }));
    ssm.on(DeleteParameterCommand).resolves({});
    const store = createSsmStateStore(ssm as unknown as SSMClient, "/p", () =>
      Date.parse("2026-12-02T11:00:00Z"),
    );
    expect(await store.withLease("origin-balancer/lease", async () => "worked")).toBe("worked");
    expect(ssm.commandCalls(DeleteParameterCommand)[0]?.args[0].input).toEqual({
      Name: "/p/origin-balancer/lease",
    });
  });

  it("still refuses a live lease another holder created", async () => {
    ssm.on(PutParameterCommand).rejects(alreadyExists());
    ssm.on(GetParameterCommand).resolves({
      Parameter: { Value: JSON.stringify({ expiresAt: "2026-12-02T11:00:40.000Z", holder: "someone-else" }) },
    });
    const store = createSsmStateStore(ssm as unknown as SSMClient, "/p", () =>
      Date.parse("2026-12-02T11:00:00Z"),
    );
    await expect(store.withLease("origin-balancer/lease", async () => "worked")).rejects.toThrow(
      /another invocation \(lease until 2026-12-02T11:00:40.000Z\)/,
    );
    expect(ssm.commandCalls(DeleteParameterCommand)).toHaveLength(0);
  });
});
