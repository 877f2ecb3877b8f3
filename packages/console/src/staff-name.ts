/**
 * The name the visitor sees on a reply: the first part of the staff member's email, capitalised
 * ("sam.jones@…" → "Sam"). Accounts carry no display name yet.
 */
export function displayName(email: string): string {
  const first = email.split('@')[0]!.split(/[._+-]/)[0] ?? '';
  return first ? first[0]!.toUpperCase() + first.slice(1) : 'Support';
}
