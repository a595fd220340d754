import { describe, expect, it } from "vitest";
import { lazyPort, loadOnce, type PortMethods } from "../../../shared/runtime/lazy-port";

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

const GREETER: PortMethods<Greeter> = { greet: true, count: true };

/** An adapter that counts its loads and its calls, as the chunk behind a lazy port would be. */
function countingGreeter(fail = 0) {
  let loads = 0;
  let calls = 0;
  let failuresLeft = fail;
  const load = async (): Promise<Greeter> => {
    loads += 1;
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      throw new Error("chunk unreadable");
    }
    return {
      async greet(name) {
        calls += 1;
        return `hello ${name}`;
      },
      async count() {
        return calls;
      },
    };
  };
  return { load, loads: () => loads };
}

describe("lazyPort: an adapter loaded on its port's first call", () => {
  it("loads nothing until a method is called, then loads once for every call and method", async () => {
    const greeter = countingGreeter();
    const port = lazyPort(greeter.load, GREETER);
    expect(greeter.loads()).toBe(0);
    const answers = await Promise.all([port.greet("a"), port.greet("b"), port.count()]);
    expect(answers).toEqual(["hello a", "hello b", 2]);
    expect(await port.greet("c")).toBe("hello c");
    expect(greeter.loads()).toBe(1);
  });

  it("passes the failed load to the callers and loads again on the next call", async () => {
    const greeter = countingGreeter(1);
    const port = lazyPort(greeter.load, GREETER);
    await expect(port.greet("a")).rejects.toThrow("chunk unreadable");
    expect(await port.greet("b")).toBe("hello b");
    expect(greeter.loads()).toBe(2);
  });

  it("refuses a call to a method the loaded adapter does not have", async () => {
    const port = lazyPort(
      async () => ({ greet: async (name: string) => name }) as unknown as Greeter,
      GREETER,
    );
    await expect(port.count()).rejects.toThrow("the loaded port has no method count");
  });

  it("needs every method of the port named (checked by the compiler)", () => {
    // @ts-expect-error count is missing: a stand-in without it would break its callers.
    const partial: PortMethods<Greeter> = { greet: true };
    expect(Object.keys(partial)).toEqual(["greet"]);
  });
});

describe("loadOnce", () => {
  it("shares one load between concurrent callers, and keeps its result", async () => {
    let loads = 0;
    const load = loadOnce(async () => {
      loads += 1;
      return { client: loads };
    });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });
});
