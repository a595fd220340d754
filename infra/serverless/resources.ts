import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { policyStatements as canaryPolicy } from "../../shared/canary/iam-policy";
import { policyStatements as certRotationPolicy } from "../../shared/cert-rotation/iam-policy";
import type { StageConfig } from "../../shared/config/stage-config";
import { loadStageFile } from "../../shared/config/stage-file";
import { policyStatements as flowControlPolicy } from "../../shared/flow-control/iam-policy";
import { CLOUDFORMATION_ARN_CONTEXT, type PolicyStatement } from "../../shared/kernel/iam-statements";
import { policyStatements as originBalancerPolicy } from "../../shared/origin-balancer/iam-policy";
import { policyStatements as overridePolicy } from "../../shared/overrides/iam-policy";
import { policyStatements as slackChatopsPolicy } from "../../shared/slack-chatops/iam-policy";
import { policyStatements as statusPolicy } from "../../shared/status/iam-policy";
import { lambdaRole } from "./lambda-role";
import { watchResources } from "./watch";

export const SERVICE = "traffic-autopilot";

/** Reads and validates config/<stage>.yml: `serverless package` fails here, listing every bad key. */
export function loadStage(stage: string, root = path.resolve(__dirname, "../..")): StageConfig {
  return loadStageFile(stage, root);
}

interface FunctionRole {
  functionName: string;
  logicalId: string;
  statements: PolicyStatement[];
}

/** One role per function: its own log group only, plus the statements of its policy module. */
export function functionRoles(config: StageConfig): FunctionRole[] {
  const ctx = CLOUDFORMATION_ARN_CONTEXT(config.stage);
  const shared = {
    parameterPrefix: config.parameterPrefix,
    slackTokenParameter: config.slack.tokenParameter,
  };
  const roles: FunctionRole[] = [];
  if (config.originBalancer) {
    roles.push({
      functionName: "origin-balancer",
      logicalId: "OriginBalancerRole",
      statements: originBalancerPolicy(config.originBalancer, ctx, shared),
    });
  }
  if (config.flowControl) {
    roles.push({
      functionName: "flow-control",
      logicalId: "FlowControlRole",
      statements: flowControlPolicy(config.flowControl, ctx, shared),
    });
  }
  if (config.certRotation) {
    roles.push({
      functionName: "cert-rotation",
      logicalId: "CertRotationRole",
      statements: certRotationPolicy(config.certRotation, ctx, shared),
    });
  }
  if (config.canary) {
    roles.push({
      functionName: "canary",
      logicalId: "CanaryRole",
      statements: canaryPolicy(config.canary, ctx, shared),
    });
  }
  if (roles.length > 0) {
    roles.push({
      functionName: "override",
      logicalId: "OverrideRole",
      statements: overridePolicy(config, ctx, shared),
    });
    roles.push({
      functionName: "status",
      logicalId: "StatusRole",
      statements: statusPolicy(config, ctx, shared),
    });
    if (config.slackChatops) {
      roles.push({
        functionName: "slack-chatops",
        logicalId: "SlackChatopsRole",
        statements: slackChatopsPolicy(config, ctx, shared),
      });
    }
  }
  return roles;
}

/** The stack's own resources: one IAM role per function and, with flow control, our SSM document. */
export function stackResources(
  config: StageConfig,
  root = path.resolve(__dirname, "../.."),
): Record<string, unknown> {
  const resources = roleResources(config);
  Object.assign(resources, watchResources(config, resources));
  if (config.flowControl) {
    // Our own Command document, so IAM can allow exactly it (never AWS-RunShellScript).
    resources.FlowControlDocument = {
      Type: "AWS::SSM::Document",
      Properties: {
        Name: config.flowControl.documentName,
        DocumentType: "Command",
        // Content is the parsed YAML, i.e. a JSON object in the template; say so rather than rely on the default.
        DocumentFormat: "JSON",
        UpdateMethod: "NewVersion",
        Content: parseYaml(readFileSync(path.join(root, "infra/ssm-documents/flow-control.yml"), "utf8")),
      },
    };
  }
  return resources;
}

/** CloudFormation resources for the roles: one per function (lambda-role.ts). */
export function roleResources(config: StageConfig): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  for (const role of functionRoles(config)) {
    resources[role.logicalId] = lambdaRole(
      `${SERVICE}-${config.stage}-${role.functionName}`,
      `${role.functionName}-least-privilege`,
      role.statements,
    );
  }
  return resources;
}
