import type { Db } from '../db/db.js';
import { safeHttpUrl } from '../mail/html.js';
import { finishedMessagesOf } from '../conversations/read-models.js';

/** Who wrote a transcript line: the visitor, the AI assistant, or a staff member after a handoff. */
export type Speaker = 'customer' | 'assistant' | 'staff';

export interface TranscriptSource {
  title: string;
  url: string | undefined;
}

export interface TranscriptEntry {
  speaker: Speaker;
  text: string;
  sources: TranscriptSource[];
  at: Date;
}


/** The session's finished messages in order; answers still streaming or left empty are not part of it. */
export async function loadTranscript(db: Db, tenantId: string, sessionId: string): Promise<TranscriptEntry[]> {
  const rows = await finishedMessagesOf(db, tenantId, sessionId);
  return rows.map((r) => ({
    speaker: r.role === 'user' ? 'customer' : r.author === 'human' ? 'staff' : 'assistant',
    text: r.text,
    sources: (r.sources ?? []).map((s) => ({
      title: typeof s.title === 'string' && s.title ? s.title : 'Source',
      // Only http(s) links survive into a mail, in either body.
      url: typeof s.url === 'string' ? safeHttpUrl(s.url) : undefined,
    })),
    at: r.createdAt,
  }));
}

/**
 * The transcript as plain text: the text mail's body and the model's input. `customerLabel` names
 * the visitor: "You" in the customer's own mail, "Customer" for the tenant and the model.
 */
export function transcriptAsText(entries: readonly TranscriptEntry[], tenantName: string, customerLabel = 'You'): string {
  return entries
    .map((e) => {
      const sources = e.sources.map((s) => {
        const url = safeHttpUrl(s.url);
        return `  - ${s.title}${url ? ` <${url}>` : ''}`;
      });
      return [`${speakerName(e.speaker, tenantName, customerLabel)}: ${e.text.trim()}`, ...(sources.length ? ['  Sources:', ...sources] : [])].join('\n');
    })
    .join('\n\n');
}

export function speakerName(speaker: Speaker, tenantName: string, customerLabel = 'You'): string {
  switch (speaker) {
    case 'customer':
      return customerLabel;
    case 'assistant':
      return `${tenantName} assistant`;
    case 'staff':
      return `${tenantName} team`;
  }
}
