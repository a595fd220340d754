import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

interface Statement {
  Action: string[];
  Resource: unknown;
}

/** Packages the sandbox stage exactly as a user would (offline, no credentials) and reads the template. */
describe("the packaged CloudFormation template", () => {
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const out = path.join(root, ".serverless");

  beforeAll(() => {
    execFileSync("npx", ["serverless", "package", "--stage", "sandbox"], {
      cwd: root,
      stdio: "pipe",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        SLS_TELEMETRY_DISABLED: "1",
      },
      timeout: 240_000,
    });
    template = JSON.parse(readFileSync(path.join(out, "cloudformation-template-update-stack.json"), "utf8"));
  }, 240_000);

  const statementsOf = (logicalId: string): Statement[] => {
    const role = template.Resources[logicalId];
    const policies = role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
    return policies.flatMap((p) => p.PolicyDocument.Statement);
  };

  it("gives the origin balancer exactly its scoped permissions", () => {
    const statements = statementsOf("OriginBalancerRole");
    const actions = statements.flatMap((s) => s.Action).sort();
    expect(actions).toEqual(
      [
        "cloudwatch:GetMetricData",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "route53:ChangeResourceRecordSets",
        "route53:GetChange",
        "route53:ListResourceRecordSets",
        "ssm:GetParameter",
        "ssm:GetParameter",
        "ssm:PutParameter",
      ].sort(),
    );
    const change = statements.find((s) => s.Action.includes("route53:ChangeResourceRecordSets"));
    expect(JSON.stringify(change?.Resource)).toContain("hostedzone/Z0SANDBOX0001");
    expect(JSON.stringify(change?.Resource)).not.toContain("*");
    const token = statements.find((s) => s.Action.length === 1 && s.Action[0] === "ssm:GetParameter");
    expect(JSON.stringify(token?.Resource)).toContain("parameter/traffic-autopilot/sandbox/slack-token");
    const logs = statements.find((s) => s.Action.includes("logs:PutLogEvents"));
    expect(JSON.stringify(logs?.Resource)).toContain(
      "/aws/lambda/traffic-autopilot-sandbox-origin-balancer:*",
    );
  });

  it("uses no wildcard actions in any role", () => {
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== "AWS::IAM::Role") continue;
      for (const statement of statementsOf(id)) {
        for (const action of statement.Action)
          expect(action, `${id}: ${action}`).not.toMatch(/\*|^[a-z0-9-]+:\*$/);
      }
    }
  });

  it("runs the balancer on nodejs22.x with reserved concurrency 1 and a schedule", () => {
    const fn = Object.values(template.Resources).find(
      (r) => r.Type === "AWS::Lambda::Function" && String(r.Properties.Handler).includes("origin-balancer"),
    );
    expect(fn?.Properties.Runtime).toBe("nodejs22.x");
    expect(fn?.Properties.ReservedConcurrentExecutions).toBe(1);
    const rules = Object.values(template.Resources).filter((r) => r.Type === "AWS::Events::Rule");
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toContain("rate(1 minute)");
  });

  it("bundles each function with its stage file and nothing else", () => {
    const zip = path.join(out, "origin-balancer.zip");
    expect(statSync(zip).size).toBeGreaterThan(10_000);
    const listing = execFileSync("python3", [
      "-c",
      "import sys,zipfile;print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
      zip,
    ])
      .toString()
      .split("\n")
      .filter(Boolean);
    expect(listing).toContain("config/sandbox.yml");
    expect(listing.some((f) => f.endsWith("handler.js"))).toBe(true);
    expect(listing.filter((f) => f.startsWith("node_modules/"))).toEqual([]);
    expect(readdirSync(out)).toContain("cloudformation-template-update-stack.json");
  });
});
