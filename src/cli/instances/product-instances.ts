/**
 * One shape of instance operations over the three products' APIs, so every
 * `kiln instances` command works the same whichever product a profile names. What a
 * product's API does not have (disk growth outside UHost) is a usage error that says so.
 */
import { productClient } from '../product-clients.ts';
import type { Product, Resolved } from '../images/profile.ts';
import { compshareInstances } from './compshare-instances.ts';
import { uhostInstances } from './uhost-instances.ts';
import { zecInstances } from './zec-instances.ts';

/**
 * One vocabulary for the products' states (UHost `Install Fail`, ZEC `CREATE_FAILED`, ...),
 * so `--wait` and scripts read the same words; --json keeps the product's own. A state
 * this CLI does not know yet is shown as the server spells it.
 */
export type InstanceState = 'Initializing' | 'Running' | 'Stopped' | 'Installing' | 'Imaging' | 'Resizing' | 'Failed' | (string & {});

export interface DiskRow {
  id: string;
  boot: boolean;
  /** The product's disk type or category (CLOUD_SSD, Standard NVMe SSD, ...). */
  type: string;
  sizeGb: number;
  /** The product's own record, for --json. */
  record: object;
}

export interface InstanceRow {
  id: string;
  name: string;
  state: InstanceState;
  zone: string;
  image: string;
  cpu: number;
  memoryMb: number;
  /** `2 x RTX 4090`, or empty. */
  gpu: string;
  created: string;
  disks: DiskRow[];
  record: object;
}

export interface CreateRequest {
  image: string;
  name?: string | undefined;
  zone?: string | undefined;
  cpu?: number | undefined;
  memoryMb?: number | undefined;
  /** System disk GB; absent: as large as the image needs. */
  bootGb?: number | undefined;
  /** One data disk of this many GB. */
  dataGb?: number | undefined;
  /** In clear; the UCloud products are sent it base64-encoded, as their pages ask. */
  password?: string | undefined;
  gpu?: number | undefined;
  gpuType?: string | undefined;
  /** ZEC instance type. */
  type?: string | undefined;
  /** ZEC subnet. */
  subnet?: string | undefined;
}

export interface ProductInstances {
  product: Product;
  list(limit: number): Promise<InstanceRow[]>;
  show(id: string): Promise<InstanceRow>;
  /** The new instance's id. */
  create(r: CreateRequest): Promise<string>;
  stop(id: string): Promise<void>;
  start(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Grows one disk of a stopped instance to `sizeGb`. */
  growDisk(id: string, disk: DiskRow, sizeGb: number): Promise<void>;
}

export function productInstances(p: Resolved): ProductInstances {
  const c = productClient(p);
  if (c.product === 'zec') return zecInstances(c.client, c.zone);
  if (c.product === 'compshare') return compshareInstances(c.client);
  return uhostInstances(c.client, c.zone);
}
