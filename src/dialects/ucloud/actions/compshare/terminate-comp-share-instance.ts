import { instanceOperation } from '../instance-operation.ts';

export const TerminateCompShareInstance = instanceOperation('TerminateCompShareInstance', 'compshare', 'terminate', { zoneRequired: true });
