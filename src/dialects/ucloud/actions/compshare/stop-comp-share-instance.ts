import { instanceOperation } from '../instance-operation.ts';

export const StopCompShareInstance = instanceOperation('StopCompShareInstance', 'compshare', 'stop', { zoneRequired: true });
