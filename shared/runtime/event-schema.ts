import { config } from "zod/mini";
import { en } from "zod/v4/locales";

/**
 * The events a function is invoked with are validated with zod's mini build (a few tens of KiB where
 * the classic one is about 200 KiB, compiled at every cold start): same checks, same messages. Mini
 * installs no error messages of its own, so English is installed here, as classic does; every schema
 * module imports this one first. (Import zod/mini by name in each module: re-exporting its namespace
 * from here would keep all of zod in the bundle.)
 */
config(en());

/** What a failed parse carries, whichever zod build made it. */
export interface SchemaProblems {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}
