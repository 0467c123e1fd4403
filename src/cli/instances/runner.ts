import { userCommandRunner, type UserCommandContext, type UserCommandRunner } from '../user-command-runner.ts';
import { productInstances, type ProductInstances } from './product-instances.ts';

export type InstanceContext = { instances: ProductInstances } & UserCommandContext;
export type InstanceRun = (ctx: InstanceContext) => Promise<void>;
export type InstanceRunner = UserCommandRunner<{ instances: ProductInstances }>;

/** The real runner: profile, clients, Ctrl-C, and the exit codes of `kiln images` (images/exit.ts). */
export function instanceRunner(exit: (code: number, message?: string) => never): InstanceRunner {
  return userCommandRunner((profile) => ({ instances: productInstances(profile) }), exit);
}
