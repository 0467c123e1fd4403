import { SetupError } from '../../config/setup-error.ts';

/** One line of `kiln check`: what was tried, whether it worked, and what fixes it if not. */
export interface CheckResult {
  name: 'database' | 'chunk store' | 'round trip' | 'master key';
  ok: boolean;
  detail: string;
  fix?: string;
}

/** A SetupError as a failed check; anything else is not a known set-up problem. */
export function asCheckFailure(name: CheckResult['name'], e: unknown): CheckResult | undefined {
  return e instanceof SetupError ? { name, ok: false, detail: e.problem, fix: e.fix } : undefined;
}
