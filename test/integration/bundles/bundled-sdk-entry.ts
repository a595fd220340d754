// What bundled-sdk-schemas.test.ts bundles with the production options: the adapters whose AWS errors
// and responses the SDK schema trimming could change.
export { GetParameterCommand } from "@aws-sdk/client-ssm";
export { createEc2Client } from "../../../shared/adapters/aws/clients/ec2";
export { createSsmClient } from "../../../shared/adapters/aws/clients/ssm";
export { createEc2FleetInventory } from "../../../shared/adapters/aws/ec2-fleet-inventory";
export { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";
