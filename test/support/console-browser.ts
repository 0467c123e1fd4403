/**
 * The web console's browser harness: one headless Chromium (Debian's, driven by
 * playwright-core) and one real `kiln serve` per test file, on loopback. Each account gets
 * its own browser context (its own cookies), so two accounts can be signed in at once.
 *
 * A test file calls `startConsole()` in `before` and `stop()` in `after`.
 * KILN_CONSOLE_SCREENSHOTS=1 makes `screenshot()` write docs/console/<name>.png, the README's pictures.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Dialog, type Page } from 'playwright-core';
import { KilnProcess } from './kiln-process.ts';

export const CHROMIUM = process.env.KILN_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../docs/console');

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

/** A signed-in browser tab of one account, with every dialog it raised (there should be none). */
export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  dialogs: Dialog[];
}

export class ConsoleHarness {
  private constructor(
    readonly kiln: KilnProcess,
    readonly browser: Browser,
  ) {}

  /** Starts `kiln serve` (with `env` over the test defaults) and Chromium. */
  static async start(env: Record<string, string> = {}): Promise<ConsoleHarness> {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set KILN_TEST_CHROMIUM`);
    const kiln = await KilnProcess.start(env);
    try {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // Chromium's sandbox refuses to start as root, which CI containers are.
        args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
      });
      return new ConsoleHarness(kiln, browser);
    } catch (e) {
      await kiln.stop();
      throw e;
    }
  }

  get baseUrl(): string {
    return this.kiln.baseUrl;
  }

  /** The admin key pair `kiln serve` wrote at first start. */
  adminKeys(): Promise<KeyPair> {
    return this.kiln.credentials();
  }

  /** A new account with its own key pair, made with the admin CLI. */
  async newAccount(name: string): Promise<KeyPair> {
    const out = await this.kiln.cli(['account', 'create', name, '--json']);
    const parsed = JSON.parse(out) as KeyPair;
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
  }

  /** A fresh browser context (no cookies) with a tab on the sign-in page. */
  async newTab(): Promise<ConsoleTab> {
    const context = await this.browser.newContext({ baseURL: this.baseUrl, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const dialogs: Dialog[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d);
      void d.dismiss();
    });
    return { context, page, dialogs };
  }

  /** Signs in with a key pair through the form, as a person would; lands on the image list. */
  async signIn(keys: KeyPair, tab?: ConsoleTab): Promise<ConsoleTab> {
    const t = tab ?? (await this.newTab());
    await t.page.goto('/console/sign-in');
    await t.page.getByLabel('Public key').fill(keys.publicKey);
    await t.page.getByLabel('Private key').fill(keys.privateKey);
    await t.page.getByRole('button', { name: 'Sign in' }).click();
    await t.page.waitForURL(/\/console\/uhost\/images/);
    return t;
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => {});
    await this.kiln.stop();
  }
}

/** Writes docs/console/<name>.png when KILN_CONSOLE_SCREENSHOTS=1 (README pictures); otherwise nothing. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.KILN_CONSOLE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
