import type { KilnConfig, RegionConfig } from '../config/config.ts';
import type { Upload } from '../core/model.ts';
import { displayTextProblem } from '../core/display-text.ts';
import { Products, type Product } from '../core/products.ts';
import type { CreateUploadRequest } from '../core/uploads/upload-service.ts';
import { IMAGE_NAME, IMAGE_NAME_HINT } from '../dialects/zenlayer/names.ts';
import { ExportError } from '../export/authenticate.ts';

const formats: Record<string, Upload['format']> = { raw: 'raw', qcow2: 'qcow2', vmdk: 'vmdk', vhd: 'vhd' };

/**
 * An upload's creation (tus POST: Upload-Length and Upload-Metadata) as core's request,
 * refused up front by the same rules as the product's own import or image creation:
 * UHost and CompShare names up to 63 characters, ZEC's name pattern, regions and zones
 * this installation serves for the product.
 */
export function createRequestOf(config: KilnConfig, lengthHeader: string | undefined, meta: Map<string, string>): CreateUploadRequest {
  if (lengthHeader === undefined) throw new ExportError(400, 'MissingParameter', 'Upload-Length is required: the size of the file in bytes');
  if (!/^\d{1,16}$/.test(lengthHeader)) throw new ExportError(400, 'InvalidParameter', 'Upload-Length must be a whole number of bytes');
  const product = Products.find((p) => p === meta.get('product'));
  if (!product) throw new ExportError(400, 'InvalidParameter', `Upload-Metadata product must be one of ${Products.join(', ')}`);
  for (const [key, value] of meta) {
    const problem = displayTextProblem(value, key === 'description');
    if (problem !== undefined) throw new ExportError(400, 'InvalidParameter', `Upload-Metadata ${key} ${problem}`);
  }
  const name = required(meta, 'name');
  if (product === 'zec' ? !IMAGE_NAME.test(name) : name.length > 63) {
    throw new ExportError(400, 'InvalidParameter', product === 'zec' ? `name ${IMAGE_NAME_HINT}` : 'name must be 1-63 characters');
  }
  const format = formats[required(meta, 'format').toLowerCase()];
  if (!format) throw new ExportError(400, 'InvalidParameter', 'Upload-Metadata format must be RAW, QCOW2, VMDK or VHD');
  const region = regionOf(config, product, meta.get('region'));
  const zoneName = meta.get('zone');
  if (zoneName !== undefined && !region.zones.includes(zoneName)) throw new ExportError(400, 'ZoneNotFound', `zone ${zoneName} is not in region ${region.id}`);
  const osFamily = meta.get('os-type') ?? 'Linux';
  const description = meta.get('description');
  if (description !== undefined && description.length > 255) throw new ExportError(400, 'InvalidParameter', 'description must be at most 255 characters');
  return {
    product,
    length: Number(lengthHeader),
    name,
    format,
    checksum: required(meta, 'checksum'),
    region: region.id,
    zone: zoneName ?? region.defaultZone,
    osType: /windows/i.test(osFamily) ? 'Windows' : 'Linux',
    osName: meta.get('os-name') || osFamily,
    description,
    attributes: { osFamily },
  };
}

function required(meta: Map<string, string>, key: string): string {
  const v = meta.get(key);
  if (v === undefined || v === '') throw new ExportError(400, 'MissingParameter', `Upload-Metadata must name ${key}`);
  return v;
}

/** The product's regions: UCloud's for UHost and CompShare, Zenlayer's for ZEC; the first is the default. */
function regionOf(config: KilnConfig, product: Product, id: string | undefined): RegionConfig {
  const regions = product === 'zec' ? config.zenlayer.regions : config.regions;
  const wanted = id ?? (product === 'zec' ? regions[0]?.id : config.defaultRegion);
  const region = regions.find((r) => r.id === wanted);
  if (!region) throw new ExportError(400, 'RegionNotFound', `region ${wanted ?? ''} is not served here for ${product}`);
  return region;
}
