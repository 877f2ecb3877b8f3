import type { Theme } from '@prex/protocol';

/** A business using Prex. Keys are never kept here in clear: only the secret's hash lives in the row. */
export interface Tenant {
  id: string;
  name: string;
  publishableKey: string;
  allowedOrigins: string[];
  /** Origins whose pages may read the admin API with the secret key (CORS); empty by default. */
  adminOrigins: string[];
  theme: Theme;
  /** 'server': the widget records voice messages for server transcription even where the browser recognises speech; 'off': no microphone. */
  voiceInput: 'browser' | 'server' | 'off';
  /** Answers show Markdown images from these hosts only (`cdn.example`, `*.cdn.example`, `host:port`). */
  imageHosts: string[];
  createdAt: Date;
}
