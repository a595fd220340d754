/**
 * Structured JSON logs, one line per event, so CloudWatch Logs Insights can query every field.
 * Tiny on purpose: it is in every cold start.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Writes an already-shaped line (an EMF metric document). */
  raw(line: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: {
  base?: Record<string, unknown>;
  level?: LogLevel;
  write?: (line: string) => void;
  clock?: () => Date;
}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  const min = ORDER[options.level ?? "info"];
  const base = options.base ?? {};
  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      if (ORDER[level] < min) return;
      write(
        JSON.stringify({ level, time: clock().toISOString(), message, ...base, ...fields }, errorReplacer),
      );
    };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    // Metric documents are info-level: a quieter logger (the sandbox's) drops them too.
    raw: (line) => {
      if (ORDER.info >= min) write(JSON.stringify(line, errorReplacer));
    },
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** JSON.stringify(error) is `{}`: keep name, message and cause. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      ...(value.cause ? { cause: String(value.cause) } : {}),
    };
  }
  return value;
}
