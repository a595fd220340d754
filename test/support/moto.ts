import { MOTO_INSTALL_HINT, motoAvailable } from "../../sandbox/servers/moto-server";

/**
 * Integration tests need moto. Missing locally: say so loudly and skip. Missing in CI: fail, because a
 * green run that tested nothing is worse than a red one.
 */
export function motoOrSkip(): boolean {
  if (motoAvailable()) return true;
  if (process.env.CI === "true") {
    throw new Error(`moto is not installed but CI=true: install it (${MOTO_INSTALL_HINT}) in .ci/run`);
  }
  console.warn(
    `\n!!! moto is not installed: SKIPPING AWS integration tests. Install with: ${MOTO_INSTALL_HINT}\n`,
  );
  return false;
}

/** SDK client settings that can only ever reach the local moto, never a real account. */
export function motoClientOptions(endpoint: string) {
  return {
    region: "eu-west-1",
    endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
}
