import { instanceOperation } from '../instance-operation.ts';

export const StopUHostInstance = instanceOperation('StopUHostInstance', 'uhost', 'stop', { zoneRequired: false });
