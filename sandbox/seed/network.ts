import { CreateSubnetCommand, CreateVpcCommand, type EC2Client } from "@aws-sdk/client-ec2";

/**
 * A VPC with one subnet in each of two availability zones: the least an ALB accepts. The addresses
 * only exist inside moto; `secondOctet` keeps worlds seeded into one moto server apart.
 */
export async function seedTwoZoneNetwork(
  ec2: EC2Client,
  secondOctet: number,
): Promise<{ vpcId: string; subnets: string[] }> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${secondOctet}.0.0/16` }));
  const vpcId = vpc.Vpc?.VpcId ?? "";
  const subnets: string[] = [];
  for (const [index, zone] of ["a", "b"].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.${secondOctet}.${index + 1}.0/24`,
        AvailabilityZone: `eu-west-1${zone}`,
      }),
    );
    subnets.push(subnet.Subnet?.SubnetId ?? "");
  }
  return { vpcId, subnets };
}
