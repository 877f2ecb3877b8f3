/**
 * Runtime constants and helpers of the wire contract that carry no zod.
 * The widget imports only this module at runtime (and types from the package root), so the
 * pane's byte budget does not pay for the schemas; the backend imports both.
 */

export { COPILOT_ROUTES, INBOX_LIMITS, SOLUTION_ROUTES, STAFF_CSRF_HEADER, STAFF_INBOX_ROUTES, STAFF_LIMITS, STAFF_ROUTES } from './staff-wire.js';
export { MIN_TEXT_CONTRAST, SCHEME_COLORS, contrastRatio, relativeLuminance } from './style.js';
export { MAX_CUSTOM_CSS_CHARS, TENANT_CSS_PROPERTY, tenantCssValueOffence } from './tenant-css-rules.js';

export { STAFF_ACCESS_ROUTES, STAFF_RESET_PASSWORD_PAGE } from './setup.js';
export { MESSAGE_LABELS } from './labels.js';
export { ANALYTICS_LIMITS, ANALYTICS_ROUTES } from './analytics-wire.js';
export { SETTINGS_LIMITS, STAFF_SETTINGS_ROUTES } from './settings-wire.js';
export { LAUNCHER_ICONS, STAFF_THEME_ROUTES, THEME_LIMITS, textOnAccent, themeContrastProblems, type ContrastProblem, type LauncherIcon } from './theme-wire.js';
export { CHANNEL_API_ROUTES, CHANNEL_API_TOKEN, CHANNEL_SECRET_ENV, channelTokenSnippet } from './channel-api-wire.js';
export { IDENTITY_SECRET_ENV, IDENTITY_SNIPPETS, type IdentitySigningMethod, type IdentitySnippet } from './identity-snippets.js';
export { DEPENDENCY_NAMES, DEPENDENCY_STATES, OPERATIONS_LIMITS, OPERATIONS_ROUTES } from './operations-wire.js';
export { STAFF_KNOWLEDGE_LIMITS, STAFF_KNOWLEDGE_ROUTES } from './knowledge-wire.js';
export { PHONE_CODE_ROUTES } from './phone-codes-wire.js';
export { VOICE_AUDIO_TYPES, VOICE_LIMITS, VOICE_ROUTE } from './voice-wire.js';
export { imageHostAllowed } from './image-hosts.js';
export { AGENT_LIMITS, AGENT_TOOL_NAMES, STAFF_AGENT_ROUTES, TRY_IT_ID_PREFIX, TRY_IT_LIMITS } from './agents-wire.js';

export const PUBLISHABLE_KEY_HEADER = 'x-prex-key';
/** Header the Vercel AI SDK's client looks for to recognise a UI message stream. */
export const UI_MESSAGE_STREAM_HEADER = 'x-vercel-ai-ui-message-stream';
export const UI_MESSAGE_STREAM_VERSION = 'v1';
/** Last SSE data line of every answer stream. */
export const STREAM_DONE = '[DONE]';

export const LIMITS = {
  /** Longest user message accepted, in characters. */
  maxMessageChars: 4000,
  /** Largest JSON request body accepted, in bytes. */
  maxBodyBytes: 64 * 1024,
} as const;

/** Express-style route patterns; the builders below fill them for clients. */
export const ROUTES = {
  health: '/healthz',
  /** Readiness: the database answers and every migration is applied (503 with a reason otherwise). */
  ready: '/readyz',
  widgetConfig: '/v1/widget/config',
  sessions: '/v1/sessions',
  history: '/v1/sessions/current/messages',
  chat: '/v1/chat',
  resume: '/v1/chat/:messageId/stream',
  stop: '/v1/chat/:messageId/stop',
  adminDocuments: '/v1/admin/documents',
  loaderScript: '/loader.js',
  widgetAssets: '/widget',
  paneScript: '/widget/pane.js',
  feedback: '/v1/chat/:messageId/feedback',
  conversationSummaries: '/v1/conversations/summaries',
  /** Human handoff (visitor side): ask for a human; answer the agent's proposal; the current state. */
  handoff: '/v1/handoff',
  handoffConfirm: '/v1/handoff/:escalationId/confirm',
  handoffCurrent: '/v1/handoff/current',
  /** Identity ladder: a host-signed identity; an email one-time code (start, then verify). */
  identity: '/v1/identity',
  emailCodeStart: '/v1/identity/email/start',
  emailCodeVerify: '/v1/identity/email/verify',
  /** The verified customer: profile, their conversations on any device, data export and deletion. */
  customerMe: '/v1/customers/me',
  customerConversations: '/v1/customers/me/conversations',
  customerExport: '/v1/customers/me/export',
  customerDelete: '/v1/customers/me/delete',
  /** "Email me this conversation". */
  emailConversation: '/v1/conversations/current/email',
  /** The conversation's own events (staff replies, staff typing, handoff state) by SSE; see ConversationStreamEvent. */
  conversationEvents: '/v1/conversations/current/events',
} as const;

export const handoffConfirmPath = (escalationId: string) =>
  ROUTES.handoffConfirm.replace(':escalationId', encodeURIComponent(escalationId));

export const resumePath = (messageId: string) =>
  ROUTES.resume.replace(':messageId', encodeURIComponent(messageId));
export const stopPath = (messageId: string) =>
  ROUTES.stop.replace(':messageId', encodeURIComponent(messageId));

/** Where a citation's details ride inside AI SDK source chunks' providerMetadata. */
export const CITATION_METADATA_KEY = 'prex';

/** A citation in wire shape (mirrors `Citation` in schemas; kept zod-free for the widget). */
export interface WireCitation {
  sourceId: string;
  documentId: string;
  /** The tenant's own id of the document (e.g. its slug); absent from older servers and stored answers. */
  externalId?: string | undefined;
  title: string;
  url?: string | undefined;
  section?: string | undefined;
  snippet: string;
}

type SourceChunk =
  | {
      type: 'source-url';
      sourceId: string;
      url: string;
      title?: string;
      providerMetadata?: Record<string, Record<string, string>>;
    }
  | {
      type: 'source-document';
      sourceId: string;
      mediaType: string;
      title: string;
      providerMetadata?: Record<string, Record<string, string>>;
    };

/** A citation with a link becomes `source-url`; one without becomes `source-document`. */
export function citationToSourceChunk(citation: WireCitation): SourceChunk {
  const meta: Record<string, string> = { documentId: citation.documentId, snippet: citation.snippet };
  if (citation.externalId) meta.externalId = citation.externalId;
  if (citation.section) meta.section = citation.section;
  const providerMetadata = { [CITATION_METADATA_KEY]: meta };
  if (citation.url) {
    return { type: 'source-url', sourceId: citation.sourceId, url: citation.url, title: citation.title, providerMetadata };
  }
  return {
    type: 'source-document',
    sourceId: citation.sourceId,
    mediaType: 'text/markdown',
    title: citation.title,
    providerMetadata,
  };
}

/** Inverse of citationToSourceChunk, tolerant of sources sent by other servers. */
export function citationFromSourceChunk(chunk: SourceChunk): WireCitation {
  const meta = chunk.providerMetadata?.[CITATION_METADATA_KEY] ?? {};
  return {
    sourceId: chunk.sourceId,
    documentId: meta.documentId ?? chunk.sourceId,
    externalId: meta.externalId,
    title: chunk.title ?? (chunk.type === 'source-url' ? chunk.url : chunk.sourceId),
    url: chunk.type === 'source-url' ? chunk.url : undefined,
    section: meta.section,
    snippet: meta.snippet ?? '',
  };
}

/** Only http(s) links may be rendered as clickable citations. */
export function isSafeLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
