import { isKilnError } from '../../../../core/errors.ts';

/**
 * Start/Stop/Reboot/ReleaseInstances act on each id and answer with the ids that failed
 * (an empty list means all succeeded). A failure for one id does not stop the others,
 * and an id the caller does not own fails like any other, revealing nothing about it.
 */
export async function eachInstance(ids: string[], act: (id: string) => Promise<unknown>): Promise<{ instanceIds: string[] }> {
  const failed: string[] = [];
  for (const id of new Set(ids)) {
    try {
      await act(id);
    } catch (e) {
      if (!isKilnError(e)) throw e;
      failed.push(id);
    }
  }
  return { instanceIds: failed };
}
