import type { Static } from '@sinclair/typebox';
import type { Attributes, Disk, Image, Instance } from '../../../core/model.ts';
import type { ZecInstance } from './zec-instance-schema.ts';
import { readTags } from './tags.ts';

const GiB = 1024 ** 3;

export type ZecInstanceStatus = 'DEPLOYING' | 'RUNNING' | 'STOPPED' | 'IMAGING' | 'CREATE_FAILED' | 'REBUILDING' | 'RESIZING';

/** An instance whose disk is being captured shows IMAGING, whatever its power state. */
export function zecInstanceStatus(i: Pick<Instance, 'state' | 'operation'>): ZecInstanceStatus {
  if (i.operation === 'imaging') return 'IMAGING';
  if (i.operation === 'resizing') return 'RESIZING';
  switch (i.state) {
    case 'initializing':
      return 'DEPLOYING';
    case 'running':
      return 'RUNNING';
    case 'stopped':
      return 'STOPPED';
    case 'deploy_failed':
      return 'CREATE_FAILED';
    case 'reinstalling':
      return 'REBUILDING';
  }
}

/** `YYYY-MM-ddTHH:mm:ssZ`, as the pages write times (no milliseconds). */
export function zecTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function attrStr(a: Attributes, name: string): string | null {
  return typeof a[name] === 'string' ? (a[name] as string) : null;
}

function attrBool(a: Attributes, name: string, fallback: boolean): boolean {
  return typeof a[name] === 'boolean' ? (a[name] as boolean) : fallback;
}

export function zecInstanceResourceGroup(i: Instance): { resourceGroupId: string; resourceGroupName: string } {
  const named = attrStr(i.attributes, 'resourceGroupId');
  return named ? { resourceGroupId: named, resourceGroupName: named } : { resourceGroupId: i.projectId, resourceGroupName: 'Default Resource Group' };
}

/**
 * Instance as DescribeInstances returns it (describe-instances.yaml). The local compute
 * driver has no network: addresses are empty, and the network parameters given at
 * creation (subnet, security group, LAN IP, ...) are reported back as recorded.
 */
export function toZecInstance(i: Instance, disks: Disk[], image: Image | undefined): Static<typeof ZecInstance> {
  const a = i.attributes;
  const boot = disks.find((d) => d.isBoot);
  const lanIp = attrStr(a, 'lanIp');
  const group = zecInstanceResourceGroup(i);
  const tags = { tags: readTags(a) };
  const diskCategory = (name: string) => attrStr(a, name) ?? 'Standard NVMe SSD';
  return {
    instanceId: i.id,
    instanceName: i.name,
    zoneId: i.zone,
    instanceType: attrStr(a, 'instanceType') ?? '',
    cpu: i.cpu,
    memory: Math.round(i.memoryMb / 1024),
    imageId: i.imageId,
    imageName: image?.name ?? '',
    timeZone: attrStr(a, 'timeZone') ?? 'America/Los_Angeles',
    nicNetworkType: attrStr(a, 'nicNetworkType') ?? 'Auto',
    status: zecInstanceStatus(i),
    systemDisk: boot
      ? {
          diskId: boot.id,
          diskSize: Math.ceil(boot.sizeBytes / GiB),
          diskCategory: diskCategory('systemDiskCategory'),
          burstingEnabled: attrBool(a, 'systemDiskBursting', false),
        }
      : null,
    dataDisks: disks
      .filter((d) => !d.isBoot)
      .map((d) => ({
        diskId: d.id,
        diskName: `${i.name}-data-${d.index}`,
        diskSize: Math.ceil(d.sizeBytes / GiB),
        diskAmount: 1,
        portable: false,
        burstingEnabled: attrBool(a, 'dataDiskBursting', false),
        diskCategory: diskCategory('dataDiskCategory'),
      })),
    publicIpAddresses: [] as string[],
    privateIpAddresses: lanIp ? [lanIp] : [],
    keyId: attrStr(a, 'keyId'),
    subnetId: attrStr(a, 'subnetId'),
    securityGroupId: attrStr(a, 'securityGroupId'),
    enableAgent: attrBool(a, 'enableAgent', true),
    enableAgentMonitor: attrBool(a, 'enableAgent', true),
    enableIpForward: attrBool(a, 'enableIpForward', false),
    createTime: zecTime(i.createdAt),
    expiredTime: null,
    ...group,
    nics: [
      {
        nicId: `nic-${i.id.replace(/^[a-z]+-/, '')}`,
        name: `${i.name}-primary`,
        status: 'USED',
        nicType: 'Primary',
        regionId: i.region,
        nicSubnetType: attrStr(a, 'ipStackType') ?? 'IPv4',
        publicIpList: [] as string[],
        privateIpList: lanIp ? [lanIp] : [],
        primaryIpv4: lanIp,
        primaryIpv6: null,
        ipv6Cidr: null,
        secondaryIpv4s: [] as string[],
        macAddress: null,
        instanceId: i.id,
        vpcId: null,
        subnetId: attrStr(a, 'subnetId'),
        createTime: zecTime(i.createdAt),
        updateTime: zecTime(i.updatedAt),
        resourceGroup: group,
        securityGroupId: attrStr(a, 'securityGroupId'),
        tags,
      },
    ],
    tags,
    loadBalancerIds: [] as string[],
    placementGroupId: null,
    instanceOptions: {
      nestedVirtualization:
        typeof a.instanceOptions === 'object' &&
        a.instanceOptions !== null &&
        (a.instanceOptions as { nestedVirtualization?: unknown }).nestedVirtualization === true,
    },
  };
}
