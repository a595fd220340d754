import { type LoadTarget, startLoad } from "./load-generator";

/**
 * The cookie holders' load in a process of its own (startLoadProcess): started by a message with the
 * targets, stopped by "stop", answering with its report. Bounded by maxDurationMs even if the parent dies.
 */
process.once("message", (start: { targets: LoadTarget[]; intervalMs: number; maxDurationMs: number }) => {
  const load = startLoad(start.targets, { intervalMs: start.intervalMs, maxDurationMs: start.maxDurationMs });
  const finish = async () => {
    process.send?.({ report: await load.stop() }, () => process.disconnect());
  };
  process.once("message", () => void finish());
  process.once("disconnect", () => void load.stop().then(() => process.exit(0)));
  setTimeout(() => void finish(), start.maxDurationMs).unref();
});
