import { describe, expect, it } from "vitest";
import type { StoredOverride } from "../../../shared/kernel/domain/override-types";
import { readOnce } from "../../../shared/kernel/obey-overrides";

describe("reading the overrides once per invocation", () => {
  it("lists the store once however many targets ask, and a new wrapper lists again", async () => {
    let listings = 0;
    const store = {
      list: async (): Promise<StoredOverride[]> => {
        listings++;
        return [];
      },
    };
    const invocation = readOnce(store);
    await Promise.all([invocation.list(), invocation.list(), invocation.list()]);
    expect(listings).toBe(1);
    await readOnce(store).list();
    expect(listings).toBe(2);
  });

  it("fails every target of the run alike when the listing fails", async () => {
    let listings = 0;
    const invocation = readOnce({
      list: async () => {
        listings++;
        throw new Error("AccessDenied");
      },
    });
    await expect(invocation.list()).rejects.toThrow("AccessDenied");
    await expect(invocation.list()).rejects.toThrow("AccessDenied");
    expect(listings).toBe(1);
  });
});
