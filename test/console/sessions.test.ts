import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConsoleHarness, screenshot } from '../support/console-browser.ts';

let h: ConsoleHarness;

before(async () => {
  h = await ConsoleHarness.start({ KILN_CONSOLE_SIGNIN_FAILURES: '3' });
});

after(async () => {
  await h?.stop();
});

test('sign in with a key pair, see the image list, sign out: the session is over for the browser and the server', async () => {
  const tab = await h.newTab();
  await tab.page.goto('/console/uhost/images');
  // Without a session the console sends the browser to sign in, and back afterwards.
  assert.match(tab.page.url(), /\/console\/sign-in\?next=%2Fconsole%2Fuhost%2Fimages$/);
  await screenshot(tab.page, 'sign-in');
  await h.signIn(await h.adminKeys(), tab);
  assert.equal(await tab.page.getByTestId('account').textContent(), 'admin');
  assert.equal(await tab.page.getByRole('heading', { level: 1 }).textContent(), 'UHost images');

  const cookie = (await tab.context.cookies()).find((c) => c.name === 'kiln_session');
  assert.ok(cookie, 'a session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/console');

  // The product switcher keeps the section.
  await tab.page.getByRole('navigation', { name: 'Product' }).getByRole('link', { name: 'ZEC' }).click();
  await tab.page.waitForURL(/\/console\/zec\/images$/);

  await tab.page.getByRole('button', { name: 'Sign out' }).click();
  await tab.page.waitForURL(/\/console\/sign-in$/);
  // The old cookie, replayed by hand, opens nothing: the server closed the session.
  const replay = await fetch(`${h.baseUrl}/console/uhost/images`, { headers: { cookie: `kiln_session=${cookie.value}` }, redirect: 'manual' });
  assert.equal(replay.status, 303);
  assert.match(replay.headers.get('location') ?? '', /^\/console\/sign-in/);
  await tab.context.close();
});

test('a form post without its CSRF token is refused with 403 PermissionDenied, and changes nothing', async () => {
  const tab = await h.signIn(await h.adminKeys());
  // The browser sends the session cookie (same origin) but the body lacks the token.
  const res = await tab.page.request.post('/console/sign-out', { form: { nothing: 'here' }, maxRedirects: 0 });
  assert.equal(res.status(), 403);
  assert.match(await res.text(), /PermissionDenied/);
  await tab.page.reload();
  assert.equal(await tab.page.getByTestId('account').textContent(), 'admin', 'still signed in: the sign-out was not done');
  await tab.context.close();
});

test('wrong keys are refused with 401 SignInFailed; past the limit even the right ones are throttled (429)', async () => {
  const keys = await h.newAccount('throttled');
  const tab = await h.newTab();
  for (let i = 0; i < 3; i++) {
    await tab.page.goto('/console/sign-in');
    await tab.page.getByLabel('Public key').fill(keys.publicKey);
    await tab.page.getByLabel('Private key').fill('not-the-key');
    const [answer] = await Promise.all([
      tab.page.waitForResponse((r) => r.request().method() === 'POST'),
      tab.page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    assert.equal(answer.status(), 401);
    assert.match((await tab.page.getByRole('alert').textContent()) ?? '', /SignInFailed/);
  }
  await tab.page.goto('/console/sign-in');
  await tab.page.getByLabel('Public key').fill(keys.publicKey);
  await tab.page.getByLabel('Private key').fill(keys.privateKey);
  const [answer] = await Promise.all([
    tab.page.waitForResponse((r) => r.request().method() === 'POST'),
    tab.page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  assert.equal(answer.status(), 429);
  assert.match((await tab.page.getByRole('alert').textContent()) ?? '', /SignInThrottled/);
  await tab.context.close();
});
