import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createLambdaFunctionInvoker } from "../../../cli/invoke/lambda-invoker";
import { FunctionFailedError } from "../../../cli/invoke/types";

const lambda = mockClient(LambdaClient);
/** The SDK wraps payloads in a blob adapter; the invoker only reads the bytes. */
const encode = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as unknown as InvokeCommandOutput["Payload"];

describe("the CLI's Lambda invoker", () => {
  afterEach(() => lambda.reset());
  const invoker = createLambdaFunctionInvoker({
    stage: "prod",
    region: "eu-west-1",
    caller: "arn:aws:sts::123456789012:assumed-role/oncall/alice",
  });

  it("invokes the stage's function synchronously with the caller in the client context", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode({ accepted: true }) });
    expect(await invoker.invoke("override", { action: "pin" })).toEqual({ accepted: true });
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FunctionName: "traffic-autopilot-prod-override",
      InvocationType: "RequestResponse",
    });
    expect(JSON.parse(Buffer.from(input?.ClientContext ?? "", "base64").toString("utf8"))).toEqual({
      custom: { invoker: "arn:aws:sts::123456789012:assumed-role/oncall/alice" },
    });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({ action: "pin" });
  });

  it("turns a function error into its error class and message, for the exit code", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: encode({ errorType: "InvalidOverrideError", errorMessage: "invalid pin: unknown pool" }),
    });
    const failure = await invoker.invoke("override", {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FunctionFailedError);
    expect(failure).toMatchObject({
      errorType: "InvalidOverrideError",
      message: "invalid pin: unknown pool",
    });
  });
});
