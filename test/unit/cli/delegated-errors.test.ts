import { describe, expect, it } from "vitest";
import { delegatedErrors } from "../../../cli/render/delegated-errors";

describe("errors in a delegated run's result", () => {
  it.each([
    [
      "a hand-off that threw (the old --local converge sent to certificate rotation)",
      { error: { name: "InvalidEventError", message: "not a valid ACM certificate event" } },
      [{ where: "result", name: "InvalidEventError", message: "not a valid ACM certificate event" }],
    ],
    [
      "a converge decision that failed, with its error",
      [
        {
          automation: "flow-control",
          target: "web",
          outcome: "failed",
          error: { name: "FleetPartialFailureError", message: "1 of 2 instances" },
        },
      ],
      [{ where: "flow-control web", name: "FleetPartialFailureError", message: "1 of 2 instances" }],
    ],
    [
      "a failed decision without an error, inside { decisions }",
      { decisions: [{ automation: "canary", target: "checkout", outcome: "failed" }] },
      [{ where: "canary checkout", name: "Failed", message: "the run failed" }],
    ],
    ["decisions that all went well", [{ automation: "canary", target: "c", outcome: "applied" }], []],
    ["no result at all", undefined, []],
  ])("finds %s", (_, result, expected) => {
    expect(delegatedErrors(result)).toEqual(expected);
  });
});
