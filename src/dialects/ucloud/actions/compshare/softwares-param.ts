import { obj, str, strArray } from '../../protocol/param-schema.ts';
import type { CompShareSoftwares } from '../../models/compshare-attributes.ts';

const MAX_FIELD = 64;
const MAX_APPS = 32;

const softwaresFields = {
  Framework: str({ maxLength: MAX_FIELD }),
  FrameworkVersion: str({ maxLength: MAX_FIELD }),
  CUDAVersion: str({ maxLength: MAX_FIELD }),
  Application: strArray({ maxItems: MAX_APPS, itemMaxLength: MAX_FIELD, doc: 'the Create page spelling' }),
  Applications: strArray({ maxItems: MAX_APPS, itemMaxLength: MAX_FIELD, doc: 'the Publish page spelling' }),
};

/**
 * The software metadata parameters. The pages spell them three ways:
 * `Softwares.Application.N` (Create), `Softwares.Applications.N` (Publish) and
 * `Software.*` plus a bare `Framework` (the Publish and Update examples); all are
 * declared, and softwaresFrom() merges them, the first spelling present winning.
 */
export const softwaresParams = {
  Softwares: obj(softwaresFields, { doc: 'software metadata shown in the catalogue' }),
  Software: obj(softwaresFields, { doc: 'the same, as the Publish and Update examples spell it' }),
  Framework: str({ maxLength: MAX_FIELD, doc: 'the same as Softwares.Framework' }),
};

type SoftwaresSent = {
  Framework?: string | undefined;
  FrameworkVersion?: string | undefined;
  CUDAVersion?: string | undefined;
  Application: string[];
  Applications: string[];
};

/**
 * The software metadata a request sends, or undefined if it sends none. Only the fields
 * sent are returned, so an update changes what it names and keeps the rest.
 */
export function softwaresFrom(p: {
  Softwares?: SoftwaresSent | undefined;
  Software?: SoftwaresSent | undefined;
  Framework?: string | undefined;
}): Partial<CompShareSoftwares> | undefined {
  const [a, b] = [p.Softwares, p.Software];
  const out: Partial<CompShareSoftwares> = {};
  const framework = a?.Framework ?? b?.Framework ?? p.Framework;
  if (framework) out.framework = framework;
  const version = a?.FrameworkVersion ?? b?.FrameworkVersion;
  if (version) out.frameworkVersion = version;
  const cuda = a?.CUDAVersion ?? b?.CUDAVersion;
  if (cuda) out.cudaVersion = cuda;
  const apps = [a?.Application, b?.Application, a?.Applications, b?.Applications].find((list) => list !== undefined && list.length > 0);
  if (apps) out.applications = apps;
  return Object.keys(out).length > 0 ? out : undefined;
}
