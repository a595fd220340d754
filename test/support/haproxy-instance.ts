/** The HAProxy instance launcher lives in the sandbox (the game day runs it too); tests import it from here. */
export * from "../../sandbox/servers/haproxy-instance";
