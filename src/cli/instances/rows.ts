/** Helpers the three products' instance rows share. */
import { UsageError } from '../images/exit.ts';
import type { InstanceState } from './product-instances.ts';

export const unixTime = (s: number) => (s > 0 ? new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');

export function noInstance(id: string): never {
  throw new UsageError(`no instance ${id}`);
}

export function gpuText(count: number, type: string): string {
  return count > 0 ? `${count} x ${type}` : '';
}

/** The UCloud products' states (UHost and CompShare spell them alike). */
export function ucloudState(s: string): InstanceState {
  return s === 'Install Fail' ? 'Failed' : s;
}
