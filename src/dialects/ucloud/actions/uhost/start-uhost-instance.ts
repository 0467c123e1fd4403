import { instanceOperation } from '../instance-operation.ts';

export const StartUHostInstance = instanceOperation('StartUHostInstance', 'uhost', 'start', { zoneRequired: false });
