import { resolveProfile, type ProfileFlags } from '../images/profile.ts';
import { productInstances, type ProductInstances } from './product-instances.ts';

export interface InstanceContext {
  instances: ProductInstances;
  json: boolean;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  out(text: string): void;
  /** What Ctrl-C would stop from now on, said to the user if it comes. */
  onInterrupt(message: string): void;
}

export type InstanceRun = (ctx: InstanceContext) => Promise<void>;
export type InstanceRunner = (flags: ProfileFlags & { json?: boolean }, run: InstanceRun) => Promise<void>;

/** The real runner: profile, clients, Ctrl-C, and the exit codes of `kiln images` (images/exit.ts). */
export function instanceRunner(exit: (code: number, message?: string) => never): InstanceRunner {
  return async (flags, run) => {
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error('interrupted'));
    let interrupted = 'interrupted';
    process.once('SIGINT', onSigint);
    try {
      const profile = await resolveProfile(flags);
      await run({
        instances: productInstances(profile),
        json: flags.json === true,
        signal: controller.signal,
        out: (t) => process.stdout.write(t),
        onInterrupt: (message) => (interrupted = message),
      });
    } catch (e) {
      const { classify } = await import('../images/errors.ts');
      const [code, message] = classify(e, controller.signal.aborted ? interrupted : undefined);
      exit(code, message);
    } finally {
      process.off('SIGINT', onSigint);
    }
  };
}
