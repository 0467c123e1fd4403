import type { EnvReader } from './env-reader.ts';

/** The web console (src/console): how long its sessions live and how often one may fail to sign in. */
export interface ConsoleConfig {
  /** A session unused this long is over. */
  sessionIdleMs: number;
  /** A session is over this long after sign-in, however busy. */
  sessionMaxMs: number;
  /** Failed sign-ins allowed per account, and per client address, within signInWindowMs. */
  signInFailures: number;
  signInWindowMs: number;
  /**
   * Marks the session cookie Secure even on plain HTTP: set when a TLS-terminating proxy
   * stands in front (a request that arrived over TLS gets Secure in any case).
   */
  secureCookie: boolean;
}

export function readConsole(read: EnvReader): ConsoleConfig {
  return {
    sessionIdleMs: read.int('KILN_CONSOLE_SESSION_IDLE_S', 1_800, 10, 86_400 * 30) * 1000,
    sessionMaxMs: read.int('KILN_CONSOLE_SESSION_MAX_S', 43_200, 10, 86_400 * 365) * 1000,
    signInFailures: read.int('KILN_CONSOLE_SIGNIN_FAILURES', 5, 1, 1_000_000),
    signInWindowMs: read.int('KILN_CONSOLE_SIGNIN_WINDOW_S', 900, 1, 86_400) * 1000,
    secureCookie: read.bool('KILN_CONSOLE_SECURE_COOKIE', false),
  };
}
