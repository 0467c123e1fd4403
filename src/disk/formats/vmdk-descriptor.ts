import { DiskFormatError } from '../disk-reader.ts';

export const VMDK_MAX_DESCRIPTOR_BYTES = 64 * 1024;
const SUPPORTED_CREATE_TYPES = new Set(['monolithicSparse', 'streamOptimized']);

export interface VmdkDescriptor {
  createType: string | null;
  extents: { access: string; sectors: string; type: string; file: string | null }[];
  parentCID: string | null;
  parentFileNameHint: string | null;
}

/** Lenient line parser: it only extracts what the safety checks need. */
export function parseVmdkDescriptor(text: string): VmdkDescriptor {
  const out: VmdkDescriptor = { createType: null, extents: [], parentCID: null, parentFileNameHint: null };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/\0+$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const extent = /^(RW|RDONLY|NOACCESS)\s+(\S+)\s+(\S+)(?:\s+"([^"]*)")?/.exec(line);
    if (extent) {
      out.extents.push({ access: extent[1]!, sectors: extent[2]!, type: extent[3]!, file: extent[4] ?? null });
      continue;
    }
    const kv = /^([A-Za-z0-9_.]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line);
    if (!kv) continue;
    const key = kv[1]!.toLowerCase();
    if (key === 'createtype') out.createType = kv[2]!;
    else if (key === 'parentcid') out.parentCID = kv[2]!.toLowerCase();
    else if (key === 'parentfilenamehint') out.parentFileNameHint = kv[2]!;
  }
  return out;
}

/**
 * The descriptor embedded in a sparse extent must describe exactly that one extent and
 * nothing else: no other create types, no flat/VMFS/other extents, no parent disk.
 * These are the checks of Glance's format inspector (CVE-2024-32498), a little stricter.
 */
export function checkEmbeddedDescriptor(d: VmdkDescriptor): void {
  if (d.createType === null) throw new DiskFormatError('VMDK descriptor has no createType');
  if (!SUPPORTED_CREATE_TYPES.has(d.createType)) throw new DiskFormatError(`VMDK create type "${d.createType}" is not supported`);
  if (d.parentFileNameHint !== null || (d.parentCID !== null && d.parentCID !== 'ffffffff')) {
    throw new DiskFormatError('VMDK child disks with a parent disk are not supported');
  }
  if (d.extents.length !== 1)
    throw new DiskFormatError(`VMDK descriptor lists ${d.extents.length} extents; only a single sparse extent in this file is supported`);
  const e = d.extents[0]!;
  if (e.type !== 'SPARSE')
    throw new DiskFormatError(
      `VMDK descriptor names a ${e.type} extent${e.file ? ` ("${e.file}")` : ''}; only a single sparse extent in this file is supported`,
    );
  if (e.file === null || /[/\\]/.test(e.file) || e.file.includes('..') || e.file === '') {
    throw new DiskFormatError(`VMDK descriptor names an extent file "${e.file ?? ''}" other than this file`);
  }
}

/** Why a text descriptor file (no sparse header) is refused, naming its create type. */
export function describeDescriptorFile(text: string): string {
  const d = parseVmdkDescriptor(text);
  const type = d.createType ? ` (createType "${d.createType}")` : '';
  return `VMDK descriptor files naming other extent files are not supported${type}; upload a monolithicSparse or streamOptimized VMDK`;
}
