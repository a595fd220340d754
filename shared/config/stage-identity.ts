/**
 * The stage a file says it is must be the stage it is deployed as, and its SSM prefix must be that
 * stage's own. Serverless names the functions after the `--stage` option, while the IAM policies, log
 * groups and the override function's hand-offs are built from the file's `stage:` and `parameterPrefix`:
 * `config/acme-prod.yml` saying `stage: prod` would deploy `traffic-autopilot-acme-prod-*` functions whose
 * roles, logs and invokes aim at prod's. Pure: it checks values, it reads nothing.
 */

/** The opt-out key: a stage whose parameters deliberately live under a prefix without its name. */
export const PREFIX_OPT_OUT_KEY = "parameterPrefixWithoutStageName";

/**
 * Problems, as `path: message` lines like every other config problem.
 *
 * @example ({ stage: "prod", parameterPrefix: "/traffic-autopilot/prod" }, "acme-prod")
 *   -> ['stage: "prod" differs from the stage it is deployed as, "acme-prod" (config/acme-prod.yml) ...']
 */
export function stageIdentityProblems(
  config: { stage: string; parameterPrefix: string; parameterPrefixWithoutStageName?: boolean },
  expectedStage?: string,
): string[] {
  const problems: string[] = [];
  if (expectedStage !== undefined && config.stage !== "" && config.stage !== expectedStage) {
    problems.push(
      `stage: "${config.stage}" differs from the stage it is deployed as, "${expectedStage}" (config/${expectedStage}.yml): function names come from the stage option, IAM permissions, log groups and hand-offs from this key; set stage: ${expectedStage}`,
    );
  }
  if (
    config.parameterPrefixWithoutStageName !== true &&
    !prefixNamesStage(config.parameterPrefix, config.stage)
  ) {
    problems.push(
      `parameterPrefix: "${config.parameterPrefix}" does not name the stage "${config.stage}" (e.g. /traffic-autopilot/${config.stage}), so this stage could read and overwrite another stage's state and overrides; if that prefix is meant, add ${PREFIX_OPT_OUT_KEY}: true`,
    );
  }
  return problems;
}

/** "/traffic-autopilot/prod" names "prod"; "/traffic-autopilot/production" and "/prod-old" do not. */
function prefixNamesStage(prefix: string, stage: string): boolean {
  return prefix.split("/").includes(stage);
}
