import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timeImport } from "../../bench/import-timer";
import { readCompiledStageConfig } from "../../shared/config/compiled-stage-config";
import { parseStageConfig } from "../../shared/config/stage-config";
import { leastPrivilegeViolations } from "../support/least-privilege";
import { isolatedAwsEnv, runServerless } from "../support/serverless-cli";

const root = path.resolve(__dirname, "../..");

interface Statement {
  Action: string[];
  Resource: unknown;
}

/**
 * Every relative module a .js file under `dir` imports, statically or with import(), that is not a file
 * under `dir`: what would fail only when that import runs (minified esbuild output, so no line breaks
 * inside a specifier).
 */
function unresolvedImports(dir: string): string[] {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".js"));
  expect(files.length).toBeGreaterThan(1);
  return files.flatMap((file) => {
    const code = readFileSync(path.join(dir, file), "utf8");
    const specifiers = [...code.matchAll(/(?:\bfrom|\bimport\s*\(?)\s*["'](\.{1,2}\/[^"']+)["']/g)].map(
      (m) => m[1] as string,
    );
    return specifiers
      .map((specifier) => path.join(path.dirname(file), specifier))
      .filter((target) => !existsSync(path.join(dir, target)));
  });
}

/** Packages the sandbox stage exactly as a user would (offline, no credentials) and reads the template. */
describe("the packaged CloudFormation template", () => {
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const out = path.join(root, ".serverless");

  // A HOME of its own: no ~/.aws profile or real keys can reach the runs below.
  const home = mkdtempSync(path.join(tmpdir(), "serverless-home-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  beforeAll(async () => {
    const packaged = await runServerless(
      root,
      ["package", "--stage", "sandbox"],
      isolatedAwsEnv(home),
      240_000,
    );
    if (packaged.status !== 0) throw new Error(`serverless package failed:\n${packaged.output}`);
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
        "sqs:SendMessage",
        // the Slack token
        "ssm:GetParameter",
        // zone state documents
        "ssm:GetParameters",
        "ssm:PutParameter",
        // the run lease
        "ssm:GetParameter",
        "ssm:PutParameter",
        "ssm:DeleteParameter",
        // plans
        "ssm:GetParameter",
        "ssm:PutParameter",
        "ssm:DeleteParameter",
        // the per-pool state of earlier versions, by name or by path
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        // overrides
        "ssm:GetParametersByPath",
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

  const functions = () => Object.values(template.Resources).filter((r) => r.Type === "AWS::Lambda::Function");
  const statementWith = (role: string, action: string) =>
    statementsOf(role).filter((s) => s.Action.includes(action));

  it("gives every function its own role, writing only to its own log group", () => {
    const roles = functions().map((f) => JSON.stringify(f.Properties.Role));
    const expected = [
      ["OriginBalancerRole", "origin-balancer"],
      ["FlowControlRole", "flow-control"],
      ["CertRotationRole", "cert-rotation"],
      ["CanaryRole", "canary"],
      ["OverrideRole", "override"],
      ["StatusRole", "status"],
      ["WatchdogRole", "watchdog"],
      ["SlackChatopsRole", "slack-chatops"],
    ];
    expect(roles).toHaveLength(expected.length);
    expect(new Set(roles).size).toBe(expected.length);
    for (const [role, fn] of expected) {
      const logs = statementWith(role as string, "logs:PutLogEvents");
      expect(logs).toHaveLength(1);
      expect(JSON.stringify(logs[0]?.Resource)).toContain(
        `log-group:/aws/lambda/traffic-autopilot-sandbox-${fn}:*`,
      );
    }
  });

  it("lets flow control send only our document, only to instances with the fleet tag", () => {
    const send = statementWith("FlowControlRole", "ssm:SendCommand") as (Statement & {
      Condition?: unknown;
    })[];
    const resources = send.map((s) => JSON.stringify(s.Resource));
    expect(resources).toHaveLength(2);
    expect(resources.some((r) => r.includes("document/TrafficAutopilot-sandbox-FlowControl"))).toBe(true);
    const onInstances = send.find((s) => JSON.stringify(s.Resource).includes("instance/*"));
    expect(onInstances?.Condition).toEqual({ StringEquals: { "ssm:resourceTag/Role": ["haproxy-web"] } });
    expect(JSON.stringify(statementsOf("FlowControlRole"))).not.toContain("AWS-RunShellScript");
    const document = template.Resources.FlowControlDocument;
    expect(document?.Type).toBe("AWS::SSM::Document");
    expect(JSON.stringify(document?.Properties.Content)).toContain("flowctl {{ action }}");
  });

  it("scopes certificate rotation to the pair's tag, its zone and record, with read-only ACM", () => {
    const modify = statementWith("CertRotationRole", "elasticloadbalancing:ModifyListener") as (Statement & {
      Condition?: unknown;
    })[];
    expect(modify).toHaveLength(1);
    expect(modify[0]?.Condition).toEqual({
      StringEquals: { "elasticloadbalancing:ResourceTag/AlbPair": ["devices"] },
    });
    const change = statementWith("CertRotationRole", "route53:ChangeResourceRecordSets")[0];
    expect(JSON.stringify(change?.Resource)).toContain("hostedzone/Z0SANDBOX0001");
    expect(JSON.stringify(change)).toContain("devices.sandbox.example.com");
    const acm = statementsOf("CertRotationRole").flatMap((s) => s.Action.filter((a) => a.startsWith("acm:")));
    expect(acm.sort()).toEqual([
      "acm:DescribeCertificate",
      "acm:ListCertificates",
      "acm:ListTagsForCertificate",
    ]);
  });

  it("lets the canary modify only its configured listener rule", () => {
    const modify = statementWith("CanaryRole", "elasticloadbalancing:ModifyRule");
    expect(modify).toHaveLength(1);
    expect(modify[0]?.Resource).toEqual([
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
    ]);
    expect(statementWith("CanaryRole", "elasticloadbalancing:ModifyListener")).toEqual([]);
  });

  it("wires each automation to its triggers", () => {
    const rules = Object.values(template.Resources).filter((r) => r.Type === "AWS::Events::Rule");
    const patterns = rules.map((r) => JSON.stringify(r.Properties.EventPattern ?? null));
    expect(patterns.filter((p) => p.includes("aws.acm"))).toHaveLength(2);
    expect(patterns.some((p) => p.includes("ImportCertificate"))).toBe(true);
    expect(
      rules
        .map((r) => r.Properties.ScheduleExpression)
        .filter(Boolean)
        .sort(),
    ).toEqual(["rate(1 day)", "rate(1 minute)", "rate(1 minute)", "rate(5 minutes)"].sort());
    const topics = Object.values(template.Resources)
      .filter((r) => r.Type === "AWS::SNS::Subscription")
      .map((r) => r.Properties.TopicArn);
    expect(topics).toEqual([
      "arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-sandbox-alarms",
      "arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-sandbox-alarms",
      { Ref: "WatchdogTopic" },
    ]);
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

  it("serves Slack ChatOps on a function URL with auth NONE (the signing secret protects it)", () => {
    const urls = Object.values(template.Resources).filter((r) => r.Type === "AWS::Lambda::Url");
    expect(urls).toHaveLength(1);
    expect(urls[0]?.Properties.AuthType).toBe("NONE");
    expect(JSON.stringify(urls[0]?.Properties.TargetFunctionArn)).toContain("SlackDashchatops");
    const invoke = statementWith("SlackChatopsRole", "lambda:InvokeFunction");
    expect(JSON.stringify(invoke.map((s) => s.Resource))).toMatch(
      /function:traffic-autopilot-sandbox-override"/,
    );
  });

  it.each(["origin-balancer", "flow-control", "cert-rotation", "canary"])(
    "bundles %s with its stage file and nothing else",
    (name) => {
      const zip = path.join(out, `${name}.zip`);
      expect(statSync(zip).size).toBeGreaterThan(10_000);
      const listing = execFileSync("python3", [
        "-c",
        "import sys,zipfile;print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        zip,
      ])
        .toString()
        .split("\n")
        .filter(Boolean);
      // The compiled stage config, not the YAML: no function parses YAML or runs the schema at cold start.
      expect(listing).toContain(".build/config/sandbox.json");
      expect(listing.filter((f) => f.startsWith("config/"))).toEqual([]);
      // An ES module handler (functions/package.json says so) and its own chunks, none of another function's.
      expect(listing).toContain(`functions/${name}/handler.js`);
      expect(listing).toContain("functions/package.json");
      expect(
        listing.filter((f) => f.startsWith("functions/") && !f.startsWith(`functions/${name}/`)),
      ).toEqual(["functions/package.json"]);
      const code = execFileSync(
        "python3",
        [
          "-c",
          "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);sys.stdout.write(''.join(z.read(n).decode() for n in z.namelist() if n.endswith('.js')))",
          zip,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      ).toString();
      expect(code).not.toContain("YAMLParseError");
      expect(listing.filter((f) => f.startsWith("node_modules/"))).toEqual([]);
      expect(readdirSync(out)).toContain("cloudformation-template-update-stack.json");
    },
  );

  // What Lambda does with the zip: load the handler module, then (first invocation) import the runtime
  // chunk, read the shipped config and send the first AWS request. A chunk missing from the zip fails here.
  it.each(["origin-balancer", "flow-control", "cert-rotation", "canary", "status"])(
    "%s runs from its unpacked zip alone: handler, runtime chunk, first AWS request",
    async (name) => {
      const dir = mkdtempSync(path.join(tmpdir(), `zip-${name}-`));
      try {
        execFileSync("python3", [
          "-c",
          "import sys,zipfile;zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
          path.join(out, `${name}.zip`),
          dir,
        ]);
        const sample = await timeImport(
          path.join(dir, `functions/${name}/handler.js`),
          path.join(dir, ".build/config/sandbox.json"),
        );
        expect(sample.readyMs, `${name}: no AWS request within 10 s of the first invocation`).not.toBeNull();
        // The chunks a run imports later (the Slack client, the SDK's credential providers) are in the zip too.
        expect(unresolvedImports(dir), name).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  // osls loads a handler with require() and, when Node refuses an ES module, with import(): the package.json
  // beside the functions is what makes that happen. Status answers every section it could not read with
  // the error, so a run against a closed port shows that its runtime chunk was imported and ran.
  it("runs a function with `serverless invoke local`: the ES module handler and its runtime chunk", async () => {
    // Nothing listens on the discard port: every AWS call is refused at once, nothing leaves the host.
    const run = await runServerless(
      root,
      ["invoke", "local", "--function", "status", "--stage", "sandbox", "--data", "{}"],
      { ...isolatedAwsEnv(home, "http://127.0.0.1:9"), AWS_MAX_ATTEMPTS: "1" },
      240_000,
    );
    expect(run.output).not.toContain("Exception encountered when loading");
    expect(run.output).toMatch(/"overrides": \{\s*"error": "Error: connect ECONNREFUSED 127\.0\.0\.1:9"/);
  }, 240_000);

  it("points every function at the compiled stage config it ships, holding the validated stage file", () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === "AWS::Lambda::Function");
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(variables.CONFIG_FILE).toBe(".build/config/sandbox.json");
    }
    const shipped = readCompiledStageConfig(
      readFileSync(path.join(root, ".build/config/sandbox.json"), "utf8"),
      "sandbox.json",
    );
    expect(shipped).toEqual(
      parseStageConfig(readFileSync(path.join(root, "config/sandbox.yml"), "utf8"), "sandbox.yml"),
    );
  });

  it("gives every asynchronously invoked function explicit async settings and the on-failure queue", () => {
    const configs = Object.values(template.Resources).filter(
      (r) => r.Type === "AWS::Lambda::EventInvokeConfig",
    );
    const byFunction = Object.fromEntries(
      configs.map((c) => [(c.Properties.FunctionName as { Ref: string }).Ref, c.Properties]),
    );
    expect(Object.keys(byFunction).sort()).toEqual(
      [
        "CanaryLambdaFunction",
        "CertDashrotationLambdaFunction",
        "FlowDashcontrolLambdaFunction",
        "OriginDashbalancerLambdaFunction",
        "WatchdogLambdaFunction",
      ].sort(),
    );
    for (const props of Object.values(byFunction)) {
      expect(props).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": ["FailedEventsQueue", "Arn"] } } },
      });
    }
    expect(template.Resources.FailedEventsQueue?.Properties).toEqual({
      QueueName: "traffic-autopilot-sandbox-failed-events",
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
    // Lambda delivers with the function's own role: each of these roles may send to that queue only.
    const queueArn =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub placeholders
      "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:traffic-autopilot-sandbox-failed-events";
    for (const role of [
      "OriginBalancerRole",
      "FlowControlRole",
      "CertRotationRole",
      "CanaryRole",
      "WatchdogRole",
    ]) {
      expect(statementWith(role, "sqs:SendMessage").map((s) => s.Resource)).toEqual([
        { "Fn::Sub": queueArn },
      ]);
    }
    for (const role of ["OverrideRole", "StatusRole"])
      expect(statementWith(role, "sqs:SendMessage")).toEqual([]);
  });

  it("alarms on every function's Errors and Throttles, the queue's depth, runs without Slack and missed heartbeats", () => {
    const alarms = Object.values(template.Resources)
      .filter((r) => r.Type === "AWS::CloudWatch::Alarm")
      .map((r) => r.Properties);
    const names = alarms.map((a) => String(a.AlarmName).replace("traffic-autopilot-sandbox-", "")).sort();
    const functionsDeployed = [
      "origin-balancer",
      "flow-control",
      "cert-rotation",
      "canary",
      "override",
      "status",
      "slack-chatops",
      "watchdog",
    ];
    expect(names).toEqual(
      [
        ...functionsDeployed.flatMap((f) => [`${f}-errors`, `${f}-throttles`]),
        ...["origin-balancer", "flow-control", "cert-rotation", "canary", "override"].map(
          (f) => `${f}-slack-unavailable`,
        ),
        "origin-balancer-heartbeat",
        "flow-control-heartbeat",
        "failed-events-waiting",
      ].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: "WatchdogTopic" }]);
      expect(alarm.OKActions).toEqual([{ Ref: "WatchdogTopic" }]);
    }
    const heartbeat = alarms.find((a) => String(a.AlarmName).endsWith("origin-balancer-heartbeat"));
    expect(heartbeat).toMatchObject({
      Namespace: "TrafficAutopilot",
      MetricName: "Succeeded",
      Dimensions: [{ Name: "Automation", Value: "origin-balancer" }],
      Period: 60,
      EvaluationPeriods: 3,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
    });
    const depth = alarms.find((a) => String(a.AlarmName).endsWith("failed-events-waiting"));
    expect(depth).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: "traffic-autopilot-sandbox-failed-events" }],
    });
  });

  it("gives the watchdog a role that reads its token and nothing of the automations, and no stage parsing", () => {
    const actions = statementsOf("WatchdogRole")
      .flatMap((s) => s.Action)
      .sort();
    expect(actions).toEqual([
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "sqs:SendMessage",
      "ssm:GetParameter",
    ]);
    expect(JSON.stringify(statementWith("WatchdogRole", "ssm:GetParameter")[0]?.Resource)).toMatch(
      /parameter\/traffic-autopilot\/sandbox\/slack-token"/,
    );
    const fn = template.Resources.WatchdogLambdaFunction?.Properties ?? {};
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    expect((fn.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({
      SLACK_TOKEN_PARAMETER: "/traffic-autopilot/sandbox/slack-token",
      SLACK_CHANNEL: "#traffic-autopilot-sandbox",
    });
    // Tiny: the SSM client and a fetch, none of the automations' code (zod, yaml, the Slack client).
    expect(statSync(path.join(out, "watchdog.zip")).size).toBeLessThan(200_000);
  });

  // Generic least-privilege rules for every function in the template, the ones to come included.
  it("grants every function least privilege: own role, no wildcard actions, scoped resources", () => {
    const config = parseStageConfig(
      readFileSync(path.join(root, "config/sandbox.yml"), "utf8"),
      "sandbox.yml",
    );
    const violations = leastPrivilegeViolations(template, {
      region: config.region,
      accountId: "123456789012",
      parameterPrefix: config.parameterPrefix,
      slackTokenParameter: config.slack.tokenParameter,
      ...(config.flowControl ? { documentName: config.flowControl.documentName } : {}),
      fleetTags: config.flowControl?.fleets.map((f) => f.tag) ?? [],
    });
    expect(violations).toEqual([]);
  });
});
