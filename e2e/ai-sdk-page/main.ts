/**
 * A tiny host app that talks to Prex with the Vercel AI SDK's own useChat (no Prex code on the
 * page): what docs/ai-sdk.md shows. The chat id comes from `?chat=`; the session token is kept in
 * localStorage so a reload is the same visitor (and resumes the chat's running answer).
 */
import { createElement as h, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, type UIMessage } from 'ai';

const api = document.body.dataset.api!;
const key = document.body.dataset.key!;
const TOKEN_KEY = 'ai-sdk-page:token';

/** A Prex session token for this browser: created once, then reused. */
async function sessionToken(): Promise<string> {
  const kept = localStorage.getItem(TOKEN_KEY);
  if (kept) return kept;
  const res = await fetch(`${api}/v1/sessions`, { method: 'POST', headers: { 'x-prex-key': key } });
  if (!res.ok) throw new Error(`POST /v1/sessions → ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  localStorage.setItem(TOKEN_KEY, token);
  return token;
}

const textOf = (message: UIMessage) => message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

function Chat({ chatId, token }: { chatId: string; token: string }) {
  const [input, setInput] = useState('');
  const { messages, sendMessage, regenerate, status, error } = useChat({
    id: chatId,
    resume: true,
    transport: new DefaultChatTransport({
      api: `${api}/v1/chat`,
      headers: { 'x-prex-key': key, authorization: `Bearer ${token}` },
    }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void sendMessage({ text: input });
    setInput('');
  };
  return h(
    'section',
    null,
    h('p', { 'data-testid': 'status' }, status),
    h('p', { 'data-testid': 'error' }, error ? error.message : ''),
    h(
      'ol',
      null,
      messages.map((message) => h('li', { key: message.id, 'data-role': message.role }, textOf(message))),
    ),
    h(
      'form',
      { onSubmit: submit },
      h('label', null, 'Question ', h('input', { value: input, onChange: (e: { target: HTMLInputElement }) => setInput(e.target.value) })),
      h('button', { type: 'submit' }, 'Send'),
      h('button', { type: 'button', onClick: () => void regenerate() }, 'Regenerate'),
    ),
  );
}

const chatId = new URLSearchParams(location.search).get('chat') ?? 'first-chat';
void sessionToken().then((token) => {
  createRoot(document.getElementById('root')!).render(h(Chat, { chatId, token }));
});
