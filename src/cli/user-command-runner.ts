import { resolveProfile, type ProfileFlags, type Resolved } from './images/profile.ts';

/** What every user command gets besides its product's clients. */
export interface UserCommandContext {
  json: boolean;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  out(text: string): void;
  /** What Ctrl-C would stop from now on, said to the user if it comes: what goes on, and how to pick it up. */
  onInterrupt(message: string): void;
}

export type UserCommandRunner<Clients> = (flags: ProfileFlags & { json?: boolean }, run: (ctx: Clients & UserCommandContext) => Promise<void>) => Promise<void>;

/**
 * The real runner of `kiln images` and `kiln instances`: the profile, the product's
 * clients, Ctrl-C, and the exit codes of images/exit.ts.
 */
export function userCommandRunner<Clients extends object>(
  clientsOf: (profile: Resolved) => Clients,
  exit: (code: number, message?: string) => never,
): UserCommandRunner<Clients> {
  return async (flags, run) => {
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error('interrupted'));
    let interrupted = 'interrupted';
    process.once('SIGINT', onSigint);
    try {
      const profile = await resolveProfile(flags);
      await run({
        ...clientsOf(profile),
        json: flags.json === true,
        signal: controller.signal,
        out: (t) => process.stdout.write(t),
        onInterrupt: (message) => (interrupted = message),
      });
    } catch (e) {
      const { classify } = await import('./images/errors.ts');
      const [code, message] = classify(e, controller.signal.aborted ? interrupted : undefined);
      exit(code, message);
    } finally {
      process.off('SIGINT', onSigint);
    }
  };
}
