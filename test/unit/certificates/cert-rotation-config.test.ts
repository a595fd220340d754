import { describe, expect, it } from "vitest";
import { ALB_KEY_TYPES, certRotationSchema } from "../../../shared/cert-rotation/config";
import { parseStageConfig } from "../../../shared/config/stage-config";

const pair = {
  name: "iot",
  pairTag: { key: "Pair", value: "iot-ws" },
  record: { hostedZoneId: "Z1D633PJN98FT9", name: "Devices.Example.com", types: ["A", "AAAA"] },
  certificates: { domains: ["devices.example.com"] },
};

describe("the certRotation configuration", () => {
  it("fills the documented defaults", () => {
    const config = certRotationSchema.parse({ pairs: [pair] });
    expect(config).toMatchObject({
      mode: "auto",
      schedule: "rate(1 day)",
      alertDaysBeforeExpiry: 30,
      criticalDaysBeforeExpiry: 7,
      minHoursBetweenRotations: 24,
      planExpiryHours: 72,
      keyTypes: [...ALB_KEY_TYPES],
    });
    expect(config.pairs[0]).toMatchObject({ colorTagKey: "DeploymentColor", listenerPort: 443 });
    expect(config.pairs[0]?.record.name).toBe("devices.example.com.");
  });

  it.each([
    {
      row: "a CNAME next to an A record",
      patch: { pairs: [{ ...pair, record: { ...pair.record, types: ["A", "CNAME"] } }] },
      path: "pairs.0.record.types",
    },
    {
      row: "no way to pick candidates",
      patch: { pairs: [{ ...pair, certificates: {} }] },
      path: "pairs.0.certificates",
    },
    { row: "a typo in a key", patch: { pairs: [{ ...pair, listnerPort: 443 }] }, path: "pairs.0" },
    {
      row: "critical days not below alert days",
      patch: { alertDaysBeforeExpiry: 7, criticalDaysBeforeExpiry: 7 },
      path: "criticalDaysBeforeExpiry",
    },
    { row: "RSA 1024 as an accepted key", patch: { keyTypes: ["RSA_1024"] }, path: "keyTypes.0" },
    { row: "two pairs with one name", patch: { pairs: [pair, pair] }, path: "pairs" },
    {
      row: "one ALB name instead of two",
      patch: { pairs: [{ ...pair, loadBalancerNames: ["iot-a"] }] },
      path: "pairs.0.loadBalancerNames",
    },
  ])("rejects $row, naming $path", ({ patch, path }) => {
    const result = certRotationSchema.safeParse({ pairs: [pair], ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("is a section of the stage file", () => {
    const stage = parseStageConfig(
      `
stage: prod
region: eu-west-1
parameterPrefix: /traffic-autopilot/prod
slack: { channel: "#certs", tokenParameter: /traffic-autopilot/prod/slack-token }
certRotation:
  mode: plan
  pairs:
    - name: iot
      pairTag: { key: Pair, value: iot-ws }
      record: { hostedZoneId: Z1D633PJN98FT9, name: devices.example.com, types: [A] }
      certificates: { tag: { key: rotation, value: iot } }
`,
      "prod.yml",
    );
    expect(stage.certRotation?.mode).toBe("plan");
  });
});
