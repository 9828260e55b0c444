/**
 * The useChat demo page (apps/demo/src/usechat) in headless Chromium, both ways of using the AI SDK:
 * `@ai-sdk/react`'s useChat → DefaultChatTransport → the gateways' /v1/ai/chat, and useChat →
 * LiteSessionChatTransport → @litesession/client over Socket.IO. Each time the gateway that serves the
 * reply dies (SIGKILL) mid-reply; the SDK's chat state must end with the log's whole reply: no text twice,
 * no lost tail.
 *
 * Needs Debian's Chromium, like browser.e2e-spec.ts; without it this test fails with the install command.
 */
import { ChromiumSession, buildDemo, type DemoPage, words } from './support/browser';
import { GatewayProcess } from './support/gateway-process';
import { SchedulerProcess } from './support/scheduler-process';
import { completedText, type SessionRef } from './support/session-log';

/** In the page: the chat is ready again and its last assistant message has the reply's 60 words. */
const REPLY_SETTLED = `(() => {
  const state = document.querySelector('#status')?.getAttribute('data-status');
  const replies = document.querySelectorAll('#messages li[data-role="assistant"]');
  const reply = replies.length > 0 ? replies[replies.length - 1].textContent ?? '' : '';
  return state === 'ready' && reply.split(/\\s+/).filter(Boolean).length >= 60;
})()`;

/** In the page: the `{ sessionId, resumeToken }` that @litesession/client keeps in localStorage. */
const STORED_SESSION = `(() => {
  for (let i = 0; i < localStorage.length; i += 1) {
    try {
      const value = JSON.parse(localStorage.getItem(localStorage.key(i) ?? '') ?? '');
      if (typeof value?.sessionId === 'string' && typeof value?.resumeToken === 'string') return value;
    } catch {}
  }
  return null;
})()`;

describe('useChat in a browser, across a SIGKILL of the serving gateway', () => {
  let demoDir: string;
  let stable: GatewayProcess | undefined;
  let scheduler: SchedulerProcess | undefined;
  let browser: ChromiumSession | undefined;
  const extra: GatewayProcess[] = [];
  let page: DemoPage | undefined;

  // The page's origin is the gateway that dies; it calls the other one cross-origin (CORS).
  const pageEnv = () => ({ DEMO_DIR: demoDir, AUTH_MODE: 'anonymous', CORS_ORIGINS: '*' });

  beforeAll(async () => {
    browser = await ChromiumSession.launch();
    demoDir = await buildDemo('e2e-usechat');
    [stable, scheduler] = await Promise.all([
      GatewayProcess.start('node-b', pageEnv()),
      SchedulerProcess.start('sched-usechat'),
    ]);
  });

  afterEach(async () => {
    if (page && page.problems.length > 0)
      process.stderr.write(`page problems:\n${page.problems.join('\n')}\n`);
    await page?.page.close().catch(() => undefined);
    page = undefined;
    await Promise.all(extra.splice(0).map((node) => node.stop('SIGKILL').catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([stable?.stop(), scheduler?.stop()]);
  });

  const assistantText = async (demo: DemoPage) =>
    (await demo.page.locator('#messages li[data-role="assistant"]').last().textContent()) ?? '';

  const status = (demo: DemoPage) => demo.page.locator('#status').getAttribute('data-status');

  async function chatThroughAKill(transport: 'endpoint' | 'client') {
    const killed = await GatewayProcess.start(`node-k-${transport}`, pageEnv());
    extra.push(killed);
    const s = stable as GatewayProcess;
    let session: SessionRef | undefined;
    let query = `transport=${transport}&gateways=${encodeURIComponent(s.url)}`;
    if (transport === 'endpoint') {
      // The app made the session (as the README shows); the test keeps its token to read the log.
      session = (await (await fetch(`${killed.url}/v1/sessions`, { method: 'POST' })).json()) as SessionRef;
      query += `&session=${session.sessionId}&resumeToken=${encodeURIComponent(session.resumeToken)}`;
    }
    page = await (browser as ChromiumSession).newPage();
    const demo = page;
    await demo.open(`${killed.url}/usechat.html?${query}`);
    await demo.page.waitForSelector('#status[data-status="ready"]', { timeout: 30_000 });
    if (!session) session = await storedSession(demo);

    await demo.page.locator('#draft').fill('tell me a story');
    await demo.page.locator('#send').click();
    const deadline = Date.now() + 60_000;
    while (words(await assistantText(demo)).length < 8) {
      if (Date.now() > deadline) throw new Error('no reply words within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const beforeKill = await assistantText(demo);
    await killed.stop('SIGKILL');

    // The SDK's chat ends ready again, with one assistant message holding the whole reply.
    await demo.page.waitForFunction(REPLY_SETTLED, undefined, { timeout: 90_000, polling: 100 });
    const shown = await assistantText(demo);
    expect(await status(demo)).toBe('ready');
    expect(await demo.page.locator('#messages li[data-role="assistant"]').count()).toBe(1);
    expect(shown).toBe(await completedText((stable as GatewayProcess).url, session));
    expect(shown.startsWith(beforeKill.trimEnd())).toBe(true);
    expect(words(shown)).toHaveLength(60); // SIM_REPLY_TOKENS words, one per token
    expect(words(shown).filter((word, i, all) => i > 0 && word === all[i - 1])).toEqual([]);
  }

  /** The session @litesession/client stored in the page's localStorage. */
  async function storedSession(demo: DemoPage): Promise<SessionRef> {
    const found = (await demo.page.evaluate(STORED_SESSION)) as SessionRef | null;
    if (!found) throw new Error('the page stored no session');
    return found as SessionRef;
  }

  it('DefaultChatTransport → /v1/ai/chat: resumeStream on the other node rebuilds the whole reply', async () => {
    await chatThroughAKill('endpoint');
  });

  it('LiteSessionChatTransport → @litesession/client: the client fails over and the stream goes on', async () => {
    await chatThroughAKill('client');
  });
});
