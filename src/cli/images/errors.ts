import { ApiError, ImageFailedError, NetworkError } from 'kiln-images-sdk';
import { Exit, UsageError } from './exit.ts';

/** An error as an exit code and the line printed for it. */
export function classify(e: unknown, interrupted: boolean): [number, string] {
  if (interrupted) return [Exit.Interrupted, 'stopped waiting; the job goes on in the server (`kiln images wait ID` to follow it again)'];
  if (e instanceof ImageFailedError) return [Exit.ImageFailed, `image ${e.imageId} failed: ${e.reason || 'no reason given'}`];
  if (e instanceof UsageError) return [Exit.Usage, e.message];
  if (e instanceof ApiError) return [Exit.RequestFailed, `${e.action} refused: ${e.code}: ${e.message.replace(/^[^:]+: [^:]+: /, '')}${e.requestId ? ` (request ${e.requestId})` : ''}`];
  if (e instanceof NetworkError) return [Exit.RequestFailed, `cannot reach the server: ${e.message}`];
  return [Exit.RequestFailed, e instanceof Error ? e.message : String(e)];
}
