import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { findChromium } from '@litesession/test-runner-tools';
import type { ChatEvent } from './chat-client';
import { ROOT } from './app-process';

/** Where the browser test keeps its screenshots (git-ignored with the rest of test-results/). */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'browser');

/** Headless Chromium as a CI container allows it: no sandbox (root), no GPU, nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/**
 * Debian's Chromium (`apt-get install chromium`), or CHROMIUM_PATH. No browser is ever downloaded.
 * @throws Error naming the install command when there is none; the browser test then fails, never skips.
 */
export function chromiumExecutable(): string {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv && !existsSync(fromEnv)) {
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist`);
  }
  const found = findChromium();
  if (found) return found;
  throw new Error(
    'Chromium is not installed, so the browser test cannot run. Install it with `apt-get install -y chromium` ' +
      '(npm test tries that itself when it runs as root), or set CHROMIUM_PATH to a Chromium executable.',
  );
}

/** Builds the demo page (apps/demo/build.ts) into `tmp/<name>` and returns that folder. */
export async function buildDemo(name = 'e2e-demo'): Promise<string> {
  const out = path.join(ROOT, 'tmp', name);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/demo/build.ts', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0 || !existsSync(path.join(out, 'index.html'))) {
    throw new Error(`the demo build failed (exit ${code}):\n${output.join('')}`);
  }
  return out;
}

/** One headless Chromium with a fresh profile, deleted on close. */
export class ChromiumSession {
  private constructor(
    private readonly context: BrowserContext,
    private readonly userDataDir: string,
  ) {}

  static async launch(): Promise<ChromiumSession> {
    const executablePath = chromiumExecutable();
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'litesession-chromium-'));
    try {
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1100, height: 760 },
        timeout: 60_000,
      });
      return new ChromiumSession(context, userDataDir);
    } catch (error) {
      rmSync(userDataDir, { recursive: true, force: true });
      throw error;
    }
  }

  async newPage(): Promise<DemoPage> {
    return new DemoPage(await this.context.newPage());
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

/** The demo page (apps/demo) as a person sees it, read through its `data-testid` attributes. */
export class DemoPage {
  /** The page's console errors and uncaught exceptions, for failure messages. */
  readonly problems: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
  }

  async open(url: string): Promise<void> {
    const response = await this.page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`GET ${url} answered ${response?.status()}`);
  }

  /** Waits until the status pill says connected to `node`. */
  async waitConnectedTo(node: string, timeoutMs = 30_000): Promise<void> {
    const selector = `[data-testid="connection-status"][data-state="connected"][data-node="${node}"]`;
    await this.page.waitForSelector(selector, { timeout: timeoutMs });
  }

  /** Types into the send box and presses the send button. */
  async send(text: string): Promise<void> {
    await this.page.getByTestId('prompt').fill(text);
    await this.page.getByTestId('send-button').click();
  }

  /**
   * The text of the newest assistant bubble, as rendered (the reply is Markdown, so the text of its
   * paragraphs, without the source's trailing space).
   */
  async replyText(): Promise<string> {
    return ((await this.page.getByTestId('assistant-text').last().textContent()) ?? '').trim();
  }

  /** `data-status` of the newest assistant bubble: queued, streaming, completed, failed or cancelled. */
  async replyStatus(): Promise<string | null> {
    return this.page.getByTestId('assistant-message').last().getAttribute('data-status');
  }

  /** Waits until the newest reply shows at least `count` words. */
  async waitForReplyWords(count: number, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.replyText();
      if (words(text).length >= count) return text;
      if (Date.now() > deadline) throw new Error(`the reply did not reach ${count} words: "${text}"`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async waitForReplyStatus(status: string, timeoutMs = 60_000): Promise<void> {
    const selector = `[data-testid="assistant-message"][data-status="${status}"]`;
    await this.page.waitForSelector(selector, { timeout: timeoutMs });
  }

  /** The text of an element, by `data-testid` (the last one if several). */
  async text(testId: string): Promise<string> {
    return (await this.page.getByTestId(testId).last().textContent()) ?? '';
  }

  async attribute(testId: string, name: string): Promise<string | null> {
    return this.page.getByTestId(testId).last().getAttribute(name);
  }

  /** Every session event the page received (`window.__litesession.events`, see apps/demo/README.md). */
  async events(): Promise<ChatEvent[]> {
    return (await this.page.evaluate('window.__litesession.events')) as ChatEvent[];
  }

  /** Saves a full-page PNG under test-results/browser/ and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}

/** The words of a text, split on white space. */
export function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
