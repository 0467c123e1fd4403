import { KilnError } from '../../../../core/errors.ts';
import type { Instance } from '../../../../core/model.ts';

export const LOGIN_MODES = ['Password', 'KeyPair', 'ImagePasswd'] as const;
export type LoginMode = (typeof LOGIN_MODES)[number];

/** Base64 as the pages ask for it (`echo -n Password1 | base64`); anything else is refused, not guessed at. */
export function requireBase64Password(password: string, param = 'Password'): void {
  const ok = /^[A-Za-z0-9+/]+={0,2}$/.test(password) && password.length % 4 === 0 && Buffer.from(password, 'base64').length > 0;
  if (!ok) throw new KilnError('InvalidParameter', `${param} must be base64-encoded`, param);
}

/** The login mode a host was created with; hosts created before it was recorded count as Password. */
export function loginModeOf(i: Instance): LoginMode {
  const m = i.attributes.loginMode;
  return m === 'KeyPair' || m === 'ImagePasswd' ? m : 'Password';
}

/**
 * ReinstallUHostInstance: the login mode cannot change (`LoginMode不可变更`), and a host
 * that logs in with a password needs a new one, as CreateUHostInstance does.
 */
export function checkReinstallLogin(i: Instance, p: { LoginMode?: LoginMode | undefined; Password?: string | undefined }): void {
  const mode = loginModeOf(i);
  if (p.LoginMode !== undefined && p.LoginMode !== mode) {
    throw new KilnError('InvalidParameter', `host ${i.id} logs in with ${mode}; a reinstall cannot change LoginMode`, 'LoginMode');
  }
  if (mode === 'Password' && !p.Password) throw new KilnError('MissingParameter', `Password is required: host ${i.id} logs in with a password`, 'Password');
  if (p.Password) requireBase64Password(p.Password);
}
