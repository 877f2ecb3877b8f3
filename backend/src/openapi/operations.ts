import type { ZodType } from 'zod';
import * as p from '@prex/protocol';
import { CONSOLE_PREFIX, THEME_PREVIEW_PAGE } from '../console-static.js';

/** Who may call an operation: the policies of routes.ts, named as the document's security schemes. */
export type Caller = 'public' | 'publishableKey' | 'visitor' | 'secretKey' | 'staffSession' | 'staffSignIn' | 'twilioSignature' | 'channelToken';

/** What a successful response carries: a JSON schema of the protocol, or another media type. */
export type Reply = ZodType | 'sse' | 'ndjson' | 'javascript' | 'html' | 'empty' | 'json' | 'twiml' | 'file';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express pattern, as the app registers it (`:name`, `*name`). */
  path: string;
  caller: Caller;
  summary: string;
  body?: ZodType;
  /** A raw body instead of JSON (a visitor's file, a voice recording): the media types it may have. */
  fileBody?: readonly string[];
  query?: ZodType;
  status?: number;
  reply: Reply;
}

export const OPENAPI_PATH = '/openapi.json';

const op = (method: Operation['method'], path: string, caller: Caller, summary: string, reply: Reply, more: Partial<Operation> = {}): Operation => ({ method, path, caller, summary, reply, ...more });

const { STAFF_ROUTES: S, SMS_ROUTES: SMS, STAFF_INBOX_ROUTES: I, SOLUTION_ROUTES: SOL } = p;
const { ROUTES: R, ADMIN_ROUTES: A, AGENT_ROUTES: AG, HANDOFF_ADMIN_ROUTES: H, PRODUCT_ROUTES: PR, USAGE_ROUTES: U, QUALITY_ROUTES: Q, CUSTOMER_ADMIN_ROUTES: C } = p;
const { STAFF_ACCESS_ROUTES: ACCESS, ANALYTICS_ROUTES: AN } = p;

/**
 * Every operation of the HTTP API with the protocol schemas it reads and answers. The paths are
 * the protocol's route constants the backend registers; backend/test/openapi checks that every
 * registered route is here, so a new route without its entry fails the build.
 */
export const OPERATIONS: readonly Operation[] = [
  op('get', R.health, 'public', 'Liveness: the process answers', 'json'),
  op('get', R.ready, 'public', 'Readiness: the database answers and every migration is applied (503 with the reason otherwise)', 'json'),
  op('get', OPENAPI_PATH, 'public', 'This document', 'json'),
  op('get', R.loaderScript, 'public', 'The loader script a host page embeds', 'javascript'),
  op('get', CONSOLE_PREFIX, 'public', 'The staff console (the app’s page; it signs in with the staff routes)', 'html'),
  op('get', THEME_PREVIEW_PAGE, 'public', 'The Theme page’s preview document: the real widget on a stand-in host page, framed by the console only (it calls no API)', 'html'),
  op('get', `${CONSOLE_PREFIX}/*path`, 'public', 'Any page of the staff console (the app routes in the browser)', 'html'),

  op('get', R.widgetConfig, 'publishableKey', 'The widget’s boot configuration (theme, texts) for the key’s tenant', p.widgetConfigResponseSchema),
  op('post', R.sessions, 'publishableKey', 'Start a visitor session; returns its token', p.createSessionResponseSchema, { status: 201 }),
  op('get', R.history, 'visitor', 'The session’s messages; with `?chatId=`, those of the session’s AI SDK chat (404 when the session has no such chat)', p.historyResponseSchema, { query: p.historyQuerySchema }),
  op('post', R.chat, 'visitor', 'Send a message; the answer streams back (AI SDK UI message stream over SSE)', 'sse', { body: p.prexSendSchema.or(p.aiSdkSendSchema) }),
  op('get', R.resume, 'visitor', 'Resume an answer’s stream after an event id (`?after=` or Last-Event-ID). The id is a Prex message id (`msg_…`), or an AI SDK chat id: then the chat’s running answer replayed from its start, or 204 when nothing streams (useChat’s `resume`)', 'sse', { query: p.resumeQuerySchema }),
  op('post', R.stop, 'visitor', 'Stop an answer being streamed', p.stopResponseSchema),
  op('post', R.feedback, 'visitor', 'Rate an answer', p.feedbackResponseSchema, { body: p.feedbackRequestSchema }),
  op('post', R.conversationSummaries, 'visitor', 'Summaries of earlier conversations', p.conversationSummariesResponseSchema, { body: p.conversationSummariesRequestSchema }),
  op('post', R.handoff, 'visitor', 'Ask for a person', p.handoffResponseSchema, { body: p.handoffRequestSchema }),
  op('post', R.handoffConfirm, 'visitor', 'Answer the agent’s proposal of a handoff', p.handoffResponseSchema, { body: p.handoffConfirmRequestSchema }),
  op('get', R.handoffCurrent, 'visitor', 'The session’s handoff state', p.handoffCurrentResponseSchema),
  op('get', R.conversationEvents, 'visitor', 'The conversation’s events (staff replies, staff typing, handoff changes) as SSE; resume with Last-Event-ID or ?after=', 'sse'),
  op('post', R.identity, 'visitor', 'Identify the visitor with a host-signed identity', p.identityResponseSchema, { body: p.identityRequestSchema }),
  op('post', R.emailCodeStart, 'visitor', 'Email the visitor a one-time code', p.emailCodeStartResponseSchema, { body: p.emailCodeStartRequestSchema }),
  op('post', R.emailCodeVerify, 'visitor', 'Verify the emailed code', p.emailCodeVerifyResponseSchema, { body: p.emailCodeVerifyRequestSchema }),
  op('post', p.PHONE_CODE_ROUTES.start, 'visitor', 'Text the visitor a one-time code from the site’s SMS number (409 when it has none)', p.phoneCodeStartResponseSchema, { body: p.phoneCodeStartRequestSchema, status: 202 }),
  op('post', p.PHONE_CODE_ROUTES.verify, 'visitor', 'Verify the texted code: the phone joins the customer, with its SMS conversation', p.phoneCodeVerifyResponseSchema, { body: p.phoneCodeVerifyRequestSchema }),
  op('get', R.customerMe, 'visitor', 'The verified customer’s profile', p.customerMeResponseSchema),
  op('patch', R.customerMe, 'visitor', 'Change the verified customer’s profile', p.customerMeResponseSchema, { body: p.customerPatchRequestSchema }),
  op('get', R.customerConversations, 'visitor', 'The customer’s conversations on any device', p.customerConversationsResponseSchema),
  op('post', R.customerExport, 'visitor', 'Export the customer’s data', p.customerExportSchema, { body: p.dataRightsRequestSchema }),
  op('post', R.customerDelete, 'visitor', 'Delete the customer’s data', p.customerDeleteResponseSchema, { body: p.dataRightsRequestSchema }),
  op('post', p.ATTACHMENT_ROUTES.upload, 'visitor', 'Attach a file to the conversation: its bytes as the body, its type as Content-Type, its name in ?name= (400 empty, 413 over the workspace’s limit, 415 a type not taken or bytes that are not the declared type); 201 with the message carrying it', p.attachmentUploadResponseSchema, { fileBody: p.ATTACHMENT_CONTENT_TYPES, query: p.attachmentUploadQuerySchema, status: 201 }),
  op('get', p.ATTACHMENT_ROUTES.visitorFile, 'visitor', 'A file of the caller’s conversation, or of another conversation of the same customer (their data export lists these paths); 404 for any other', 'file'),
  op('post', p.VOICE_ROUTE, 'visitor', 'Transcribe a voice message (the raw audio as the body, its audio type as Content-Type, at most VOICE_LIMITS); answers the text for the visitor to edit and send. The audio is not kept. 404 when no transcription endpoint is configured', p.voiceTranscriptResponseSchema, { query: p.voiceQuerySchema, fileBody: Object.keys(p.VOICE_AUDIO_TYPES) }),
  op('post', R.emailConversation, 'visitor', 'Email this conversation to the visitor', p.emailConversationResponseSchema, { body: p.emailConversationRequestSchema }),

  op('get', '/v1/admin/theme', 'secretKey', 'The tenant’s stored theme and the theme the widget draws with', p.adminThemeResponseSchema),
  op('put', '/v1/admin/theme', 'secretKey', 'Store the tenant’s theme', p.adminThemeResponseSchema, { body: p.adminThemeRequestSchema }),
  op('get', p.TENANT_ADMIN_ROUTE, 'secretKey', 'The tenant’s settings', p.tenantSettingsResponseSchema),
  op('patch', p.TENANT_ADMIN_ROUTE, 'secretKey', 'Change the tenant’s settings', p.tenantSettingsResponseSchema, { body: p.tenantSettingsPatchSchema }),
  op('get', p.TENANT_KEYS_ADMIN_ROUTES.retention, 'secretKey', 'Days after which quiet conversations are deleted (null: kept)', p.adminRetentionResponseSchema),
  op('put', p.TENANT_KEYS_ADMIN_ROUTES.retention, 'secretKey', 'Set the retention period in days, or null to keep conversations', p.adminRetentionResponseSchema, { body: p.adminRetentionRequestSchema }),
  op('post', p.TENANT_KEYS_ADMIN_ROUTES.rotatePublishableKey, 'secretKey', 'Issue a new publishable key; the old one keeps opening the widget for graceSeconds', p.adminRotatePublishableKeyResponseSchema, { body: p.adminRotatePublishableKeyRequestSchema }),
  op('post', A.documents, 'secretKey', 'Add or replace a document (JSON: at once), or upload files (multipart: a job)', p.documentUpsertResponseSchema, { body: p.documentUpsertRequestSchema }),
  op('get', A.documents, 'secretKey', 'List documents', p.documentListResponseSchema),
  op('get', A.search, 'secretKey', 'Search the knowledge base as an answer would', p.adminSearchResponseSchema, { query: p.adminSearchQuerySchema }),
  op('get', A.document, 'secretKey', 'One document with its versions', p.documentDetailResponseSchema),
  op('patch', A.document, 'secretKey', 'Change a document’s title, URL or tags', p.documentDetailResponseSchema, { body: p.documentPatchRequestSchema }),
  op('delete', A.document, 'secretKey', 'Delete a document', 'empty', { status: 204 }),
  op('post', A.jobs, 'secretKey', 'Queue text documents for ingestion', p.jobDetailResponseSchema, { body: p.createJobRequestSchema, status: 202 }),
  op('get', A.jobs, 'secretKey', 'List ingestion jobs, newest first', p.jobListResponseSchema),
  op('get', A.job, 'secretKey', 'An ingestion job with its items', p.jobDetailResponseSchema),
  op('get', AG.agents, 'secretKey', 'List agents', p.agentListResponseSchema),
  op('post', AG.agents, 'secretKey', 'Create an agent', p.agentResponseSchema, { body: p.createAgentRequestSchema, status: 201 }),
  op('get', AG.export, 'secretKey', 'Every agent as a YAML document', 'json'),
  op('post', AG.import, 'secretKey', 'Create or update agents from a YAML document', p.importResponseSchema),
  op('get', AG.agent, 'secretKey', 'One agent', p.agentResponseSchema),
  op('patch', AG.agent, 'secretKey', 'Change an agent', p.agentResponseSchema, { body: p.patchAgentRequestSchema }),
  op('delete', AG.agent, 'secretKey', 'Delete an agent', 'empty', { query: p.deleteAgentQuerySchema, status: 204 }),
  op('post', AG.personaDraft, 'secretKey', 'Draft a persona with the model', p.personaDraftResponseSchema),
  op('get', AG.personaDraft, 'secretKey', 'The agent’s persona draft', p.personaDraftResponseSchema),
  op('post', AG.applyPersonaDraft, 'secretKey', 'Apply the persona draft to the agent', p.agentResponseSchema),
  op('get', U.usage, 'secretKey', 'Model usage and cost by day, agent or model', p.usageResponseSchema, { query: p.usageQuerySchema }),
  op('get', U.labels, 'secretKey', 'Questions by label', p.labelAnalyticsResponseSchema, { query: p.labelAnalyticsQuerySchema }),
  op('get', Q.fineTuningExport, 'secretKey', 'Good answers as fine-tuning lines (NDJSON)', 'ndjson', { query: p.fineTuningExportQuerySchema }),
  op('put', Q.markGood, 'secretKey', 'Mark an answer as good (or not)', p.markGoodResponseSchema, { body: p.markGoodRequestSchema }),
  op('get', PR.products, 'secretKey', 'List products', p.productListResponseSchema, { query: p.productListQuerySchema }),
  op('post', PR.products, 'secretKey', 'Add or replace a batch of products', p.productUpsertResponseSchema, { body: p.productBatchSchema }),
  op('post', PR.productsImport, 'secretKey', 'Import products from CSV', p.productUpsertResponseSchema),
  op('get', PR.product, 'secretKey', 'One product', p.productSchema),
  op('put', PR.product, 'secretKey', 'Add or replace one product', p.productSchema, { body: p.productPutSchema }),
  op('delete', PR.product, 'secretKey', 'Delete a product', 'empty', { status: 204 }),
  op('get', H.escalations, 'secretKey', 'Handoffs to staff', p.adminEscalationsResponseSchema, { query: p.adminEscalationsQuerySchema }),
  op('patch', H.escalation, 'secretKey', 'Take, resolve or reopen a handoff', p.adminEscalationResponseSchema, { body: p.adminEscalationUpdateSchema }),
  op('get', H.conversation, 'secretKey', 'A conversation as staff see it', p.adminConversationResponseSchema),
  op('post', H.conversationReplies, 'secretKey', 'Reply to the visitor as staff', p.staffReplyResponseSchema, { body: p.staffReplyRequestSchema, status: 201 }),
  op('post', H.conversationTyping, 'secretKey', 'Tell the visitor staff are writing (shown for a few seconds)', 'empty', { body: p.staffTypingRequestSchema, status: 204 }),
  op('get', SMS.settings, 'secretKey', 'The tenant’s Twilio settings (the auth token masked)', p.smsSettingsResponseSchema),
  op('put', SMS.settings, 'secretKey', 'Set the tenant’s Twilio settings', p.smsSettingsResponseSchema, { body: p.smsSettingsRequestSchema }),
  op('delete', SMS.settings, 'secretKey', 'Remove the tenant’s Twilio settings', 'empty', { status: 204 }),
  op('post', p.CHANNEL_API_ROUTES.message, 'channelToken', 'A gateway user’s message: answered by the tenant’s agent (JSON, with citations), or kept for staff while a person has the conversation', p.channelMessageResponseSchema, { body: p.channelMessageRequestSchema }),
  op('post', p.CHANNEL_API_ROUTES.validate, 'channelToken', 'Link the conversation to the customer the gateway has verified (its user id and email)', p.channelValidateResponseSchema, { body: p.channelValidateRequestSchema }),
  op('post', p.CHANNEL_API_ROUTES.escalate, 'channelToken', 'Hand the conversation to a person: 201 with a new escalation, 200 when one was already open', p.channelEscalateResponseSchema, { body: p.channelEscalateRequestSchema, status: 201 }),
  op('post', p.CHANNEL_API_ROUTES.replies, 'channelToken', 'Staff replies in the conversation after a message id, for the gateway to deliver', p.channelRepliesResponseSchema, { body: p.channelRepliesRequestSchema }),
  op('post', p.CHANNEL_API_ROUTES.rotateSecret, 'secretKey', 'Make or replace the channel secret gateways sign their tokens with (shown this once)', p.channelSecretResponseSchema, { status: 201 }),
  op('post', p.CHANNEL_API_ROUTES.staffRotateSecret, 'staffSession', 'Make or replace the channel secret (the owner alone; shown this once)', p.channelSecretResponseSchema, { status: 201 }),
  op('post', SMS.inbound, 'twilioSignature', 'Twilio’s webhook for an incoming SMS (form body, X-Twilio-Signature); the answer goes out by the REST API', 'twiml'),
  op('post', SMS.status, 'twilioSignature', 'Twilio’s status callback for a message Prex sent (form body, X-Twilio-Signature): its delivery status only moves forward; an unknown MessageSid changes nothing', 'empty', { status: 204 }),

  op('post', S.login, 'staffSignIn', 'Staff sign-in: sets the session cookie', p.staffSessionResponseSchema, { body: p.staffLoginRequestSchema }),
  op('post', S.acceptInvite, 'staffSignIn', 'Accept an invitation and set a password', p.staffAcceptInviteResponseSchema, { body: p.staffAcceptInviteRequestSchema, status: 201 }),
  op('get', ACCESS.setup, 'staffSignIn', 'Whether first-run setup is needed (no workspace exists yet), and how staff may sign in: password, and Supabase Auth when configured (its URL and anon key)', p.setupStatusResponseSchema),
  op('post', ACCESS.setup, 'staffSignIn', 'First-run setup: the first workspace and its owner, signed in (sets the session cookie); returns the keys (the secret one shown only here) and the embed snippet. 409 once any workspace exists', p.setupResponseSchema, { body: p.setupRequestSchema, status: 201 }),
  op('post', ACCESS.loginSupabase, 'staffSignIn', 'Staff sign-in with a Supabase Auth access token (the staff account of the same confirmed email): sets the session cookie. 404 when Supabase Auth is not configured', p.staffSessionResponseSchema, { body: p.staffSupabaseLoginRequestSchema }),
  op('post', ACCESS.passwordReset, 'staffSignIn', 'Mail a one-time link to choose a new password (the same 202 whether or not the email has an account)', p.staffPasswordResetAcceptedResponseSchema, { body: p.staffPasswordResetRequestSchema, status: 202 }),
  op('post', ACCESS.passwordResetConfirm, 'staffSignIn', 'Set a new password with the mailed link’s token (once, within the hour); ends every session of the account', p.staffPasswordResetConfirmResponseSchema, { body: p.staffPasswordResetConfirmRequestSchema }),
  op('get', S.me, 'staffSession', 'The signed-in staff account, its tenant and the CSRF token', p.staffSessionResponseSchema),
  op('patch', S.me, 'staffSession', 'Set or remove (null) the signed-in account’s display name: visitors see it on its replies, the team in the console', p.staffAccountResponseSchema, { body: p.staffProfileUpdateRequestSchema }),
  op('post', S.logout, 'staffSession', 'End this session', 'empty', { status: 204 }),
  op('post', S.logoutEverywhere, 'staffSession', 'End every session of the account', p.staffLogoutEverywhereResponseSchema),
  op('get', S.team, 'staffSession', 'The team: accounts and pending invitations (owners and admins)', p.staffTeamResponseSchema),
  op('post', S.invites, 'staffSession', 'Invite a teammate by email (owners and admins)', p.staffInviteResponseSchema, { body: p.staffInviteRequestSchema, status: 201 }),
  op('delete', S.invite, 'staffSession', 'Withdraw a pending invitation: its link stops working (owners and admins)', 'empty', { status: 204 }),
  op('patch', S.teamAccount, 'staffSession', 'Change a teammate’s role (owners; 409 when it would leave the workspace without an owner)', p.staffAccountResponseSchema, { body: p.staffRoleChangeRequestSchema }),
  op('delete', S.teamAccount, 'staffSession', 'Remove a teammate’s account and end its sessions (owners: anyone else; admins: agents)', 'empty', { status: 204 }),
  op('post', S.password, 'staffSession', 'Change the signed-in account’s password (the current one required; wrong ones limited like sign-ins); ends the account’s other sessions', p.staffPasswordChangeResponseSchema, { body: p.staffPasswordChangeRequestSchema }),
  op('get', S.escalations, 'staffSession', 'Handoffs to staff', p.adminEscalationsResponseSchema, { query: p.adminEscalationsQuerySchema }),
  op('patch', S.escalation, 'staffSession', 'Resolve a handoff', p.adminEscalationResponseSchema, { body: p.adminEscalationUpdateSchema }),
  op('get', S.conversation, 'staffSession', 'A conversation as staff see it', p.adminConversationResponseSchema),
  op('post', S.conversationReplies, 'staffSession', 'Reply to the visitor (signed with the account’s display name; staffName only when the account has none)', p.staffReplyResponseSchema, { body: p.staffReplyRequestSchema, status: 201 }),
  op('post', S.conversationTyping, 'staffSession', 'Tell the visitor staff are writing', 'empty', { body: p.staffTypingRequestSchema, status: 204 }),
  op('get', I.conversations, 'staffSession', 'The inbox: conversations by last activity (keyset pages), with counts per status and unread per reader', p.inboxResponseSchema, { query: p.inboxQuerySchema }),
  op('get', I.conversation, 'staffSession', 'A conversation’s working state, private notes and the customer’s other conversations', p.inboxConversationResponseSchema),
  op('patch', I.conversation, 'staffSession', 'Change a conversation’s status, assignee or snooze', p.inboxConversationResponseSchema, { body: p.inboxUpdateSchema }),
  op('post', I.notes, 'staffSession', 'Add a private note (never shown to the visitor)', p.staffNoteResponseSchema, { body: p.staffNoteRequestSchema, status: 201 }),
  op('post', I.read, 'staffSession', 'Mark the conversation read up to now for the signed-in staff member', 'empty', { status: 204 }),
  op('post', I.handBack, 'staffSession', 'Give the conversation back to the bot (resolves the open handoff; 409 without one)', p.inboxConversationResponseSchema),
  op('get', I.events, 'staffSession', 'Which conversations of the tenant change (conversation-changed, staff-typing) as SSE', 'sse'),
  op('get', I.cannedReplies, 'staffSession', 'The team’s canned replies', p.cannedRepliesResponseSchema),
  op('post', I.cannedReplies, 'staffSession', 'Add a canned reply (409 when the shortcut is taken or the team has the most it may keep)', p.cannedReplyResponseSchema, { body: p.cannedReplyRequestSchema, status: 201 }),
  op('patch', I.cannedReply, 'staffSession', 'Change a canned reply', p.cannedReplyResponseSchema, { body: p.cannedReplyUpdateSchema }),
  op('delete', I.cannedReply, 'staffSession', 'Delete a canned reply', 'empty', { status: 204 }),
  op('get', p.STAFF_SETTINGS_ROUTES.settings, 'staffSession', 'The workspace’s settings: allowed origins, publishable key, embed snippet, notification emails (owners and admins)', p.staffSettingsResponseSchema),
  op('post', p.STAFF_SETTINGS_ROUTES.origins, 'staffSession', 'Allow an origin to load the widget (owners and admins)', p.staffSettingsResponseSchema, { body: p.staffOriginRequestSchema }),
  op('delete', p.STAFF_SETTINGS_ROUTES.origins, 'staffSession', 'Stop allowing an origin (owners and admins; 404 when it is not allowed)', p.staffSettingsResponseSchema, { query: p.staffOriginQuerySchema }),
  op('put', p.STAFF_SETTINGS_ROUTES.emails, 'staffSession', 'Set who gets conversation summaries and handoff notices (owners and admins)', p.staffSettingsResponseSchema, { body: p.staffSettingsEmailsSchema }),
  op('post', p.STAFF_SETTINGS_ROUTES.rotateSecretKey, 'staffSession', 'Issue a new secret key, shown once; older keys stop after graceSeconds (owners only)', p.staffRotateSecretKeyResponseSchema, { body: p.staffRotateSecretKeyRequestSchema }),
  op('get', p.STAFF_THEME_ROUTES.theme, 'staffSession', 'The widget theme: what is stored, what the widget draws with, and the defaults (owners and admins)', p.staffThemeResponseSchema),
  op('put', p.STAFF_THEME_ROUTES.theme, 'staffSession', 'Store the widget theme (a partial theme; 400 naming a colour pair under WCAG AA contrast; owners and admins); live on the next widget load', p.staffThemeResponseSchema, { body: p.staffThemeRequestSchema }),
  op('put', p.STAFF_SETTINGS_ROUTES.identity, 'staffSession', 'Require signed visitor identities, or not (owners and admins)', p.staffSettingsResponseSchema, { body: p.staffIdentitySettingsRequestSchema }),
  op('put', p.STAFF_SETTINGS_ROUTES.imageHosts, 'staffSession', 'Set the hosts whose Markdown images answers show (owners and admins)', p.staffSettingsResponseSchema, { body: p.staffImageHostsRequestSchema }),
  op('post', p.STAFF_SETTINGS_ROUTES.rotateIdentitySecret, 'staffSession', 'Issue a new identity secret, shown once; identities signed with the old one stop verifying at once (owners only)', p.staffRotateIdentitySecretResponseSchema),
  op('put', p.STAFF_SETTINGS_ROUTES.retention, 'staffSession', 'Delete conversations quiet for longer than conversationRetentionDays, or keep them (null) (owners and admins)', p.staffSettingsResponseSchema, { body: p.staffRetentionRequestSchema }),
  op('put', p.STAFF_SETTINGS_ROUTES.voice, 'staffSession', 'The widget’s microphone: the browser’s recognition, always the server’s transcription, or off (no microphone) (owners and admins)', p.staffSettingsResponseSchema, { body: p.staffVoiceRequestSchema }),
  op('get', p.ATTACHMENT_ROUTES.staffFile, 'staffSession', 'A file a visitor attached to a conversation of the workspace (any role; images inline, other files as downloads)', 'file'),
  op('get', p.ATTACHMENT_ROUTES.staffSettings, 'staffSession', 'What visitors may attach: on or off, the largest file, the types taken (owners and admins)', p.attachmentSettingsSchema),
  op('put', p.ATTACHMENT_ROUTES.staffSettings, 'staffSession', 'Set what visitors may attach (owners and admins)', p.attachmentSettingsSchema, { body: p.attachmentSettingsSchema }),
  op('get', p.STAFF_SETTINGS_ROUTES.sms, 'staffSession', 'The tenant’s Twilio number (the auth token masked, never returned) and the webhook URL for Twilio (owners and admins)', p.staffSmsSettingsResponseSchema),
  op('put', p.STAFF_SETTINGS_ROUTES.sms, 'staffSession', 'Set the tenant’s Twilio number, as PUT /v1/admin/sms/settings (owners and admins)', p.staffSmsSettingsResponseSchema, { body: p.smsSettingsRequestSchema }),
  op('delete', p.STAFF_SETTINGS_ROUTES.sms, 'staffSession', 'Remove the tenant’s Twilio number (owners and admins)', p.staffSmsSettingsResponseSchema),
  op('post', p.STAFF_SETTINGS_ROUTES.rotatePublishableKey, 'staffSession', 'Issue a new publishable key; the old one keeps opening the widget for graceSeconds (owners only)', p.staffSettingsResponseSchema, { body: p.staffRotatePublishableKeyRequestSchema }),
  op('get', p.OPERATIONS_ROUTES.overview, 'staffSession', 'This instance’s configuration (secrets redacted), runtime flags, recent log lines about the workspace or the instance, and the workspace’s ingestion jobs (owners and admins)', p.operationsOverviewResponseSchema),
  op('get', p.OPERATIONS_ROUTES.health, 'staffSession', 'Database, mail, model and embeddings, each checked now under a timeout: ok, degraded (with the reason) or off (owners and admins)', p.operationsHealthResponseSchema),
  op('post', p.COPILOT_ROUTES.draft, 'staffSession', 'Draft a reply to the visitor’s latest message(s) with the conversation’s agent (SSE in the answer stream’s format; never stored nor sent)', 'sse', { body: p.copilotDraftRequestSchema }),
  // The console's Agents page (any role reads and tries; owners and admins change).
  op('get', p.STAFF_AGENT_ROUTES.agents, 'staffSession', 'The workspace’s agents, the default first (the inbox’s agent filter reads their id and name)', p.agentListResponseSchema),
  op('post', p.STAFF_AGENT_ROUTES.agents, 'staffSession', 'Create an agent (owners and admins)', p.agentResponseSchema, { body: p.createAgentRequestSchema, status: 201 }),
  op('get', p.STAFF_AGENT_ROUTES.export, 'staffSession', 'Every agent as a YAML document (a download)', 'json'),
  op('post', p.STAFF_AGENT_ROUTES.import, 'staffSession', 'Create or update agents from a YAML document, ?dryRun=1 to preview (owners and admins; 400 names each bad field)', p.importResponseSchema),
  op('get', p.STAFF_AGENT_ROUTES.agent, 'staffSession', 'One agent', p.agentResponseSchema),
  op('patch', p.STAFF_AGENT_ROUTES.agent, 'staffSession', 'Change an agent: only the fields sent (owners and admins)', p.agentResponseSchema, { body: p.patchAgentRequestSchema }),
  op('delete', p.STAFF_AGENT_ROUTES.agent, 'staffSession', 'Delete an agent; the default needs ?newDefault= (owners and admins)', 'empty', { query: p.deleteAgentQuerySchema, status: 204 }),
  op('post', p.STAFF_AGENT_ROUTES.personaDraft, 'staffSession', 'Draft a persona from the team’s past replies, kept for review (owners and admins)', p.personaDraftResponseSchema, { status: 201 }),
  op('get', p.STAFF_AGENT_ROUTES.personaDraft, 'staffSession', 'The agent’s pending persona draft', p.personaDraftResponseSchema),
  op('post', p.STAFF_AGENT_ROUTES.applyPersonaDraft, 'staffSession', 'Make the pending draft the persona (owners and admins)', p.agentResponseSchema),
  op('post', p.STAFF_AGENT_ROUTES.tryIt, 'staffSession', 'Ask the agent as a visitor would: its answer and sources stream back (SSE in the answer stream’s format), stored nowhere and not in analytics', 'sse', { body: p.tryItRequestSchema }),
  op('get', SOL.solutions, 'staffSession', 'Saved solutions, most recently changed first', p.solutionListResponseSchema, { query: p.solutionListQuerySchema }),
  op('post', SOL.solutions, 'staffSession', 'Save a question and its answer, or one staff reply of a conversation, as a solution: searched and cited like a document', p.solutionResponseSchema, { body: p.solutionCreateRequestSchema, status: 201 }),
  op('get', SOL.solution, 'staffSession', 'One solution with its versions, newest first', p.solutionDetailResponseSchema),
  op('patch', SOL.solution, 'staffSession', 'Change a solution’s question or answer (a new version; the earlier ones are kept)', p.solutionResponseSchema, { body: p.solutionUpdateRequestSchema }),
  op('delete', SOL.solution, 'staffSession', 'Delete a solution: answers no longer cite it', 'empty', { status: 204 }),
  op('get', p.STAFF_KNOWLEDGE_ROUTES.documents, 'staffSession', 'The workspace’s documents with version and status (solutions are listed by the solutions route)', p.documentListResponseSchema),
  op('post', p.STAFF_KNOWLEDGE_ROUTES.documents, 'staffSession', 'Upload files as multipart/form-data (field "files"; each file name is its externalId, the same name makes a new version): a job, parsed and indexed in the background (owners and admins; 413 too large, 415 unsupported format)', p.jobDetailResponseSchema, { status: 202 }),
  op('get', p.STAFF_KNOWLEDGE_ROUTES.document, 'staffSession', 'A document’s status, versions (newest first) and latest upload', p.documentDetailResponseSchema),
  op('patch', p.STAFF_KNOWLEDGE_ROUTES.document, 'staffSession', 'Retag a document (owners and admins; 409 for a solution)', p.documentSummarySchema, { body: p.documentPatchRequestSchema }),
  op('delete', p.STAFF_KNOWLEDGE_ROUTES.document, 'staffSession', 'Delete a document and its chunks (owners and admins; 409 for a solution)', 'empty', { status: 204 }),
  op('get', p.STAFF_KNOWLEDGE_ROUTES.diff, 'staffSession', 'What changed between two versions of a document, line by line (default: the two newest)', p.staffDocumentDiffResponseSchema, { query: p.staffDocumentDiffQuerySchema }),
  op('get', p.STAFF_KNOWLEDGE_ROUTES.jobs, 'staffSession', 'Recent uploads with counts', p.jobListResponseSchema),
  op('get', p.STAFF_KNOWLEDGE_ROUTES.job, 'staffSession', 'An upload with the status of each file', p.jobDetailResponseSchema),
  op('get', p.STAFF_KNOWLEDGE_ROUTES.search, 'staffSession', 'Test search: ranked passages with their scores and the words that matched', p.staffKnowledgeSearchResponseSchema, { query: p.staffKnowledgeSearchQuerySchema }),
  op('get', AN.analytics, 'staffSession', 'How support is going: conversations by outcome per day, first staff reply, ratings, labels, content gaps and (owners and admins) cost', p.analyticsResponseSchema, { query: p.analyticsQuerySchema }),
  op('get', C.customers, 'secretKey', 'List customers', 'json'),
  op('get', C.customerExport, 'secretKey', 'Export a customer’s data', p.customerExportSchema),
  op('get', C.customer, 'secretKey', 'One customer', p.adminCustomerSchema),
  op('patch', C.customer, 'secretKey', 'Change a customer', p.adminCustomerSchema, { body: p.adminCustomerPatchRequestSchema }),
  op('delete', C.customer, 'secretKey', 'Delete a customer and their data', p.customerDeleteResponseSchema),
  op('get', C.settings, 'secretKey', 'Identity and customer settings', p.customerSettingsResponseSchema),
  op('put', C.settings, 'secretKey', 'Change identity and customer settings', p.customerSettingsResponseSchema, { body: p.customerSettingsSchema }),
  op('post', C.rotateIdentitySecret, 'secretKey', 'Rotate the secret host pages sign identities with', 'json'),
  op('get', C.authEvents, 'secretKey', 'Counts of identity events', p.authEventCountsResponseSchema),
  op('get', p.EMAIL_EVENTS_ROUTE, 'secretKey', 'Mail sent and its delivery', p.emailEventsResponseSchema, { query: p.emailEventsQuerySchema }),
];
