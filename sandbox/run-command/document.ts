import { parse as parseYaml } from "yaml";
import { SsmApiError } from "./wire";

/** The parameter types a Command document may declare that the stand-in can check and substitute. */
type ParameterType = "String" | "StringList" | "Integer" | "Boolean";

export interface ParameterSpec {
  readonly type: ParameterType;
  readonly default?: readonly string[];
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: RegExp;
  readonly minChars?: number;
  readonly maxChars?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface ShellStep {
  /** The step name: what ListCommandInvocations reports as CommandPlugins[].Name and GetCommandInvocation takes as PluginName. */
  readonly name: string;
  readonly runCommand: readonly string[];
  readonly workingDirectory?: string;
  readonly timeoutSeconds?: number;
}

export interface CommandDocument {
  readonly name: string;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly steps: readonly ShellStep[];
}

/**
 * Parses a schemaVersion 2.2 Command document (YAML or JSON: JSON is YAML) made of aws:runShellScript steps.
 * Anything else is a setup mistake in the sandbox or a test, so it throws at start-up, not at SendCommand.
 */
export function parseCommandDocument(name: string, content: string): CommandDocument {
  const fail = (why: string): never => {
    throw new Error(`SSM document "${name}": ${why}`);
  };
  const raw = asRecord(parseYaml(content), "the document") ?? fail("must be a YAML or JSON object");
  if (String(raw.schemaVersion) !== "2.2")
    fail(`schemaVersion must be "2.2", got ${JSON.stringify(raw.schemaVersion)}`);
  const parameters: Record<string, ParameterSpec> = {};
  for (const [parameterName, spec] of Object.entries(asRecord(raw.parameters, "parameters") ?? {})) {
    parameters[parameterName] = parseParameter(parameterName, asRecord(spec, parameterName) ?? {}, fail);
  }
  if (!Array.isArray(raw.mainSteps) || raw.mainSteps.length === 0) fail("mainSteps must be a non-empty list");
  const steps = (raw.mainSteps as unknown[]).map((step, index) => parseStep(step, index, fail));
  return { name, parameters, steps };
}

function parseParameter(
  name: string,
  spec: Record<string, unknown>,
  fail: (why: string) => never,
): ParameterSpec {
  const type = spec.type;
  if (type !== "String" && type !== "StringList" && type !== "Integer" && type !== "Boolean") {
    return fail(`parameter ${name}: type ${JSON.stringify(type)} is not supported by the stand-in`);
  }
  const stringsOf = (value: unknown): string[] | undefined =>
    value === undefined ? undefined : Array.isArray(value) ? value.map(String) : [String(value)];
  const numberOf = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));
  return {
    type,
    default: stringsOf(spec.default),
    allowedValues: stringsOf(spec.allowedValues),
    allowedPattern: typeof spec.allowedPattern === "string" ? new RegExp(spec.allowedPattern) : undefined,
    minChars: numberOf(spec.minChars),
    maxChars: numberOf(spec.maxChars),
    minItems: numberOf(spec.minItems),
    maxItems: numberOf(spec.maxItems),
  };
}

function parseStep(step: unknown, index: number, fail: (why: string) => never): ShellStep {
  const record = asRecord(step, `mainSteps[${index}]`) ?? fail(`mainSteps[${index}] must be an object`);
  if (record.action !== "aws:runShellScript") {
    fail(`mainSteps[${index}]: only aws:runShellScript is supported, got ${JSON.stringify(record.action)}`);
  }
  if (typeof record.name !== "string" || record.name === "") fail(`mainSteps[${index}] needs a name`);
  // Step flow control changes which steps run after a failure; the stand-in would get it subtly wrong.
  for (const key of ["onFailure", "precondition", "isEnd", "nextStep", "finallyStep"]) {
    if (key in record) fail(`mainSteps[${index}]: "${key}" is not supported by the stand-in`);
  }
  const inputs = asRecord(record.inputs, "inputs") ?? fail(`mainSteps[${index}] needs inputs`);
  const runCommand = typeof inputs.runCommand === "string" ? [inputs.runCommand] : inputs.runCommand;
  if (!Array.isArray(runCommand) || runCommand.some((line) => typeof line !== "string")) {
    fail(`mainSteps[${index}].inputs.runCommand must be a string or a list of strings`);
  }
  const timeoutSeconds = inputs.timeoutSeconds === undefined ? undefined : Number(inputs.timeoutSeconds);
  if (timeoutSeconds !== undefined && !(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0)) {
    fail(`mainSteps[${index}].inputs.timeoutSeconds must be a positive whole number of seconds`);
  }
  return {
    name: record.name as string,
    runCommand: runCommand as string[],
    workingDirectory: typeof inputs.workingDirectory === "string" ? inputs.workingDirectory : undefined,
    timeoutSeconds,
  };
}

function asRecord(value: unknown, _what: string): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Checks SendCommand's Parameters against the document the way SSM does before it creates any invocation:
 * unknown names, missing required values, wrong arity, allowedValues, allowedPattern and length limits are all
 * `InvalidParameters`, and nothing runs. Returns every declared parameter with defaults filled in.
 * @example { action: ["open"] } against allowedPattern ^(status|open)$ -> { action: ["open"] }
 * @example { action: ["open; rm -rf /"] } -> InvalidParameters
 */
export function resolveParameters(
  document: CommandDocument,
  given: Readonly<Record<string, readonly string[]>>,
): Record<string, readonly string[]> {
  const invalid = (message: string): never => {
    throw new SsmApiError("InvalidParameters", message);
  };
  for (const name of Object.keys(given)) {
    if (!(name in document.parameters))
      invalid(`Parameter "${name}" is not defined in document ${document.name}.`);
  }
  const resolved: Record<string, readonly string[]> = {};
  for (const [name, spec] of Object.entries(document.parameters)) {
    const values = given[name] ?? spec.default;
    if (values === undefined) invalid(`Parameter "${name}" is required by document ${document.name}.`);
    resolved[name] = checkValues(name, spec, values as readonly string[], invalid);
  }
  return resolved;
}

function checkValues(
  name: string,
  spec: ParameterSpec,
  values: readonly string[],
  invalid: (message: string) => never,
): readonly string[] {
  const single = spec.type !== "StringList";
  if (single && values.length !== 1)
    invalid(`Parameter "${name}" of type ${spec.type} takes exactly one value.`);
  if (!single && spec.minItems !== undefined && values.length < spec.minItems) {
    invalid(`Parameter "${name}" needs at least ${spec.minItems} items.`);
  }
  if (!single && spec.maxItems !== undefined && values.length > spec.maxItems) {
    invalid(`Parameter "${name}" takes at most ${spec.maxItems} items.`);
  }
  for (const value of values) {
    if (spec.type === "Integer" && !/^-?\d+$/.test(value))
      invalid(`Parameter "${name}" "${value}" is not an Integer.`);
    if (spec.type === "Boolean" && value !== "true" && value !== "false") {
      invalid(`Parameter "${name}" "${value}" is not a Boolean.`);
    }
    if (spec.allowedValues !== undefined && !spec.allowedValues.includes(value)) {
      invalid(
        `Parameter "${name}" "${value}" is not one of the allowed values: ${spec.allowedValues.join(", ")}.`,
      );
    }
    if (spec.allowedPattern !== undefined && !spec.allowedPattern.test(value)) {
      invalid(`Parameter "${name}" "${value}" failed to match regex pattern ${spec.allowedPattern.source}.`);
    }
    if (spec.minChars !== undefined && value.length < spec.minChars) {
      invalid(`Parameter "${name}" must be at least ${spec.minChars} characters.`);
    }
    if (spec.maxChars !== undefined && value.length > spec.maxChars) {
      invalid(`Parameter "${name}" must be at most ${spec.maxChars} characters.`);
    }
  }
  return values;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * The shell script for one step: runCommand lines with `{{ name }}` replaced verbatim (no quoting: SSM does
 * not quote either, which is why allowedPattern matters). A line that is exactly one StringList placeholder
 * expands to one line per item, as the runShellScript `commands` idiom expects; inside other text a list is
 * joined with ",". Placeholders that name no declared parameter (e.g. `{{ssm:/path}}`) are left untouched.
 */
export function renderScript(
  step: ShellStep,
  document: CommandDocument,
  values: Readonly<Record<string, readonly string[]>>,
): string {
  const lines: string[] = [];
  for (const line of step.runCommand) {
    const whole = /^\s*\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\s*$/.exec(line);
    const wholeName = whole?.[1];
    if (wholeName !== undefined && document.parameters[wholeName]?.type === "StringList") {
      lines.push(...(values[wholeName] ?? []));
      continue;
    }
    lines.push(
      line.replace(PLACEHOLDER, (match, parameterName: string) => {
        const value = values[parameterName];
        return value === undefined ? match : value.join(",");
      }),
    );
  }
  return lines.join("\n");
}
