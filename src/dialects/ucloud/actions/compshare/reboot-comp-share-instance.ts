import { instanceOperation } from '../instance-operation.ts';

export const RebootCompShareInstance = instanceOperation('RebootCompShareInstance', 'compshare', 'reboot', { zoneRequired: true });
