import { describe, expect, it } from 'vitest';
import {
  citationFromSourceChunk,
  citationToSourceChunk,
  defaultTheme,
  isSafeLink,
  sendMessageRequestSchema,
  sourceDocumentChunkSchema,
  sourceUrlChunkSchema,
  themeOverrideSchema,
  uiStreamChunkSchema,
  widgetBootConfigSchema,
  LIMITS,
} from '../src/index.js';

describe('sendMessageRequestSchema', () => {
  it('accepts Prex bodies and trims the text', () => {
    expect(sendMessageRequestSchema.parse({ text: '  How do refunds work? ' })).toEqual({ text: 'How do refunds work?' });
  });

  it('takes the last user message of an AI SDK useChat body', () => {
    const body = {
      id: 'chat-1',
      trigger: 'submit-message',
      messages: [
        { id: 'a', role: 'user', parts: [{ type: 'text', text: 'first' }] },
        { id: 'b', role: 'assistant', parts: [{ type: 'text', text: 'reply' }] },
        { id: 'c', role: 'user', parts: [{ type: 'text', text: 'How do ' }, { type: 'text', text: 'refunds work?' }] },
      ],
    };
    expect(sendMessageRequestSchema.parse(body)).toEqual({ text: 'How do refunds work?', chatId: 'chat-1' });
  });

  it('marks a regenerate, with the message the SDK named when it named one', () => {
    const messages = [{ id: 'a', role: 'user', parts: [{ type: 'text', text: 'Again?' }] }];
    expect(sendMessageRequestSchema.parse({ id: 'c', messages, trigger: 'regenerate-message', messageId: 'msg_1' })).toEqual({
      text: 'Again?',
      chatId: 'c',
      regenerate: { messageId: 'msg_1' },
    });
    expect(sendMessageRequestSchema.parse({ id: 'c', messages, trigger: 'regenerate-message' })).toEqual({ text: 'Again?', chatId: 'c', regenerate: {} });
  });

  it.each<[unknown, string]>([
    [{}, 'no text'],
    [{ text: '' }, 'empty'],
    [{ text: '   ' }, 'blank'],
    [{ text: 42 }, 'wrong type'],
    [{ text: 'x'.repeat(LIMITS.maxMessageChars + 1) }, 'too long'],
    [{ text: 'hi', extra: true }, 'unknown field'],
    [{ messages: [] }, 'empty AI SDK conversation'],
    [{ messages: [{ role: 'assistant', parts: [{ type: 'text', text: 'x' }] }] }, 'last message not the user'],
    [{ messages: [{ role: 'user', parts: [{ type: 'file', mediaType: 'image/png', url: 'data:,' }, { type: 'text', text: 'x' }] }] }, 'a file part'],
    [{ id: 'msg_abc', messages: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }] }, 'a chat id shaped like a message id'],
    [{ id: 'a b', messages: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }] }, 'a chat id with a space'],
    [{ id: 'x'.repeat(101), messages: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }] }, 'a chat id too long'],
    [{ messages: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }], trigger: 'resume' }, 'an unknown trigger'],
  ])('rejects %j (%s)', (body, _why) => {
    expect(sendMessageRequestSchema.safeParse(body).success).toBe(false);
  });
});

describe('stream chunks', () => {
  it('round-trips citations through AI SDK source chunks', () => {
    const withUrl = { sourceId: 'c1', documentId: 'd1', title: 'Refunds', url: 'https://help.example/refunds', section: 'Billing › Refunds', snippet: 'Refunds take 5 days.' };
    const chunk = citationToSourceChunk(withUrl);
    expect(sourceUrlChunkSchema.parse(chunk)).toBeTruthy();
    expect(citationFromSourceChunk(chunk)).toEqual(withUrl);

    const withoutUrl = { sourceId: 'c2', documentId: 'd2', title: 'Plans', snippet: 'Three plans.' };
    const docChunk = citationToSourceChunk(withoutUrl);
    expect(sourceDocumentChunkSchema.parse(docChunk)).toBeTruthy();
    expect(citationFromSourceChunk(docChunk)).toEqual({ ...withoutUrl, url: undefined, section: undefined });
  });

  it('rejects chunks of unknown type', () => {
    expect(uiStreamChunkSchema.safeParse({ type: 'text-delta', id: 't', delta: 'hi' }).success).toBe(true);
    expect(uiStreamChunkSchema.safeParse({ type: 'tool-call', id: 't' }).success).toBe(false);
  });

  it('only treats http(s) links as safe', () => {
    expect(isSafeLink('https://x.example')).toBe(true);
    expect(isSafeLink('javascript:alert(1)')).toBe(false);
    expect(isSafeLink('data:text/html,hi')).toBe(false);
  });
});

describe('config', () => {
  it('completes a partial theme with defaults and refuses bad colors', () => {
    expect(defaultTheme.position).toBe('right');
    expect(themeOverrideSchema.safeParse({ accentColor: 'red' }).success).toBe(false);
  });

  it('validates the boot config a host page passes', () => {
    const ok = widgetBootConfigSchema.parse({ publishableKey: 'pk_demo_northwind', apiBase: 'http://127.0.0.1:8787' });
    expect(ok.prefetch).toBe('none');
    expect(widgetBootConfigSchema.safeParse({ publishableKey: 'sk_secret', apiBase: 'http://x' }).success).toBe(false);
    expect(widgetBootConfigSchema.safeParse({ publishableKey: 'pk_demo_northwind', apiBase: 'javascript:1' }).success).toBe(false);
  });
});
