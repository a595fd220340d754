import { z } from "zod";

export const modeSchema = z.enum(["auto", "plan", "dry-run"]);

/** EventBridge schedule expression: rate(N unit) or cron(...). */
export const scheduleSchema = z
  .string()
  .regex(
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/,
    "must be rate(N minutes) or cron(...)",
  );

export const hostedZoneIdSchema = z
  .string()
  .regex(/^[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id like Z1D633PJN98FT9");

/** A DNS name, stored the way Route 53 returns it: lower case with the trailing dot. */
export const dnsNameSchema = z
  .string()
  .regex(/^(\*\.)?([a-z0-9_]([a-z0-9-_]{0,61}[a-z0-9_])?\.)+[a-z]{2,63}\.?$/i, "must be a DNS name")
  .transform((name) => (name.endsWith(".") ? name : `${name}.`).toLowerCase());

export const ssmParameterNameSchema = z
  .string()
  .regex(/^\/[a-zA-Z0-9_.\-/]+$/, "must be an SSM parameter path starting with /");
