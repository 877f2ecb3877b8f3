/**
 * Positional parameters for a statement assembled from parts: each part adds its values and gets
 * back the `$n::type` that names them, so no part counts parameters by hand.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder, cast to `type` (a Postgres type name). */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}
