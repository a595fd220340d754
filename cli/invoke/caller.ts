import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { createStsClient } from "../../shared/adapters/aws/clients/sts";
import { osUser } from "./os-user";

/**
 * Who invokes, as reported to the function in the client context. Lambda does not pass the IAM caller
 * to a function, so this is what the CLI says; CloudTrail's Invoke record is the authoritative one.
 */
export async function awsCaller(region: string): Promise<string> {
  try {
    const identity = await createStsClient({ region }).send(new GetCallerIdentityCommand({}));
    if (identity.Arn) return identity.Arn;
  } catch {
    // No STS answer (no network to STS, a denied call): fall back to the OS user, and say so.
  }
  return `${osUser()} (OS user; sts:GetCallerIdentity unavailable)`;
}
