import { describe, expect, it } from "vitest";
import {
  certificateNames,
  coversHostname,
  uncoveredHostnames,
} from "../../../shared/cert-rotation/domain/hostnames";

describe("hostname coverage", () => {
  it.each([
    { row: "an exact name", names: ["devices.example.com"], host: "devices.example.com", covered: true },
    {
      row: "names regardless of case and trailing dot",
      names: ["Devices.Example.COM."],
      host: "devices.example.com.",
      covered: true,
    },
    { row: "one label under a wildcard", names: ["*.example.com"], host: "a.example.com", covered: true },
    { row: "not the bare base of a wildcard", names: ["*.example.com"], host: "example.com", covered: false },
    {
      row: "not two labels under a wildcard",
      names: ["*.example.com"],
      host: "a.b.example.com",
      covered: false,
    },
    {
      row: "a required wildcard only by the same wildcard",
      names: ["*.example.com"],
      host: "*.example.com",
      covered: true,
    },
    {
      row: "not a required wildcard by a single name under it",
      names: ["a.example.com"],
      host: "*.example.com",
      covered: false,
    },
    {
      row: "not a wildcard of another domain",
      names: ["*.example.org"],
      host: "a.example.com",
      covered: false,
    },
    { row: "not a sibling name", names: ["devices.example.com"], host: "admin.example.com", covered: false },
    {
      row: "not a partial-label wildcard (ACM only allows a leftmost *)",
      names: ["f*.example.com"],
      host: "foo.example.com",
      covered: false,
    },
  ])("covers $row: $covered", ({ names, host, covered }) => {
    expect(coversHostname(names, host)).toBe(covered);
  });

  it("lists the required hostnames a certificate misses, in the order given", () => {
    expect(
      uncoveredHostnames(["*.example.com"], ["example.com", "a.example.com", "x.y.example.com"]),
    ).toEqual(["example.com", "x.y.example.com"]);
  });

  it("merges DomainName and SANs without duplicates", () => {
    expect(certificateNames("Devices.example.com", ["devices.example.com", "*.devices.example.com"])).toEqual(
      ["devices.example.com", "*.devices.example.com"],
    );
  });
});
