import { userInfo } from "node:os";

/** The operator's OS user name: the default --author, and the caller when STS cannot say. */
export function osUser(): string {
  try {
    return userInfo().username || process.env.USER || "unknown";
  } catch {
    return process.env.USER ?? "unknown";
  }
}
