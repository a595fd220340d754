/**
 * Whether `error` is the AWS service error called `name` (e.g. SSM's ParameterNotFound). Told by name,
 * never with instanceof on the SDK's error class: the production bundles register none of a service's
 * modeled error classes (infra/serverless/esbuild-options.js, trimAwsSdkSchemas), so such an error
 * arrives as the service's base exception, with the same name, message, $fault and $metadata.
 */
export function isAwsError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
