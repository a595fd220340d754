import { balancerSpike } from "./balancer-spike";
import { canary } from "./canary";
import { certRotation } from "./cert-rotation";
import { flowControl } from "./flow-control";
import { overridePin } from "./override-pin";
import type { RegisteredScene } from "./scene";
import { slackChatops } from "./slack-chatops";
import { watchdog } from "./watchdog";

/** Every scene a scenario may name; a new scene is one line here. */
export const SCENES: readonly RegisteredScene[] = [
  balancerSpike,
  flowControl,
  certRotation,
  canary,
  overridePin,
  watchdog,
  slackChatops,
];
