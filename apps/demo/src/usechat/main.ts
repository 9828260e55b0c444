/**
 * A second demo page, built on the AI SDK's `useChat` (`@ai-sdk/react`), served by every gateway at
 * `/usechat.html`. `?transport=endpoint` (default) uses the SDK's own DefaultChatTransport against the
 * gateways' `/v1/ai/chat`; `?transport=client` uses LiteSessionChatTransport over @litesession/client.
 * `?gateways=` lists more gateways to fall over to, as on the main demo; `?session=&resumeToken=` continues
 * a session the app created (endpoint mode). When the stream breaks (its node
 * died), the page asks the SDK to resume it, which replays the reply from the next gateway.
 */
import { createElement as h, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import type { UIMessage } from 'ai';
import { gatewayUrls } from '../app/gateway-urls';
import { clientBackend, endpointBackend, type ChatBackend } from './chat-transports';

const textOf = (message: UIMessage) =>
  message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

function Chat({ backend }: { backend: ChatBackend }) {
  const { messages, sendMessage, status, resumeStream } = useChat({
    id: backend.sessionId,
    transport: backend.transport,
    resume: true,
  });
  const [draft, setDraft] = useState('');
  // A stream cut by a dead node ends in 'error'; the turn goes on in the session's log, so resume it.
  useEffect(() => {
    if (status !== 'error') return;
    const retry = setTimeout(() => void resumeStream(), 300);
    return () => clearTimeout(retry);
  }, [status, resumeStream]);
  return h(
    'section',
    { className: 'usechat' },
    h('p', { id: 'transport' }, backend.label),
    h('p', { id: 'session', 'data-session': backend.sessionId }, `session ${backend.sessionId}`),
    h('p', { id: 'status', 'data-status': status }, status),
    h(
      'ol',
      { id: 'messages' },
      messages.map((message) =>
        h('li', { key: message.id, 'data-role': message.role, 'data-id': message.id }, textOf(message)),
      ),
    ),
    h(
      'form',
      {
        onSubmit: (event: { preventDefault(): void }) => {
          event.preventDefault();
          if (draft.trim() === '') return;
          void sendMessage({ text: draft });
          setDraft('');
        },
      },
      h('input', {
        id: 'draft',
        value: draft,
        onChange: (event: { target: { value: string } }) => setDraft(event.target.value),
        placeholder: 'Ask something',
      }),
      h(
        'button',
        { id: 'send', type: 'submit', disabled: status === 'streaming' || status === 'submitted' },
        'Send',
      ),
    ),
  );
}

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root') as HTMLElement);
  const gateways = gatewayUrls(window.location);
  const query = new URLSearchParams(window.location.search);
  const [sessionId, resumeToken] = [query.get('session'), query.get('resumeToken')];
  const given = sessionId && resumeToken ? { sessionId, resumeToken } : undefined;
  try {
    const backend = await (query.get('transport') === 'client'
      ? clientBackend(gateways)
      : endpointBackend(gateways, given));
    root.render(h(Chat, { backend }));
  } catch (error) {
    root.render(h('p', { id: 'status', 'data-status': 'failed' }, `Could not start: ${String(error)}`));
  }
}

void start();
