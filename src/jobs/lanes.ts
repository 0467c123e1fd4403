import type { JobKind } from '../core/model.ts';

/**
 * Jobs run in lanes, each with its own workers (KILN_INSTANCE_WORKERS, KILN_IMPORT_WORKERS).
 * Imports wait on remote servers at a pace their owner's URL decides; deploying, releasing
 * and capturing instances is local work users wait on. Separate lanes keep any number of
 * slow imports from holding the workers instances need.
 */
export type LaneName = 'instance' | 'import';

export const laneKinds: Record<LaneName, readonly JobKind[]> = {
  // A copy only commits metadata (chunks are shared), so it goes with the quick local work.
  instance: ['materialize', 'release', 'capture', 'reinstall', 'grow', 'copy'],
  // A region copy reads every chunk of its image once: bulk work, beside imports.
  import: ['import', 'replicate'],
};

export const laneNames = Object.keys(laneKinds) as LaneName[];
