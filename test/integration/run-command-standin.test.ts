import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CancelCommandCommand,
  type CommandInvocation,
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  PutParameterCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LocalInstance,
  type RunCommandStandIn,
  startRunCommandStandIn,
} from "../../sandbox/run-command/server";
import {
  MOTO_INSTALL_HINT,
  type MotoServer,
  motoAvailable,
  startMoto,
} from "../../sandbox/servers/moto-server";

const FIXTURES = path.resolve(__dirname, "../fixtures/ssm");
const ECHO_DOCUMENT = "Autopilot-TestEcho";
const SLOW_DOCUMENT = "Autopilot-TestSlow";
/** Runs past its 1 s step timeout and leaves a grandchild behind, to prove the whole process group dies. */
const SLOW_DOCUMENT_CONTENT = JSON.stringify({
  schemaVersion: "2.2",
  description: "Outlives its step timeout.",
  mainSteps: [
    {
      action: "aws:runShellScript",
      name: "sleepTooLong",
      inputs: { timeoutSeconds: 1, runCommand: ["echo started", "sleep 30 & echo $! > sleep.pid", "wait"] },
    },
  ],
});
const DELIVERY_TIMEOUT_MS = 1_000;
const VISIBLE_AFTER_MS = 200;

/** False once the process is gone or only a zombie waiting for its new parent (e.g. a container's PID 1) to reap it. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) succeeding means it runs
  }
}

const hasMoto = motoAvailable();
if (!hasMoto) {
  const message = `moto is not installed (${MOTO_INSTALL_HINT}): the run-command stand-in tests need it`;
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`\n!!! SKIPPING run-command stand-in tests: ${message}\n`);
}

/** Seven local instances; ids follow SSM's 17-character format. */
const SPECS = [
  { name: "web-1", role: "web", online: true, fails: false },
  { name: "web-2", role: "web", online: true, fails: false },
  { name: "web-3", role: "web", online: true, fails: false },
  { name: "db-1", role: "db", online: true, fails: false },
  { name: "broken-1", role: "broken", online: true, fails: true },
  { name: "offline-1", role: "edge", online: false, fails: false },
  { name: "spare-1", role: "spare", online: true, fails: false },
] as const;
type InstanceName = (typeof SPECS)[number]["name"];
const idOf = (name: InstanceName) =>
  `i-${(SPECS.findIndex((spec) => spec.name === name) + 1).toString(16).padStart(17, "0")}`;

describe.skipIf(!hasMoto)("run-command stand-in", () => {
  let moto: MotoServer | undefined;
  let standIn: RunCommandStandIn | undefined;
  let ssm: SSMClient;
  let root: string | undefined;
  const dirOf = (name: InstanceName) => path.join(root ?? "", name);

  beforeAll(async () => {
    moto = await startMoto();
    root = await mkdtemp(path.join(tmpdir(), "run-command-standin-"));
    const instances: LocalInstance[] = [];
    for (const spec of SPECS) {
      await mkdir(dirOf(spec.name));
      if (spec.fails) await writeFile(path.join(dirOf(spec.name), "fail"), "");
      instances.push({
        instanceId: idOf(spec.name),
        tags: { Name: spec.name, Role: spec.role },
        cwd: dirOf(spec.name),
        env: { INSTANCE_NAME: spec.name },
        online: spec.online,
      });
    }
    standIn = await startRunCommandStandIn({
      motoUrl: moto.url,
      documents: {
        [ECHO_DOCUMENT]: await readFile(path.join(FIXTURES, "echo-document.yml"), "utf8"),
        [SLOW_DOCUMENT]: SLOW_DOCUMENT_CONTENT,
      },
      instances,
      pathPrepend: [path.join(FIXTURES, "bin")],
      deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
      invocationVisibleAfterMs: VISIBLE_AFTER_MS,
    });
    // An explicit environment: nothing from the machine's AWS_* variables can reach a real account.
    ssm = new SSMClient({
      endpoint: standIn.url,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    ssm?.destroy();
    await standIn?.stop();
    await moto?.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  const send = async (input: Omit<SendCommandCommandInput, "DocumentName"> & { DocumentName?: string }) => {
    const { Command } = await ssm.send(new SendCommandCommand({ DocumentName: ECHO_DOCUMENT, ...input }));
    if (Command?.CommandId === undefined) throw new Error("SendCommand returned no CommandId");
    return Command.CommandId;
  };

  /** Polls ListCommandInvocations until `count` invocations are listed and all have ended. */
  const settled = async (commandId: string, count: number): Promise<Map<string, CommandInvocation>> => {
    const deadline = Date.now() + 10_000;
    let last: CommandInvocation[] = [];
    while (Date.now() < deadline) {
      const page = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true }));
      last = page.CommandInvocations ?? [];
      const ended = last.every((invocation) => !["Pending", "InProgress"].includes(invocation.Status ?? ""));
      if (last.length === count && ended)
        return new Map(last.map((invocation) => [invocation.InstanceId ?? "", invocation]));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `command ${commandId} did not settle: ${JSON.stringify(last.map((i) => [i.InstanceId, i.Status]))}`,
    );
  };

  const invocation = async (
    commandId: string,
    name: InstanceName,
  ): Promise<GetCommandInvocationCommandOutput> =>
    ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: idOf(name) }));

  const lastAction = async (name: InstanceName) =>
    (await readFile(path.join(dirOf(name), "actions.log"), "utf8")).trim().split("\n").at(-1);

  it("runs the document's command in the directory of each instance it names", async () => {
    const commandId = await send({
      InstanceIds: [idOf("web-1"), idOf("web-2")],
      Parameters: { action: ["open"] },
    });

    const results = await settled(commandId, 2);

    for (const name of ["web-1", "web-2"] as const) {
      expect(results.get(idOf(name))).toMatchObject({
        Status: "Success",
        StatusDetails: "Success",
        InstanceName: name,
      });
      expect(results.get(idOf(name))?.CommandPlugins?.[0]).toMatchObject({
        Name: "runFakeTool",
        ResponseCode: 0,
      });
      expect(await lastAction(name)).toBe("open");
      const result = await invocation(commandId, name);
      expect(result).toMatchObject({ Status: "Success", ResponseCode: 0, PluginName: "runFakeTool" });
      expect(JSON.parse(result.StandardOutputContent ?? "")).toEqual({
        action: "open",
        instance: name,
        ok: true,
      });
      expect(result.ExecutionStartDateTime).not.toBe("");
    }
  });

  it("selects only the instances whose tag matches a Targets entry", async () => {
    const commandId = await send({
      Targets: [{ Key: "tag:Role", Values: ["web"] }],
      Parameters: { action: ["status"] },
    });

    const results = await settled(commandId, 3);

    expect([...results.keys()].sort()).toEqual([idOf("web-1"), idOf("web-2"), idOf("web-3")]);
    expect(standIn?.commands().at(-1)).toMatchObject({
      commandId,
      instanceIds: [idOf("web-1"), idOf("web-2"), idOf("web-3")],
    });
    expect(await lastAction("web-3")).toBe("status");
  });

  it("runs at most MaxConcurrency invocations at a time", async () => {
    const names = ["web-1", "web-2", "web-3"] as const;
    const commandId = await send({
      InstanceIds: names.map(idOf),
      Parameters: { action: ["status"] },
      MaxConcurrency: "1",
    });

    const results = await settled(commandId, 3);

    const spans = names
      .map((name) => results.get(idOf(name))?.CommandPlugins?.[0])
      .map((plugin) => ({
        start: plugin?.ResponseStartDateTime?.getTime(),
        end: plugin?.ResponseFinishDateTime?.getTime(),
      }))
      .sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    for (const [index, span] of spans.entries()) {
      expect(span.start).toBeDefined();
      if (index > 0)
        expect(span.start).toBeGreaterThanOrEqual(spans[index - 1]?.end ?? Number.POSITIVE_INFINITY);
    }
  });

  it("ends an offline instance's invocation DeliveryTimedOut while the online ones succeed", async () => {
    const commandId = await send({
      InstanceIds: [idOf("web-1"), idOf("offline-1")],
      Parameters: { action: ["close"] },
    });

    const results = await settled(commandId, 2);

    expect(results.get(idOf("web-1"))?.Status).toBe("Success");
    expect(results.get(idOf("offline-1"))).toMatchObject({
      Status: "TimedOut",
      StatusDetails: "DeliveryTimedOut",
    });
    expect(results.get(idOf("offline-1"))?.CommandPlugins?.[0]?.ResponseCode).toBe(-1);
    expect(existsSync(path.join(dirOf("offline-1"), "actions.log"))).toBe(false);
  });

  it("reports a failing instance as Failed with its stdout, stderr and exit code", async () => {
    const commandId = await send({ InstanceIds: [idOf("broken-1")], Parameters: { action: ["admit"] } });

    const results = await settled(commandId, 1);
    const result = await invocation(commandId, "broken-1");

    expect(result).toMatchObject({ Status: "Failed", StatusDetails: "Failed", ResponseCode: 1 });
    expect(JSON.parse(result.StandardOutputContent ?? "")).toMatchObject({ action: "admit", ok: false });
    expect(result.StandardErrorContent).toContain("fail marker present");
    expect(results.get(idOf("broken-1"))?.CommandPlugins?.[0]?.Output).toContain("fail marker present");
  });

  it("rejects a parameter value outside allowedPattern and runs nothing", async () => {
    const before = standIn?.commands().length;

    const sending = send({ InstanceIds: [idOf("web-1")], Parameters: { action: ["open; touch pwned"] } });

    await expect(sending).rejects.toMatchObject({ name: "InvalidParameters" });
    expect(standIn?.commands().length).toBe(before);
    expect(existsSync(path.join(dirOf("web-1"), "pwned"))).toBe(false);
  });

  it("rejects a document it does not know", async () => {
    const sending = send({ DocumentName: "No-Such-Document", InstanceIds: [idOf("web-1")] });

    await expect(sending).rejects.toMatchObject({ name: "InvalidDocument" });
  });

  it("rejects more than 50 instance ids", async () => {
    const ids = Array.from({ length: 51 }, (_, index) => `i-${(index + 100).toString(16).padStart(17, "0")}`);

    const sending = send({ InstanceIds: ids, Parameters: { action: ["status"] } });

    await expect(sending).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("answers InvocationDoesNotExist right after SendCommand, then the invocation", async () => {
    const commandId = await send({ InstanceIds: [idOf("db-1")], Parameters: { action: ["status"] } });

    await expect(invocation(commandId, "db-1")).rejects.toMatchObject({ name: "InvocationDoesNotExist" });

    const deadline = Date.now() + 5_000;
    let status: string | undefined;
    while (Date.now() < deadline && status !== "Success") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await invocation(commandId, "db-1").then(
        (result) => result.Status,
        (error: Error) => (error.name === "InvocationDoesNotExist" ? undefined : Promise.reject(error)),
      );
    }
    expect(status).toBe("Success");
  });

  it("pages ListCommandInvocations by MaxResults", async () => {
    const commandId = await send({
      InstanceIds: SPECS.map((spec) => idOf(spec.name)),
      Parameters: { action: ["status"] },
    });
    await settled(commandId, SPECS.length);

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await ssm.send(
        new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: 3, NextToken: nextToken }),
      );
      pages.push((page.CommandInvocations ?? []).map((item) => item.InstanceId ?? ""));
      nextToken = page.NextToken;
    } while (nextToken !== undefined && pages.length < 10);

    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(new Set(pages.flat())).toEqual(new Set(SPECS.map((spec) => idOf(spec.name))));
  });

  it("cancels the not-yet-started invocations once MaxErrors is exceeded", async () => {
    const web1Runs = (await readFile(path.join(dirOf("web-1"), "actions.log"), "utf8")).split("\n").length;

    const commandId = await send({
      InstanceIds: [idOf("broken-1"), idOf("web-1"), idOf("web-2")],
      Parameters: { action: ["open"] },
      MaxConcurrency: "1",
      MaxErrors: "0",
    });
    const results = await settled(commandId, 3);

    expect(results.get(idOf("broken-1"))?.Status).toBe("Failed");
    expect(results.get(idOf("web-1"))).toMatchObject({ Status: "Cancelled", StatusDetails: "Cancelled" });
    expect(results.get(idOf("web-2"))).toMatchObject({ Status: "Cancelled", StatusDetails: "Cancelled" });
    expect((await readFile(path.join(dirOf("web-1"), "actions.log"), "utf8")).split("\n").length).toBe(
      web1Runs,
    );
    const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    expect(Commands?.[0]).toMatchObject({
      Status: "Failed",
      TargetCount: 3,
      CompletedCount: 3,
      ErrorCount: 1,
    });
  });

  it("kills the whole process group of a script that outlives its step timeout", async () => {
    const commandId = await send({ DocumentName: SLOW_DOCUMENT, InstanceIds: [idOf("web-3")] });

    await settled(commandId, 1);
    const result = await invocation(commandId, "web-3");

    expect(result).toMatchObject({
      Status: "TimedOut",
      StatusDetails: "ExecutionTimedOut",
      ResponseCode: 137,
    });
    expect(result.StandardOutputContent).toBe("started\n");
    const sleepPid = Number((await readFile(path.join(dirOf("web-3"), "sleep.pid"), "utf8")).trim());
    expect(isRunning(sleepPid)).toBe(false);
  });

  it("cancels a running invocation on CancelCommand and kills its script", async () => {
    const commandId = await send({ DocumentName: SLOW_DOCUMENT, InstanceIds: [idOf("web-2")] });
    const deadline = Date.now() + 5_000;
    let status: string | undefined;
    while (Date.now() < deadline && status !== "InProgress") {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const page = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId }));
      status = page.CommandInvocations?.[0]?.Status;
    }
    expect(status).toBe("InProgress");

    await ssm.send(new CancelCommandCommand({ CommandId: commandId }));
    const results = await settled(commandId, 1);

    expect(results.get(idOf("web-2"))).toMatchObject({ Status: "Cancelled", StatusDetails: "Cancelled" });
    const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    expect(Commands?.[0]?.Status).toBe("Cancelled");
  });

  it("delivers a waiting invocation when its instance comes back online", async () => {
    const commandId = await send({ InstanceIds: [idOf("offline-1")], Parameters: { action: ["status"] } });
    try {
      standIn?.setInstanceOnline(idOf("offline-1"), true);
      const results = await settled(commandId, 1);
      expect(results.get(idOf("offline-1"))?.Status).toBe("Success");
    } finally {
      standIn?.setInstanceOnline(idOf("offline-1"), false);
    }
  });

  it("delivers to an online agent after the stated latency, Pending until then, and at once without one", async () => {
    const LATENCY_MS = 1_500;
    const delayed = await startRunCommandStandIn({
      motoUrl: moto?.url ?? "",
      documents: { [ECHO_DOCUMENT]: await readFile(path.join(FIXTURES, "echo-document.yml"), "utf8") },
      instances: (["web-1", "web-2"] as const).map((name) => ({
        instanceId: idOf(name),
        tags: { Name: name },
        cwd: dirOf(name),
        env: { INSTANCE_NAME: name },
        online: true,
      })),
      pathPrepend: [path.join(FIXTURES, "bin")],
      deliveryLatencyMs: (instanceId) => (instanceId === idOf("web-1") ? LATENCY_MS : 0),
    });
    const client = new SSMClient({
      endpoint: delayed.url,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
    });
    try {
      const sentAt = Date.now();
      const { Command } = await client.send(
        new SendCommandCommand({
          DocumentName: ECHO_DOCUMENT,
          InstanceIds: [idOf("web-1"), idOf("web-2")],
          Parameters: { action: ["status"] },
        }),
      );
      const statusOf = async (name: InstanceName) =>
        (
          await client.send(
            new GetCommandInvocationCommand({ CommandId: Command?.CommandId, InstanceId: idOf(name) }),
          )
        ).Status;
      // web-2 has no latency: it runs and ends while web-1's command is still on its way.
      const deadline = Date.now() + 10_000;
      while ((await statusOf("web-2")) !== "Success" && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await statusOf("web-2")).toBe("Success");
      if (Date.now() - sentAt < LATENCY_MS - 100) expect(await statusOf("web-1")).toBe("Pending");
      while ((await statusOf("web-1")) !== "Success" && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await statusOf("web-1")).toBe("Success");
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(LATENCY_MS);
    } finally {
      client.destroy();
      await delayed.stop();
    }
  });

  it("passes every other SSM call through to moto", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/autopilot/test/flag", Value: "on", Type: "String" }));

    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/autopilot/test/flag" }));

    expect(Parameter?.Value).toBe("on");
  });
});
