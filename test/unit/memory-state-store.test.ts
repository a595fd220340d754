import { describe } from "vitest";
import { MemoryStateStore } from "../support/memory-state-store";
import { stateStoreContract } from "../support/state-store-contract";

describe("the in-memory state store keeps the StateStore contract", () => {
  stateStoreContract(() => new MemoryStateStore());
});
