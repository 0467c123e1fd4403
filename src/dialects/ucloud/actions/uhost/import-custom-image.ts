import { Type } from '@sinclair/typebox';
import type { DiskFormat } from '../../../../disk/disk-reader.ts';
import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { bool, str } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

// The page spells them RAW, VHD, VMDK, qcow2; SDK users type all sorts of case.
const formats: Record<string, DiskFormat> = { raw: 'raw', vhd: 'vhd', vmdk: 'vmdk', qcow2: 'qcow2' };

export const ImportCustomImage = defineAction({
  name: 'ImportCustomImage',
  product: 'uhost',
  summary: 'Imports a disk image from a URL into a custom image; poll DescribeImage until State is Available.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    ImageName: str({ required: true, maxLength: 63 }),
    UFileUrl: str({ required: true, maxLength: 4096, doc: 'http(s) URL the server may fetch (see KILN_IMPORT_ALLOW_HOSTS)' }),
    OsType: str({ required: true, maxLength: 64, doc: 'CentOS, Ubuntu, Windows, ...' }),
    OsName: str({ required: true, maxLength: 128 }),
    Format: str({ required: true, doc: 'RAW, VHD, VMDK or qcow2 (any case); checked against the content' }),
    Auth: bool({ required: true, doc: 'must be true: authorises the import' }),
    ImageDescription: str({ maxLength: 255, multiline: true }),
  },
  answer: { ImageId: Type.String() },
  errors: ['RegionNotFound', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    const format = formats[p.Format.toLowerCase()];
    if (!format) throw new KilnError('InvalidParameter', `Format must be one of RAW, VHD, VMDK, qcow2`, 'Format');
    if (!p.Auth) throw new KilnError('InvalidParameter', 'Auth must be true to authorise the import', 'Auth');
    let url: URL;
    try {
      url = new URL(p.UFileUrl);
    } catch {
      throw new KilnError('InvalidParameter', 'UFileUrl is not a URL', 'UFileUrl');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new KilnError('InvalidParameter', 'UFileUrl must be an http or https URL', 'UFileUrl');
    }
    const image = await services.images.import(principal, 'uhost', {
      region: region.id,
      zone: region.defaultZone,
      name: p.ImageName,
      url: p.UFileUrl,
      format,
      osType: /windows/i.test(p.OsType) ? 'Windows' : 'Linux',
      osName: p.OsName,
      description: p.ImageDescription,
      attributes: { osFamily: p.OsType },
    });
    return { ImageId: image.id };
  },
});
