import { describe, expect, it } from "vitest";
import {
  evaluateCandidates,
  requiredHostnames,
  selectionVerdict,
  summaryMayConcern,
} from "../../../shared/cert-rotation/domain/candidates";
import { arn, cert, days, NOW, POLICY } from "./builders";

const active = cert("serving", { notAfter: days(20) });
const required = ["devices.example.com", "*.devices.example.com"];

describe("candidate certificates", () => {
  it.each([
    {
      row: "a newer valid certificate",
      candidate: cert("new", { notAfter: days(90) }),
      verdict: "eligible",
      reason: /^valid until/,
    },
    {
      row: "one still pending validation",
      candidate: cert("new", { status: "PENDING_VALIDATION" }),
      verdict: "rejected",
      reason: /status PENDING_VALIDATION/,
    },
    {
      row: "one ACM marks expired",
      candidate: cert("new", { status: "EXPIRED" }),
      verdict: "rejected",
      reason: /status EXPIRED/,
    },
    {
      row: "one expired by our clock though ACM still says ISSUED",
      candidate: cert("new", { notAfter: days(-1) }),
      verdict: "rejected",
      reason: /^expired on 2026-11-01/,
    },
    {
      row: "one not valid yet",
      candidate: cert("new", { notBefore: days(1), notAfter: days(90) }),
      verdict: "rejected",
      reason: /not valid before/,
    },
    {
      row: "an RSA 1024 key",
      candidate: cert("new", { keyAlgorithm: "RSA_1024", notAfter: days(90) }),
      verdict: "rejected",
      reason: /key RSA_1024 is not one the ALB accepts/,
    },
    {
      row: "one missing the wildcard",
      candidate: cert("new", { names: ["devices.example.com"], notAfter: days(90) }),
      verdict: "rejected",
      reason: /does not cover \*\.devices\.example\.com/,
    },
    {
      row: "one for another domain",
      candidate: cert("new", { names: ["other.example.org"], notAfter: days(90) }),
      verdict: "rejected",
      reason: /does not cover devices\.example\.com, \*\.devices/,
    },
    {
      row: "one expiring sooner than the serving one",
      candidate: cert("new", { notAfter: days(10) }),
      verdict: "rejected",
      reason: /not later than the serving certificate \(2026-11-22\)/,
    },
    {
      row: "one expiring at the same moment",
      candidate: cert("new", { notAfter: days(20) }),
      verdict: "rejected",
      reason: /not later than/,
    },
    {
      row: "the serving certificate itself",
      candidate: active,
      verdict: "in-service",
      reason: /serving now/,
    },
  ])("judges $row: $verdict", ({ candidate, verdict, reason }) => {
    const { verdicts } = evaluateCandidates({
      certificates: [candidate],
      active,
      required,
      keyTypes: POLICY.keyTypes,
      now: NOW,
    });
    expect(verdicts[0]?.verdict).toBe(verdict);
    expect(verdicts[0]?.reason).toMatch(reason);
  });

  it("picks the eligible certificate that expires last, the same one on every run", () => {
    const early = cert("b-early", { notAfter: days(60) });
    const late = cert("c-late", { notAfter: days(90) });
    const twin = cert("a-twin", { notAfter: days(90) });
    const once = evaluateCandidates({
      certificates: [early, late, twin],
      active,
      required,
      keyTypes: POLICY.keyTypes,
      now: NOW,
    });
    const reversed = evaluateCandidates({
      certificates: [twin, late, early],
      active,
      required,
      keyTypes: POLICY.keyTypes,
      now: NOW,
    });
    expect(once.best?.arn).toBe(arn("a-twin"));
    expect(reversed.best?.arn).toBe(arn("a-twin"));
  });

  it("requires the configured domains, else every name of the serving certificate", () => {
    expect(requiredHostnames({ domains: ["a.example.com"] }, active)).toEqual(["a.example.com"]);
    expect(requiredHostnames({ tag: { key: "k", value: "v" } }, active)).toEqual(active.names);
    expect(requiredHostnames({ tag: { key: "k", value: "v" } }, undefined)).toEqual([]);
  });

  it.each([
    {
      row: "a certificate with the selection tag",
      selection: { tag: { key: "rotation", value: "iot" } },
      tags: { rotation: "iot" } as Record<string, string>,
      names: ["x.example.org"],
      selected: true,
    },
    {
      row: "a certificate without the selection tag",
      selection: { tag: { key: "rotation", value: "iot" } },
      tags: { rotation: "web" },
      names: required,
      selected: false,
    },
    {
      row: "a certificate covering one configured domain",
      selection: { domains: ["devices.example.com", "mqtt.example.com"] },
      tags: {},
      names: ["devices.example.com"],
      selected: true,
    },
    {
      row: "a certificate for another domain",
      selection: { domains: ["devices.example.com"] },
      tags: {},
      names: ["other.example.org"],
      selected: false,
    },
  ])("selects $row: $selected", ({ selection, tags, names, selected }) => {
    expect(selectionVerdict(cert("x", { tags, names }), selection).selected).toBe(selected);
  });

  it.each([
    {
      row: "an issued summary covering a domain",
      summary: { names: ["devices.example.com"], status: "ISSUED" },
      kept: true,
    },
    { row: "a summary without its full name list", summary: { status: "ISSUED" }, kept: true },
    {
      row: "a summary for another domain",
      summary: { names: ["shop.example.net"], status: "ISSUED" },
      kept: false,
    },
    {
      row: "a summary of an expired certificate",
      summary: { names: ["devices.example.com"], status: "EXPIRED" },
      kept: false,
    },
  ])("describes $row: $kept", ({ summary, kept }) => {
    expect(summaryMayConcern(summary, { domains: ["devices.example.com"] })).toBe(kept);
  });
});
