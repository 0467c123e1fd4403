import { KilnError } from '../../../../core/errors.ts';
import type { FlatParams } from '../../protocol/flat-params.ts';
import { readArray, readObject } from '../../protocol/flat-params.ts';
import type { CompShareSoftwares } from '../../models/compshare-attributes.ts';

const MAX_FIELD = 64;
const MAX_APPS = 32;

/**
 * The software metadata a request sends, or undefined if it sends none. The pages spell
 * it three ways: `Softwares.Application.N` (Create), `Softwares.Applications.N` (Publish)
 * and `Software.*` plus a bare `Framework` (the Publish and Update examples); all are
 * read, the first spelling present wins. Only the fields sent are returned, so an update
 * changes what it names and keeps the rest.
 */
export function readSoftwaresParam(flat: Readonly<FlatParams>): Partial<CompShareSoftwares> | undefined {
  const obj = { ...readObject(flat, 'Software'), ...readObject(flat, 'Softwares') };
  const out: Partial<CompShareSoftwares> = {};
  const field = (value: string | undefined, name: string): string | undefined => {
    if (value === undefined || value === '') return undefined;
    if ([...value].length > MAX_FIELD) throw new KilnError('InvalidParameter', `${name} is longer than ${MAX_FIELD} characters`, name);
    return value;
  };
  const framework = field(obj.Framework ?? flat.Framework, 'Softwares.Framework');
  if (framework !== undefined) out.framework = framework;
  const version = field(obj.FrameworkVersion, 'Softwares.FrameworkVersion');
  if (version !== undefined) out.frameworkVersion = version;
  const cuda = field(obj.CUDAVersion, 'Softwares.CUDAVersion');
  if (cuda !== undefined) out.cudaVersion = cuda;
  const singular = readArray(obj, 'Application').filter((x) => x !== '');
  const plural = readArray(obj, 'Applications').filter((x) => x !== '');
  const apps = singular.length > 0 ? singular : plural;
  if (apps.length > MAX_APPS) throw new KilnError('InvalidParameter', `at most ${MAX_APPS} applications`, 'Softwares.Application');
  apps.forEach((a, i) => field(a, `Softwares.Application.${i}`));
  if (apps.length > 0) out.applications = apps;
  return Object.keys(out).length > 0 ? out : undefined;
}
