import { SETTINGS_LIMITS } from '@prex/protocol/wire';

/** How long a replaced key keeps working: the choices both key rotations offer. */
export function GraceSelect({ label }: { label: string }) {
  return (
    <label>
      {label}
      <select name="grace">
        <option value="0">Not at all (a leaked key)</option>
        <option value="3600">For 1 hour</option>
        <option value="86400">For 1 day</option>
        <option value={String(SETTINGS_LIMITS.maxGraceSeconds)}>For 1 week</option>
      </select>
    </label>
  );
}

/** The grace chosen in the form that holds a GraceSelect. */
export const graceOf = (form: HTMLFormElement): number => Number(new FormData(form).get('grace'));
