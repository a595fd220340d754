/** The certificate generator lives in the sandbox (the game day imports certificates too). */
export * from "../../sandbox/seed/test-certificates";
