import { signal } from '@preact/signals';
import { STAFF_ACCESS_ROUTES, STAFF_ROUTES } from '@prex/protocol/wire';
import type { StaffAccount, StaffSessionResponse } from '@prex/protocol';
import { api, ApiError, setCsrfToken } from './api.js';

/** undefined: not known yet; null: signed out. */
export const session = signal<StaffSessionResponse | null | undefined>(undefined);

function signedIn(value: StaffSessionResponse | null): void {
  setCsrfToken(value?.csrfToken);
  session.value = value;
}

/** Asks the server whether the cookie names a live session. */
export async function loadSession(): Promise<void> {
  try {
    signedIn(await api<StaffSessionResponse>('GET', STAFF_ROUTES.me));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) signedIn(null);
    else throw error;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  signedIn(await api<StaffSessionResponse>('POST', STAFF_ROUTES.login, { email, password }));
}

/** Signs in with a Supabase Auth session's access token (the backend verifies it with Supabase). */
export async function signInWithSupabase(accessToken: string): Promise<void> {
  signedIn(await api<StaffSessionResponse>('POST', STAFF_ACCESS_ROUTES.loginSupabase, { accessToken }));
}

/** Takes a session response from another sign-in (first-run setup, Supabase). */
export function adoptSession(value: StaffSessionResponse): void {
  signedIn(value);
}

/** The signed-in account as the server now has it (after the person changed their own profile). */
export function accountChanged(account: StaffAccount): void {
  if (session.value) session.value = { ...session.value, account };
}

export async function signOut(everywhere = false): Promise<void> {
  await api('POST', everywhere ? STAFF_ROUTES.logoutEverywhere : STAFF_ROUTES.logout);
  signedIn(null);
}

/** A request answered 401 mid-session (expired or revoked elsewhere): back to the sign-in page. */
export function sessionEnded(): void {
  signedIn(null);
}
