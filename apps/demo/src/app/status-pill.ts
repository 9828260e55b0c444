import type { ConnectionState } from '@litesession/client';
import { el } from './dom';

const LABELS: Record<ConnectionState['status'], string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

/**
 * Renders the connection state into the status pill: a coloured dot, the state and the gateway node
 * serving the session, and whether that node reaches the broker. `data-state`, `data-node` and
 * `data-broker` carry the same for styles and tests.
 */
export function renderStatus(pill: HTMLElement, state: ConnectionState): void {
  pill.dataset['state'] = state.status;
  if (state.node && state.status === 'connected') pill.dataset['node'] = state.node;
  else delete pill.dataset['node'];
  const waitingForBroker = state.status === 'connected' && state.broker === 'unavailable';
  if (waitingForBroker) pill.dataset['broker'] = 'unavailable';
  else delete pill.dataset['broker'];
  const label = waitingForBroker
    ? 'Connected · broker unavailable, the reply resumes when it is back'
    : state.status === 'reconnecting' && state.attempt > 1
      ? `Reconnecting… (attempt ${state.attempt})`
      : LABELS[state.status];
  const parts: Node[] = [el('span', 'status-dot'), el('span', 'status-text', label)];
  if (state.status === 'connected' && state.node) {
    const node = el('span', 'status-node', state.node);
    node.dataset['testid'] = 'connection-node';
    node.title = state.url ? `gateway node ${state.node} at ${state.url}` : `gateway node ${state.node}`;
    parts.push(node);
  }
  pill.replaceChildren(...parts);
  pill.title = state.sessionId ? `session ${state.sessionId}` : '';
}
