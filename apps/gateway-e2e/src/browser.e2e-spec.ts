/**
 * The demo page (apps/demo) in headless Chromium, as a person uses it: Chromium → the page served by
 * gateway A → @litesession/client over Socket.IO → two gateway processes → RocketMQ 5.5 → one LLM scheduler
 * (simulated model, ~3 s per reply). Gateway A dies (SIGKILL) while the reply streams; the page must fall
 * over to gateway B and end with the whole reply, once. Replies are rendered as Markdown, and a reply
 * quoting hostile HTML runs none of it.
 *
 * Needs Debian's Chromium (`apt-get install -y chromium`, which `npm test` runs itself as root); without
 * it this test fails with that message, it never skips.
 */
import { recordMeasurement } from '@litesession/rocketmq/testing';
import { ChromiumSession, buildDemo, type DemoPage, words } from './support/browser';
import { expectGapless, expectTokensMatchReply } from './support/chat-client';
import { GatewayProcess } from './support/gateway-process';
import { SchedulerProcess } from './support/scheduler-process';

describe('the demo page in a browser', () => {
  let nodeA: GatewayProcess | undefined;
  let nodeB: GatewayProcess | undefined;
  let scheduler: SchedulerProcess | undefined;
  let browser: ChromiumSession | undefined;
  let page: DemoPage | undefined;

  beforeAll(async () => {
    // Chromium first: a machine without it fails here, with the install command, before anything starts.
    browser = await ChromiumSession.launch();
    // The demo page runs in anonymous mode, as `npm start` runs it (docs/security.md).
    const demo = { DEMO_DIR: await buildDemo(), AUTH_MODE: 'anonymous' };
    [nodeA, nodeB, scheduler] = await Promise.all([
      GatewayProcess.start('node-a', demo),
      GatewayProcess.start('node-b', demo),
      SchedulerProcess.start('sched-browser'),
    ]);
  });

  afterEach(() => {
    if (page && page.problems.length > 0)
      process.stderr.write(`page problems:\n${page.problems.join('\n')}\n`);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([nodeA?.stop(), nodeB?.stop(), scheduler?.stop()]);
  });

  it('SIGKILL of the node serving the page mid-reply: the page shows the whole reply, once, from the other node', async () => {
    const [a, b] = [nodeA as GatewayProcess, nodeB as GatewayProcess];
    page = await (browser as ChromiumSession).newPage();
    // The page connects to its own origin (A) and falls over to the gateways listed in ?gateways= (B).
    await page.open(`${a.url}/?gateways=${encodeURIComponent(b.url)}`);
    await page.waitConnectedTo('node-a');

    await page.send('tell me a story');
    const beforeKill = await page.waitForReplyWords(8);
    expect(await page.replyStatus()).toBe('streaming');
    await a.stop('SIGKILL');
    const killedAt = Date.now();

    await page.waitConnectedTo('node-b');
    const reconnectMs = Date.now() - killedAt;
    await page.waitForReplyStatus('completed');
    const shown = await page.replyText();
    const events = await page.events();
    const completed = events.findLast((e) => e.type === 'turn.completed');
    recordMeasurement('e2e.browser.gateway-sigkill', {
      wordsBeforeKill: words(beforeKill).length,
      msToReconnect: reconnectMs,
      msToCompleted: Date.now() - killedAt,
    });

    // The page shows exactly the turn's reply: what the log says it was, nothing doubled or lost.
    expect(completed?.text).toBeDefined();
    expect(shown).toBe(completed?.text?.trim());
    expect(shown.startsWith('[turn 1] This is your first message.')).toBe(true);
    expect(shown.startsWith(beforeKill)).toBe(true);
    expect(words(shown)).toHaveLength(60); // SIM_REPLY_TOKENS words, one per token
    expect(words(shown).filter((word, i, all) => i > 0 && word === all[i - 1])).toEqual([]);
    expectGapless(events);
    expectTokensMatchReply(events, completed?.turnId as string);

    // And it says where it is now.
    expect(await page.attribute('connection-status', 'data-state')).toBe('connected');
    expect(await page.text('connection-node')).toBe('node-b');
    expect(await page.text('turn-nodes')).toBe('via node-a → node-b');

    const screenshot = await page.screenshot('gateway-sigkill-finished');
    process.stdout.write(`screenshot of the finished page: ${screenshot}\n`);
  });

  it('renders a reply as Markdown and runs none of the HTML it quotes', async () => {
    const b = nodeB as GatewayProcess; // node A died in the test above
    const xss = await (browser as ChromiumSession).newPage();
    await xss.open(b.url);
    await xss.waitConnectedTo('node-b');
    // The simulated model quotes the previous message in its next reply: the page renders it as Markdown.
    const hostile =
      '<img src="x" onerror="window.__pwned = 1"><script>window.__pwned = 2</script>' +
      '**bold** [link](javascript:window.__pwned=3)';
    await xss.send(hostile);
    await xss.waitForReplyStatus('completed');
    await xss.send('and now?');
    const replies = xss.page.locator('[data-testid="assistant-message"][data-status="completed"]');
    await replies.nth(1).waitFor({ timeout: 60_000 });
    const reply = replies.nth(1).getByTestId('assistant-text');

    expect(await reply.locator('strong').textContent()).toBe('bold');
    expect(await reply.locator('[onerror], script, a[href^="javascript"]').count()).toBe(0);
    expect(await reply.locator('a').getAttribute('rel')).toBe('noopener noreferrer');
    // The quote was on the page for the rest of the reply: a handler left in place would have run by now.
    expect(await xss.page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    // What the user typed is shown as typed, not rendered.
    expect(await xss.page.getByTestId('user-message').first().textContent()).toBe(hostile);
    expect((await reply.textContent())?.startsWith('[turn 2] Before this you said: "bold link')).toBe(true);
  });
});
