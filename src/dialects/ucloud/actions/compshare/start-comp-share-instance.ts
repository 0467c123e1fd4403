import { instanceOperation } from '../instance-operation.ts';

export const StartCompShareInstance = instanceOperation('StartCompShareInstance', 'compshare', 'start', { zoneRequired: true });
