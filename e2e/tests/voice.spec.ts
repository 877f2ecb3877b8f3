import { expect, test } from '@playwright/test';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { chromiumArgs } from '../playwright.config.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

/**
 * Voice messages transcribed on the server: Chromium's fake microphone (a steady tone) is recorded
 * with MediaRecorder, uploaded to the real backend, which sends it with the `openai` client to a
 * loopback /audio/transcriptions endpoint; the transcript lands in the composer, is edited, and sent.
 */

test.use({
  launchOptions: {
    executablePath: process.env.PREX_CHROMIUM ?? '/usr/bin/chromium',
    args: [...chromiumArgs, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  },
});

const TRANSCRIPT = 'How do I get a refund?';

test.describe('with a transcription endpoint', () => {
  let stack: Stack;
  let speech: OpenAICompatibleServer;
  test.beforeAll(async () => {
    speech = await startOpenAICompatibleServer({ transcribe: { text: TRANSCRIPT, seconds: 2 } });
    stack = await startStack({ env: { PREX_TRANSCRIPTION_MODEL: 'whisper-1', PREX_TRANSCRIPTION_BASE_URL: speech.url } });
  });
  test.afterAll(async () => {
    await stack?.close();
    await speech?.close();
  });

  test('the tenant prefers server transcription: the microphone records, uploads, and the edited transcript is sent', async ({ page }) => {
    await stack.admin('PATCH', '/v1/admin/tenant', { voiceInput: 'server' });
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await widget.open();

    const mic = page.getByTestId('prex-voice');
    const status = page.getByTestId('prex-voice-status');
    await mic.click();
    // The limit is stated while recording; a second of sound is recorded before it is stopped.
    await expect(status).toContainText('voice messages up to 1:00');
    await expect(status).toContainText('Recording 0:01 of 1:00');
    await expect(mic).toHaveAttribute('aria-pressed', 'true');
    await mic.click();

    await expect(widget.input).toHaveValue(TRANSCRIPT);
    await expect(status).toHaveCount(0);
    await expect(mic).toHaveAttribute('aria-pressed', 'false');
    const upload = speech.transcriptions.at(-1)!;
    expect(upload).toMatchObject({ model: 'whisper-1', language: 'en', type: 'audio/webm' });
    expect(upload.audio.length).toBeGreaterThan(100);
    expect(upload.audio.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // a WebM (EBML) file

    // Editable before sending.
    await widget.input.fill(`${TRANSCRIPT} It was order 1042.`);
    await widget.input.press('Enter');
    await expect(widget.messages('user').last()).toContainText(`${TRANSCRIPT} It was order 1042.`);
    await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
    await stack.admin('PATCH', '/v1/admin/tenant', { voiceInput: 'browser' });
  });

  test('a browser without speech recognition records a voice message; the server refusing it says why', async ({ page }) => {
    await page.addInitScript(() => {
      delete (window as { webkitSpeechRecognition?: unknown }).webkitSpeechRecognition;
      delete (window as { SpeechRecognition?: unknown }).SpeechRecognition;
    });
    speech.transcribeWith({ text: '  ' });
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await widget.open();
    const mic = page.getByTestId('prex-voice');
    const status = page.getByTestId('prex-voice-status');
    await mic.click();
    await expect(status).toContainText('Recording 0:01');
    await mic.click();
    await expect(status).toContainText('No words were heard');
    await expect(widget.input).toHaveValue('');

    speech.transcribeWith({ text: 'Do you ship to Norway?' });
    await widget.input.fill('Hello.');
    await mic.click();
    await expect(status).toContainText('Recording 0:01');
    await mic.click();
    await expect(widget.input).toHaveValue('Hello. Do you ship to Norway?');
  });
});

test.describe('without a transcription endpoint', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.close();
  });

  test('a browser without speech recognition shows no microphone', async ({ page }) => {
    await page.addInitScript(() => {
      delete (window as { webkitSpeechRecognition?: unknown }).webkitSpeechRecognition;
      delete (window as { SpeechRecognition?: unknown }).SpeechRecognition;
    });
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await widget.open();
    await expect(widget.input).toBeVisible();
    await expect(page.getByTestId('prex-send')).toBeVisible();
    await expect(page.getByTestId('prex-voice')).toHaveCount(0);
  });
});
