import type { Command } from "commander";
import { type ConnectionOptions, invokerFor } from "../connection";
import type { FunctionInvoker, OperatorFunction } from "../invoke/types";

/** Where a command writes, and how it sets the process's exit code. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  io: CliIo;
  exit(code: number): void;
  /** Where requests go instead of the connection options (the Slack endpoint reads the grammar only). */
  invoker?: FunctionInvoker;
}

/**
 * Invokes `fn` with the connection the command line names (options before or after the command name)
 * and returns the answer with the merged options.
 */
export async function invoke(
  command: Command,
  fn: OperatorFunction,
  payload: unknown,
  given?: FunctionInvoker,
): Promise<{ body: unknown; options: ConnectionOptions; invoker: FunctionInvoker }> {
  const options = command.optsWithGlobals<ConnectionOptions>();
  const invoker = given ?? (await invokerFor(options));
  return { body: await invoker.invoke(fn, payload), options, invoker };
}

export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
