/**
 * Runs another automation's function now, with a direct payload, and returns what it returned. The override
 * function uses it so each automation keeps its own role and its own code path: an abort reaches the canary
 * rule through the canary function, a rotation through the cert-rotation function.
 */
export interface AutomationInvoker {
  invoke(automation: "canary" | "cert-rotation" | "flow-control", payload: unknown): Promise<unknown>;
}
