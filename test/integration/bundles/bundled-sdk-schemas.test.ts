import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { EC2Client } from "@aws-sdk/client-ec2";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productionOptions } from "../../../bench/bundles";
import { launchInstances } from "../../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { motoClientOptions, motoOrSkip } from "../../support/moto";

const hasMoto = motoOrSkip();

type Bundled = typeof import("./bundled-sdk-entry");

/**
 * The production bundles leave out the SDK's modeled error classes and the schemas no call uses
 * (infra/serverless/esbuild-options.js, trimAwsSdkSchemas). What the adapters depend on must still hold
 * in that build: SSM's errors told apart by name (the state store's absent, create-once and lock
 * semantics rest on ParameterNotFound and ParameterAlreadyExists) and EC2's query responses read through
 * their rewritten traits. So the adapters are bundled with the production options and run against moto.
 */
describe.skipIf(!hasMoto)("the SDK as the production bundles trim it, against moto", () => {
  let moto: MotoServer;
  let bundled: Bundled;
  const outDir = mkdtempSync(path.join(tmpdir(), "bundled-sdk-"));

  beforeAll(async () => {
    moto = await startMoto();
    await build({
      ...productionOptions(),
      entryPoints: [path.join(__dirname, "bundled-sdk-entry.ts")],
      outdir: path.join(outDir, "bundle"),
      logLevel: "error",
    });
    bundled = (await import(
      pathToFileURL(path.join(outDir, "bundle", "bundled-sdk-entry.js")).href
    )) as Bundled;
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it("throws SSM's errors as the base exception with the modeled name, status and message", async () => {
    const ssm = bundled.createSsmClient(motoClientOptions(moto.url));
    const error = await ssm.send(new bundled.GetParameterCommand({ Name: "/bundled/never-written" })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "ParameterNotFound",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    expect(error?.constructor.name).toBe("SSMServiceException");
  });

  it("keeps the state store's semantics: absent reads nothing, a second create conflicts, racing writers one wins", async () => {
    const store = bundled.createSsmStateStore(
      bundled.createSsmClient(motoClientOptions(moto.url)),
      "/bundled",
    );
    expect(await store.load("never/written")).toBeUndefined();
    const first = await store.save("once", { by: "first" }, { expectedVersion: "absent" });
    await expect(store.save("once", { by: "second" }, { expectedVersion: "absent" })).rejects.toMatchObject({
      name: "ConflictError",
    });
    const results = await Promise.allSettled(
      ["a", "b"].map((by) => store.save("once", { by }, { expectedVersion: first })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.name),
    ).toEqual(["ConflictError"]);
    expect((await store.load("once"))?.version).toBe(first + 1);
  });

  it("reads EC2's query responses: the fleet by tag, running instances only, with their Name tags", async () => {
    const ec2 = new EC2Client(motoClientOptions(moto.url));
    const launched = await launchInstances(ec2, 3, { Role: "bundled-web", Name: "web" });
    ec2.destroy();
    const inventory = bundled.createEc2FleetInventory(bundled.createEc2Client(motoClientOptions(moto.url)), {
      deadline: () => new Date(Date.now() + 30_000),
    });
    const fleet = await inventory.listInstances({ key: "Role", value: "bundled-web" });
    expect(fleet.map((i) => i.instanceId).sort()).toEqual([...launched].sort());
    expect(fleet.every((i) => i.name === "web")).toBe(true);
  });
});
