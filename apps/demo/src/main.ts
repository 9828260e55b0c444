/**
 * The LiteSession demo page: a chat on `@litesession/client`, served by the gateway at `/`. It connects to
 * its own origin (and to the gateways of `?gateways=`, see gateway-urls.ts), shows the reply as it
 * streams, the node serving it and the connection state, and can drop its connection on purpose.
 */
import { ChatApp, type DemoHooks } from './app/chat-app';
import { gatewayUrls } from './app/gateway-urls';

declare global {
  interface Window {
    /** The page's session as data, for the browser e2e test (apps/demo/README.md). */
    __litesession?: DemoHooks;
  }
}

const app = new ChatApp(gatewayUrls(window.location));
window.__litesession = app.hooks;
app.start();
