import { instanceOperation } from '../instance-operation.ts';

// The local driver has no graceful shutdown to skip: power-off is a stop.
export const PoweroffUHostInstance = instanceOperation('PoweroffUHostInstance', 'uhost', 'stop', { zoneRequired: false });
