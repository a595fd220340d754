/**
 * The AWS SDK warns on every process under Node 20 that its releases after January 2027 need Node 22
 * (aws/aws-sdk-js-v3#7983). Lambda runs these functions on nodejs22.x, so the warning is about the
 * operator's laptop, not the control plane, and nine lines of it on every CLI command and game day hide
 * the answer. The SDK's documented switch turns it off, here only: for the CLI and the sandbox, and only
 * where the operator has not set it themselves. Node 22 is the recommended local version (README).
 */
export function quietNodeSupportWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
