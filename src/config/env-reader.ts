import { parseAllowHosts } from '../net/allow-hosts.ts';

export type Env = Record<string, string | undefined>;

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/**
 * Reads single KILN_* variables for the config sections. A bad value is noted as a
 * problem and its default read in its place, so loading goes on and every problem is
 * reported at once (ConfigError).
 */
export class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  /** The variable as set, trimmed; undefined when unset or empty. */
  raw(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  str(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim())) {
      this.problems.push(`${name}: "${raw}" is not a whole number`);
      return fallback;
    }
    const v = Number(raw.trim());
    if (v < min || v > max) {
      this.problems.push(`${name}: ${v} is outside ${min}..${max}`);
      return fallback;
    }
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name}: "${raw}" is not a boolean (true/false)`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name}: "${raw}" is not one of ${allowed.join(', ')}`);
    return fallback;
  }

  allowHosts(name: string): string[] {
    try {
      return parseAllowHosts(this.env[name]);
    } catch (e) {
      this.problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }
}
