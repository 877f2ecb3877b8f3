/**
 * The staff routes' runtime constants, without zod: the console imports them through
 * '@prex/protocol/wire' so its bundle does not carry the schemas (the backend validates).
 */

export const STAFF_ROUTES = {
  login: '/v1/staff/login',
  logout: '/v1/staff/logout',
  logoutEverywhere: '/v1/staff/logout-everywhere',
  /** GET the signed-in account, tenant and CSRF token; PATCH {name}: the account's display name (null clears it). */
  me: '/v1/staff/me',
  /** POST {currentPassword, newPassword}: the signed-in account's password; its other sessions end. */
  password: '/v1/staff/me/password',
  team: '/v1/staff/team',
  /** PATCH {role} (owner) or DELETE (owner; admin for agents) another account of the team. */
  teamAccount: '/v1/staff/team/accounts/:accountId',
  invites: '/v1/staff/invites',
  /** DELETE: withdraws an invitation not yet accepted (its link stops working). */
  invite: '/v1/staff/invites/:inviteId',
  acceptInvite: '/v1/staff/invites/accept',
  // The handoff admin routes, for the signed-in staff of the tenant.
  escalations: '/v1/staff/escalations',
  escalation: '/v1/staff/escalations/:escalationId',
  conversation: '/v1/staff/conversations/:sessionId',
  conversationReplies: '/v1/staff/conversations/:sessionId/replies',
  conversationTyping: '/v1/staff/conversations/:sessionId/typing',
} as const;

/** The header carrying the CSRF token on POST, PATCH and DELETE staff requests. */
export const STAFF_CSRF_HEADER = 'x-prex-csrf';

export const STAFF_LIMITS = {
  /** Shorter passwords are refused: length is what makes a password hard to guess. */
  minPasswordChars: 12,
  /** Bounds the work of hashing one request's password. */
  maxPasswordChars: 256,
  /** A display name: what visitors see on a reply and the team sees in the console. */
  maxNameChars: 100,
} as const;

/**
 * The staff inbox: every conversation of the tenant with its working state (status, assignee,
 * unread count), private notes, canned replies, and a tenant-wide live stream that tells the
 * console which conversation changed. Staff cookie auth; every route is scoped to the staff
 * member's tenant.
 */
export const STAFF_INBOX_ROUTES = {
  /** GET ?status=&assignee=&channel=&label=&agentId=&limit=&before= — newest activity first, with counts per status. */
  conversations: '/v1/staff/inbox',
  /** GET the working state, notes and customer card; PATCH {status?, assigneeId?, snoozedUntil?}. */
  conversation: '/v1/staff/inbox/:sessionId',
  /** POST {text}: a private note, never sent to the visitor. */
  notes: '/v1/staff/inbox/:sessionId/notes',
  /** POST: the signed-in staff member has read the conversation up to now (unread goes to 0 for them). */
  read: '/v1/staff/inbox/:sessionId/read',
  /** POST: gives the conversation back to the bot (resolves the open handoff). */
  handBack: '/v1/staff/inbox/:sessionId/hand-back',
  /** GET (SSE): an InboxStreamEvent whenever any conversation of the tenant changes. */
  events: '/v1/staff/inbox-events',
  cannedReplies: '/v1/staff/canned-replies',
  cannedReply: '/v1/staff/canned-replies/:cannedReplyId',
  /** GET: the tenant's agents, for the inbox's agent filter (it reads id and name; the Agents page's STAFF_AGENT_ROUTES.agents, the same route, sends whole agents). */
  agents: '/v1/staff/agents',
} as const;

export const INBOX_LIMITS = {
  maxNoteChars: 4000,
  maxCannedReplies: 500,
  maxCannedShortcutChars: 40,
  maxCannedTextChars: 4000,
  defaultPageSize: 50,
  maxPageSize: 200,
} as const;

/** The console's copilot (copilot.ts). */
export const COPILOT_ROUTES = {
  /** POST {instruction?} → SSE (text/event-stream): a draft reply to the visitor's latest message(s). */
  draft: '/v1/staff/conversations/:sessionId/draft',
} as const;

/** Saved answers, searched and cited like documents (solutions.ts). */
export const SOLUTION_ROUTES = {
  /** GET ?limit=&offset= (most recently changed first); POST {question, answer, sessionId?} | {sessionId, messageId, question?, answer?}. */
  solutions: '/v1/staff/solutions',
  /** GET (with its versions, newest first); PATCH {question?, answer?}; DELETE (out of search at once). */
  solution: '/v1/staff/solutions/:solutionId',
} as const;
