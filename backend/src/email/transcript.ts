import type { Db } from '../db/db.js';
import { safeHttpUrl } from '../mail/html.js';
import { finishedMessagesOf } from '../conversations/read-models.js';

/** Who wrote a transcript line: the visitor, the AI assistant, or a staff member after a handoff. */
export type Speaker = 'customer' | 'assistant' | 'staff';

export interface TranscriptSource {
  title: string;
  url: string | undefined;
}

/** A file on a transcript line: named (never linked: a mail outlives the session that may fetch it). */
export interface TranscriptFile {
  name: string;
  size: number;
}

export interface TranscriptEntry {
  speaker: Speaker;
  /** The staff member's display name on a signed staff reply. */
  name?: string | undefined;
  text: string;
  sources: TranscriptSource[];
  files: TranscriptFile[];
  at: Date;
}


/** The session's finished messages in order; answers still streaming or left empty are not part of it. */
export async function loadTranscript(db: Db, tenantId: string, sessionId: string): Promise<TranscriptEntry[]> {
  const rows = await finishedMessagesOf(db, tenantId, sessionId);
  return rows.map((r) => ({
    speaker: r.role === 'user' ? 'customer' : r.author === 'human' ? 'staff' : 'assistant',
    ...(r.role === 'assistant' && r.author === 'human' && r.authorName ? { name: r.authorName } : {}),
    text: r.text,
    sources: (r.sources ?? []).map((s) => ({
      title: typeof s.title === 'string' && s.title ? s.title : 'Source',
      // Only http(s) links survive into a mail, in either body.
      url: typeof s.url === 'string' ? safeHttpUrl(s.url) : undefined,
    })),
    files: r.attachments.map((a) => ({ name: a.name, size: a.size })),
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
      const files = e.files.map((f) => `  [Attached: ${fileLabel(f)}]`);
      const line = `${speakerName(e, tenantName, customerLabel)}:${e.text.trim() ? ` ${e.text.trim()}` : ''}`;
      return [line, ...files, ...(sources.length ? ['  Sources:', ...sources] : [])].join('\n');
    })
    .join('\n\n');
}

/** Who wrote the line, as the mail names them: a signed staff reply by the staff member's name. */
export function speakerName(entry: Pick<TranscriptEntry, 'speaker' | 'name'>, tenantName: string, customerLabel = 'You'): string {
  switch (entry.speaker) {
    case 'customer':
      return customerLabel;
    case 'assistant':
      return `${tenantName} assistant`;
    case 'staff':
      return entry.name ? `${entry.name} (${tenantName} team)` : `${tenantName} team`;
  }
}

/** "receipt.pdf (12 KB)": a file as a mail names it. */
export function fileLabel(file: TranscriptFile): string {
  const size = file.size < 1024 ? `${file.size} B` : file.size < 1024 * 1024 ? `${Math.round(file.size / 1024)} KB` : `${(file.size / (1024 * 1024)).toFixed(1)} MB`;
  return `${file.name} (${size})`;
}
