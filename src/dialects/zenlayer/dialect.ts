/**
 * The Zenlayer dialect (ZEC) as the rest of Kiln sees it: everything under `/api/v2/`,
 * each call a POST to `/api/v2/<service>`, errors as HTTP statuses with a code.
 */
import type { Dialect } from '../dialect.ts';
import { pathOf } from '../../wire/request-target.ts';
import { zecActions } from './actions/index.ts';
import { zenlayerPlugin } from './plugin.ts';
import { zenlayerReference } from './reference.ts';
import { zcCodeForRefusal, zcRefusal } from './protocol/refusal.ts';

/** The Zenlayer path prefix, and the one path shape a ZEC call has (`/api/v2/<service>`). */
const ZC_PREFIX = '/api/v2';
const ZC_SERVICE_PATH = /^\/api\/v2\/[^/]+$/;

export const zenlayerDialect: Dialect = {
  name: 'zenlayer',
  owns: (target) => {
    const path = pathOf(target);
    return path === ZC_PREFIX || path.startsWith(`${ZC_PREFIX}/`);
  },
  plugin: zenlayerPlugin,
  renderRefusal: (refusal) => zcRefusal(refusal),
  refusalCode: (refusal) => zcCodeForRefusal[refusal.kind],
  notFound: (method, target) =>
    ZC_SERVICE_PATH.test(pathOf(target))
      ? { kind: 'MethodNotAllowed', message: `HTTP method ${method} is not supported: ZEC API calls are POST` }
      : { kind: 'NotFound', message: 'no API is served at this path: ZEC API calls are POSTed to /api/v2/zec' },
  reference: zenlayerReference,
  sdk: [
    {
      product: 'zec',
      prefix: 'Zec',
      actions: zecActions,
      client: { module: '../zenlayer/client.ts', base: 'ZecClientBase', options: 'ZecClientOptions', defaulted: [] },
    },
  ],
  ids: {
    zec: { image: 'img-', instance: 'ins-', snapshot: 'snap-', bootDisk: 'disk-', dataDisk: 'disk-' },
  },
};
