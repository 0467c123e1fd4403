/**
 * The UCloud dialect (UHost and CompShare) as the rest of Kiln sees it: served at `/`
 * exactly, every answer HTTP 200 with a RetCode, including refusals.
 */
import type { Dialect } from '../dialect.ts';
import { pathOf, queryOf } from '../../wire/request-target.ts';
import { ucloudActions } from './actions/index.ts';
import { ucloudPlugin } from './plugin.ts';
import { ucloudReference } from './reference.ts';
import { ucloudRefusal, ucloudRetCodeForRefusal } from './protocol/refusal.ts';

const client = {
  module: '../ucloud/client.ts',
  base: 'UCloudClient',
  options: 'UCloudClientOptions',
  // The vendor SDKs send these with every call from the client's settings.
  defaulted: ['Region', 'Zone', 'ProjectId'],
};

export const ucloudDialect: Dialect = {
  name: 'ucloud',
  owns: (target) => pathOf(target) === '/',
  plugin: ucloudPlugin,
  renderRefusal: (refusal, target = '') => ucloudRefusal(refusal, queryOf(target)),
  refusalCode: (refusal) => String(ucloudRetCodeForRefusal(refusal)),
  // `/` is the one URL: a request on it that no route took used another method.
  notFound: (method) => ({ kind: 'MethodNotAllowed', message: `HTTP method ${method} is not supported: UCloud API calls are GET or POST` }),
  reference: ucloudReference,
  sdk: [
    { product: 'uhost', prefix: 'UHost', actions: ucloudActions.filter((a) => a.product === 'uhost'), client },
    { product: 'compshare', prefix: 'CompShare', actions: ucloudActions.filter((a) => a.product === 'compshare'), client },
  ],
  ids: {
    uhost: { image: 'uimage-', instance: 'uhost-', snapshot: 'snapshot-', bootDisk: 'bsi-', dataDisk: 'bsm-' },
    compshare: { image: 'compshareimage-', instance: 'uhost-', snapshot: 'snapshot-', bootDisk: 'bsi-', dataDisk: 'bsm-' },
  },
};
