/** What a verified session token says. */
export interface SessionClaims {
  sessionId: string;
  tenantId: string;
  expiresAt: Date;
}
