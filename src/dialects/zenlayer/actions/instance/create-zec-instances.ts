import { Type } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import { KilnError } from '../../../../core/errors.ts';
import type { DiskRequest } from '../../../../core/instances/instance-service.ts';
import { defineZecAction } from '../../action.ts';
import { expandInstanceNames } from '../../instance-names.ts';
import { bool, enumOf, float, int, obj, objArray, str, strArray, tags } from '../../protocol/params.ts';
import { requireInstanceType, requireZecZone } from '../../zones.ts';

const PASSWORD = /^[A-Za-z0-9~!@$^*\-_=+|;:,.?]{8,16}$/;

/**
 * CreateZecInstances on the local compute driver. Instances start DEPLOYING and become
 * RUNNING once their disks hold the image. The driver has no network: every network and
 * billing parameter is validated and recorded, and DescribeInstances reports it back.
 */
export const CreateZecInstances = defineZecAction({
  name: 'CreateZecInstances',
  summary: 'Creates instances from an image; DEPLOYING until their disks hold it, then RUNNING.',
  params: {
    zoneId: str({ required: true }),
    imageId: str({ required: true }),
    timeZone: str({ default: 'America/Los_Angeles' }),
    instanceType: str({ required: true }),
    instanceName: str({ default: 'instance' }),
    password: str(),
    keyId: str(),
    nicNetworkType: enumOf(['Auto', 'FailOver', 'VirtioOnly', 'VfOnly'] as const, { default: 'Auto' }),
    // The page marks it required and also gives a default of 1; SDK users omit it for one instance.
    instanceCount: int({ min: 1, max: 100, default: 1 }),
    systemDisk: obj({ diskId: str(), diskSize: int({ min: 1, max: 32_000 }), diskCategory: str(), burstingEnabled: bool() }),
    dataDisks: objArray(
      {
        diskId: str(),
        diskName: str(),
        diskSize: int({ required: true, min: 1, max: 32_000 }),
        diskAmount: int({ min: 1, max: 1, default: 1 }),
        portable: bool(),
        burstingEnabled: bool(),
        diskCategory: str(),
      },
      // "Only 1 disk can be attached along with the instance for now."
      { maxItems: 1 },
    ),
    securityGroupId: str(),
    subnetId: str({ required: true }),
    lanIp: str({ pattern: /^(\d{1,3})(\.\d{1,3}){3}$/, patternHint: 'must be an IPv4 address' }),
    enableAgent: bool({ default: true }),
    enableIpForward: bool({ default: false }),
    internetChargeType: enumOf(['ByBandwidth', 'ByTrafficPackage', 'BandwidthCluster'] as const),
    trafficPackageSize: float({ min: 0 }),
    bandwidth: int({ min: 1 }),
    eipBindType: enumOf(['FullNat', 'Passthrough'] as const),
    eipIds: strArray({ maxItems: 100 }),
    eipV4Type: enumOf(['BGPLine', 'CN2Line', 'LocalLine', 'ChinaMobile', 'ChinaUnicom', 'ChinaTelecom', 'Cogent', 'PathBasedBandwidthIP'] as const),
    ipStackType: enumOf(['IPv4', 'IPv4_IPv6', 'IPv6'] as const),
    networkLineType: enumOf(['PremiumBGP', 'CN2', 'PathBasedBandwidthIP', 'LocalLine', 'StandardBGP', 'CMI', 'CUG', 'CTG'] as const),
    clusterId: str(),
    ipv6ClusterId: str(),
    resourceGroupId: str(),
    marketingOptions: obj({ discountCode: str(), usePocVoucher: bool() }),
    tags: tags(),
    // A script: lines and tabs, but no other controls (a bidi control hides what it runs).
    userData: str({ multiline: true }),
    instanceOptions: obj({ nestedVirtualization: bool() }),
  },
  answer: {
    orderNumber: Type.String(),
    instanceIdSet: Type.Array(Type.String()),
    instances: Type.Array(Type.Object({ instanceId: Type.String(), diskIdSet: Type.Array(Type.String()) })),
  },
  errors: ['ZoneNotFound', 'ImageNotFound', 'ImageNotAvailable', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    const zone = requireZecZone(services.config, p.zoneId);
    const type = requireInstanceType(services.config, p.instanceType);
    if (p.password !== undefined && p.keyId !== undefined) throw new KilnError('InvalidParameter', 'set either password or keyId, not both', 'password');
    if (p.password !== undefined && !PASSWORD.test(p.password)) {
      throw new KilnError('InvalidParameter', 'must be 8-16 letters, digits or ~!@$^*-_=+|;:,.?', 'password');
    }
    if (p.eipIds.length > 0 && p.eipIds.length !== p.instanceCount) {
      throw new KilnError('InvalidParameter', 'give one EIP per instance', 'eipIds');
    }
    if (p.internetChargeType === 'BandwidthCluster' && !p.clusterId) {
      throw new KilnError('MissingParameter', 'clusterId is required with internetChargeType BandwidthCluster', 'clusterId');
    }
    const names = expandInstanceNames(p.instanceName, p.instanceCount);
    const disks: DiskRequest[] = [
      // No size: the system disk is as large as the image needs (core takes the larger).
      { isBoot: true, type: p.systemDisk?.diskCategory ?? 'Standard NVMe SSD', sizeGb: p.systemDisk?.diskSize ?? 0 },
      // System disk first, then data disks: zecParamFor spells core's disk indexes by this order.
      ...p.dataDisks.map((d) => ({ isBoot: false, type: d.diskCategory ?? 'Standard NVMe SSD', sizeGb: d.diskSize })),
    ];
    // Recorded for DescribeInstances; the password is deliberately not kept.
    const attributes = {
      instanceType: type.id,
      timeZone: p.timeZone,
      nicNetworkType: p.nicNetworkType,
      keyId: p.keyId,
      subnetId: p.subnetId,
      securityGroupId: p.securityGroupId,
      lanIp: p.instanceCount === 1 ? p.lanIp : undefined,
      enableAgent: p.enableAgent,
      enableIpForward: p.enableIpForward,
      internetChargeType: p.internetChargeType,
      trafficPackageSize: p.trafficPackageSize,
      bandwidth: p.bandwidth,
      eipBindType: p.eipBindType,
      eipV4Type: p.eipV4Type,
      ipStackType: p.ipStackType,
      networkLineType: p.networkLineType,
      clusterId: p.clusterId,
      ipv6ClusterId: p.ipv6ClusterId,
      resourceGroupId: p.resourceGroupId,
      marketingOptions: p.marketingOptions,
      tags: p.tags,
      userData: p.userData,
      instanceOptions: p.instanceOptions,
      systemDiskCategory: p.systemDisk?.diskCategory,
      systemDiskBursting: p.systemDisk?.burstingEnabled,
      dataDiskCategory: p.dataDisks[0]?.diskCategory,
      dataDiskBursting: p.dataDisks[0]?.burstingEnabled,
    };
    // All or nothing: a batch over the account's quota creates none of its instances.
    const created = await services.instances.createMany(
      principal,
      'zec',
      names.map((name, i) => ({
        region: zone.regionId,
        zone: zone.zoneId,
        imageId: p.imageId,
        name,
        cpu: type.cpu,
        memoryMb: type.memoryGiB * 1024,
        gpuType: type.gpuModel,
        gpuCount: type.gpuCount,
        disks,
        attributes: { ...attributes, ...(p.eipIds[i] ? { eipId: p.eipIds[i] } : {}) },
      })),
    );
    const instances: { instanceId: string; diskIdSet: string[] }[] = [];
    for (const instance of created) {
      const dataDisks = (await services.instances.disks(instance.id)).filter((d) => !d.isBoot);
      instances.push({ instanceId: instance.id, diskIdSet: dataDisks.map((d) => d.id) });
    }
    return { orderNumber: `order-${randomUUID()}`, instanceIdSet: instances.map((x) => x.instanceId), instances };
  },
});
