import { ApiError, ImageFailedError, NetworkError } from 'kiln-images-sdk';
import { InstanceFailedError } from '../instances/wait.ts';
import { Exit, UsageError } from './exit.ts';

/**
 * An error as an exit code and the line printed for it. `interrupted` is what Ctrl-C
 * stopped, said so the user knows what goes on and how to pick it up again (undefined:
 * the command was not interrupted).
 */
export function classify(e: unknown, interrupted: string | undefined): [number, string] {
  if (interrupted !== undefined) return [Exit.Interrupted, interrupted];
  if (e instanceof ImageFailedError) return [Exit.ImageFailed, `image ${e.imageId} failed: ${e.reason || 'no reason given'}`];
  if (e instanceof InstanceFailedError) return [Exit.ImageFailed, e.message];
  if (e instanceof UsageError) return [Exit.Usage, e.message];
  if (e instanceof ApiError)
    return [Exit.RequestFailed, `${e.action} refused: ${e.code}: ${e.message.replace(/^[^:]+: [^:]+: /, '')}${e.requestId ? ` (request ${e.requestId})` : ''}`];
  if (e instanceof NetworkError) return [Exit.RequestFailed, `cannot reach the server: ${e.message}`];
  return [Exit.RequestFailed, e instanceof Error ? e.message : String(e)];
}
