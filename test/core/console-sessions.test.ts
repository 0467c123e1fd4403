/**
 * Console sessions and sign-in limits on the current stack's metadata store, through the
 * service the console calls; a second Kiln on the same stores stands for a second API
 * process behind a load balancer.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createKiln, type Kiln } from '../../src/app/kiln.ts';
import { loadConfig } from '../../src/config/config.ts';
import { KilnError } from '../../src/core/errors.ts';
import { startCoreKiln, type CoreKiln } from '../support/core-kiln.ts';

let core: CoreKiln;
let other: Kiln;

before(async () => {
  core = await startCoreKiln('console-sessions', { env: { KILN_CONSOLE_SIGNIN_FAILURES: '2' } });
  other = await createKiln(loadConfig({ ...process.env, ...core.env }), pino({ level: 'silent' }));
});

after(async () => {
  await other?.close();
  await core?.close();
});

const refusedWith = (code: string) => (e: unknown) => e instanceof KilnError && e.code === code;

test('a session opened on one process is served by another, and sign-out there ends it everywhere', async () => {
  const acct = await core.kiln.services.accounts.create('carol');
  const { sessionId, user } = await core.kiln.services.consoleSessions.signIn({ publicKey: acct.publicKey, privateKey: acct.privateKey }, '10.0.0.1');
  assert.equal(user.accountName, 'carol');
  const seen = await other.services.consoleSessions.resolve(sessionId);
  assert.equal(seen?.accountId, acct.accountId);
  assert.equal(seen?.csrfToken, user.csrfToken);
  await other.services.consoleSessions.signOut(sessionId);
  assert.equal(await core.kiln.services.consoleSessions.resolve(sessionId), undefined);
});

test('revoking the key or the token a session was opened with ends the session', async () => {
  const acct = await core.kiln.services.accounts.create('dave');
  const byKey = await core.kiln.services.consoleSessions.signIn({ publicKey: acct.publicKey, privateKey: acct.privateKey }, '10.0.0.2');
  const { token } = await core.kiln.services.tokens.create('dave');
  const byToken = await core.kiln.services.consoleSessions.signIn({ token }, '10.0.0.2');
  await core.kiln.services.tokens.revoke(token);
  assert.equal(await core.kiln.services.consoleSessions.resolve(byToken.sessionId), undefined);
  assert.ok(await core.kiln.services.consoleSessions.resolve(byKey.sessionId), 'the key session is untouched by the token');
  await core.kiln.services.accounts.revokeKey(acct.publicKey);
  assert.equal(await core.kiln.services.consoleSessions.resolve(byKey.sessionId), undefined);
});

test('idle and absolute expiry are decided on the database clock', async () => {
  const acct = await core.kiln.services.accounts.create('erin');
  const { sessionId } = await core.kiln.services.consoleSessions.signIn({ publicKey: acct.publicKey, privateKey: acct.privateKey }, '10.0.0.3');
  const sessions = core.kiln.store.consoleSessions;
  const { createHash } = await import('node:crypto');
  const idSha = createHash('sha256').update(sessionId).digest('hex');
  await new Promise((r) => setTimeout(r, 30));
  // Seen just now and young: live under generous limits.
  assert.ok(await sessions.touch(idSha, { idleMs: 60_000, maxMs: 60_000 }));
  await new Promise((r) => setTimeout(r, 30));
  // Past the absolute limit though just used: over, and gone for good.
  assert.equal(await sessions.touch(idSha, { idleMs: 60_000, maxMs: 10 }), undefined);
  assert.equal(await sessions.touch(idSha, { idleMs: 60_000, maxMs: 60_000 }), undefined);

  const again = await core.kiln.services.consoleSessions.signIn({ publicKey: acct.publicKey, privateKey: acct.privateKey }, '10.0.0.3');
  const againSha = createHash('sha256').update(again.sessionId).digest('hex');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(await sessions.touch(againSha, { idleMs: 10, maxMs: 60_000 }), undefined, 'idle past the limit');
});

test('failed sign-ins are limited per account across processes, and per address', async () => {
  const acct = await core.kiln.services.accounts.create('frank');
  const wrong = { publicKey: acct.publicKey, privateKey: 'guess' };
  await assert.rejects(core.kiln.services.consoleSessions.signIn(wrong, '10.0.1.1'), refusedWith('SignInFailed'));
  await assert.rejects(other.services.consoleSessions.signIn(wrong, '10.0.1.2'), refusedWith('SignInFailed'));
  // Two failures for the account, from two addresses on two processes: the right key is refused too.
  await assert.rejects(
    core.kiln.services.consoleSessions.signIn({ publicKey: acct.publicKey, privateKey: acct.privateKey }, '10.0.1.3'),
    refusedWith('SignInThrottled'),
  );
  // An address that guessed at unknown tokens is held back for any account.
  const grace = await core.kiln.services.accounts.create('grace');
  for (let i = 0; i < 2; i++) {
    await assert.rejects(core.kiln.services.consoleSessions.signIn({ token: `kiln_guess${i}` }, '10.0.2.1'), refusedWith('SignInFailed'));
  }
  await assert.rejects(
    other.services.consoleSessions.signIn({ publicKey: grace.publicKey, privateKey: grace.privateKey }, '10.0.2.1'),
    refusedWith('SignInThrottled'),
  );
  // From another address grace signs in.
  assert.ok(await other.services.consoleSessions.signIn({ publicKey: grace.publicKey, privateKey: grace.privateKey }, '10.0.2.2'));
});
