import type { Attributes } from '../../../core/model.ts';

/** Software metadata a CompShare image carries (the `Softwares` object on the wire). */
export interface CompShareSoftwares {
  framework: string;
  frameworkVersion: string;
  cudaVersion: string;
  applications: string[];
}

/**
 * What the CompShare actions keep in an image's attributes, read back defensively:
 * attributes are free-form JSON in core, so every field is checked for its type.
 * Keys set by core itself (sourceGpuType, sourceImageKind, publishedAt) are read here too.
 */
export interface CompShareImageAttributes {
  softwares: CompShareSoftwares;
  readme: string;
  tags: string[];
  cover: string;
  price: number;
  autoStart: boolean;
  sourceGpuType: string;
  /** The capture's source was an operator (official) base image. */
  fromOfficialImage: boolean;
  publishedAt: number | null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export const emptySoftwares: CompShareSoftwares = { framework: '', frameworkVersion: '', cudaVersion: '', applications: [] };

export function readSoftwares(v: unknown): CompShareSoftwares {
  if (typeof v !== 'object' || v === null) return { ...emptySoftwares };
  const o = v as Record<string, unknown>;
  return { framework: str(o.framework), frameworkVersion: str(o.frameworkVersion), cudaVersion: str(o.cudaVersion), applications: strs(o.applications) };
}

export function readCompShareAttributes(a: Attributes): CompShareImageAttributes {
  return {
    softwares: readSoftwares(a.softwares),
    readme: str(a.readme),
    tags: strs(a.tags),
    cover: str(a.cover),
    price: typeof a.price === 'number' && Number.isFinite(a.price) ? a.price : 0,
    autoStart: a.autoStart === true,
    sourceGpuType: str(a.sourceGpuType),
    fromOfficialImage: a.sourceImageKind === 'base',
    publishedAt: typeof a.publishedAt === 'number' ? a.publishedAt : null,
  };
}
