import { instanceOperation } from '../instance-operation.ts';

export const RebootUHostInstance = instanceOperation('RebootUHostInstance', 'uhost', 'reboot', { zoneRequired: false });
