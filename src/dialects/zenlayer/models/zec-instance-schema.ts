import { Type } from '@sinclair/typebox';
import { TagsAnswer } from './tags.ts';

const S = Type.String();
const I = Type.Integer();
const B = Type.Boolean();
const NullableS = Type.Union([Type.String(), Type.Null()]);
const Strings = Type.Array(Type.String());
const ResourceGroup = { resourceGroupId: S, resourceGroupName: S };

const DiskAnswer = { diskId: S, diskSize: Type.Integer({ description: 'GiB' }), diskCategory: S, burstingEnabled: B };

const Nic = Type.Object({
  nicId: S,
  name: S,
  status: S,
  nicType: S,
  regionId: S,
  nicSubnetType: S,
  publicIpList: Strings,
  privateIpList: Strings,
  primaryIpv4: NullableS,
  primaryIpv6: NullableS,
  ipv6Cidr: NullableS,
  secondaryIpv4s: Strings,
  macAddress: NullableS,
  instanceId: S,
  vpcId: NullableS,
  subnetId: NullableS,
  createTime: S,
  updateTime: S,
  resourceGroup: Type.Object(ResourceGroup),
  securityGroupId: NullableS,
  tags: TagsAnswer,
});

/**
 * Instance (describe-instances.yaml). The local compute driver has no network:
 * addresses are empty, and the network parameters given at creation are reported back.
 */
export const ZecInstance = Type.Object({
  instanceId: S,
  instanceName: S,
  zoneId: S,
  instanceType: S,
  cpu: I,
  memory: Type.Integer({ description: 'GiB' }),
  imageId: S,
  imageName: S,
  timeZone: S,
  nicNetworkType: S,
  status: Type.String({ description: 'DEPLOYING, RUNNING, STOPPED, IMAGING or CREATE_FAILED' }),
  systemDisk: Type.Union([Type.Object(DiskAnswer), Type.Null()]),
  dataDisks: Type.Array(Type.Object({ ...DiskAnswer, diskName: S, diskAmount: I, portable: B })),
  publicIpAddresses: Strings,
  privateIpAddresses: Strings,
  keyId: NullableS,
  subnetId: NullableS,
  securityGroupId: NullableS,
  enableAgent: B,
  enableAgentMonitor: B,
  enableIpForward: B,
  createTime: Type.String({ description: 'YYYY-MM-ddTHH:mm:ssZ' }),
  expiredTime: Type.Null(),
  ...ResourceGroup,
  nics: Type.Array(Nic),
  tags: TagsAnswer,
  loadBalancerIds: Strings,
  placementGroupId: Type.Null(),
  instanceOptions: Type.Object({ nestedVirtualization: B }),
});
