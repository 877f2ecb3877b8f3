import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/**
 * The edge rule for text: no string from outside (path parameters, query string, body, recursively,
 * keys included) may hold a NUL character or invalid Unicode. Postgres refuses U+0000 in text (the
 * error would escape as a 500), and a lone surrogate cannot be encoded as UTF-8 at all (drivers
 * silently turn it into U+FFFD, so what is stored is not what was sent). Refusing both here, with a
 * 400 naming the field, keeps every feature below free of the question.
 */

/** In Unicode mode a surrogate pair is one code point, so the class matches only lone surrogates. */
const INVALID_TEXT = /\u0000|[\uD800-\uDFFF]/u;

/** What is wrong with a string, or undefined when it is acceptable text. */
export function textProblem(value: string): string | undefined {
  const match = INVALID_TEXT.exec(value);
  if (!match) return undefined;
  if (match[0] === '\u0000') return `contains a NUL character (U+0000) at index ${match.index}`;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase();
  return `contains invalid Unicode (an unpaired surrogate U+${code}) at index ${match.index}`;
}

export interface TextIssue {
  /** Where the string is, e.g. `body.messages[0].parts[1].text`, `query.q`, `params.id`. */
  path: string;
  message: string;
}

/**
 * The first string in `value` (walked depth-first, in document order) with a text problem. The walk
 * uses its own stack: a 64 KB JSON body can nest tens of thousands of levels, beyond the call stack.
 */
export function findInvalidText(value: unknown, root: string): TextIssue | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: root }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { path, message: problem };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) pending.push({ value: current[i], path: `${path}[${i}]` });
    } else if (isPlainData(current)) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, child] = entries[i]!;
        const keyProblem = textProblem(key);
        if (keyProblem) return { path, message: `has a key that ${keyProblem}` };
        pending.push({ value: child, path: `${path}${memberPath(key)}` });
      }
    }
  }
  return undefined;
}

/** Objects parsed from JSON, query strings and form fields; binary bodies carry no text to check. */
function isPlainData(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value);
}

/** `.name` for identifier-like keys, `["some key"]` otherwise (JSON escapes keep the message printable). */
function memberPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function invalidText(issue: TextIssue): HttpError {
  return new HttpError(
    400,
    'invalid_text',
    `${issue.path} ${issue.message}: send text without NUL characters, as valid Unicode`,
    [issue],
  );
}

/** Throws the 400 for the first bad string in `value`, reported under `root`. */
export function assertValidText(value: unknown, root: string): void {
  const issue = findInvalidText(value, root);
  if (issue) throw invalidText(issue);
}

/**
 * Part of every route policy (routes.ts): runs inside the matched route, after the policy's body
 * parser, so path parameters, query and JSON body are all known.
 */
export const textGuard: RequestHandler = (req, _res, next) => {
  assertValidText(req.params, 'params');
  assertValidText(req.query, 'query');
  assertValidText(req.body, 'body');
  next();
};

/**
 * A body parser a single route adds itself (text/csv, YAML, multipart), followed by the same rule on
 * what it parsed: the body (a string or the form fields) and the names of uploaded files.
 */
export function withTextGuard(parser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    parser(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        assertValidText(req.body, 'body');
        assertValidText(uploadedFileNames((req as { files?: unknown }).files), 'files');
      } catch (invalid) {
        return next(invalid);
      }
      next();
    });
  };
}

/** multer's `req.files` (an array, or a map by field) as the names the client sent. */
function uploadedFileNames(files: unknown): unknown {
  const list = Array.isArray(files) ? files : isPlainData(files) ? Object.values(files).flat() : [];
  return list.map((file: { originalname?: unknown }) => ({ name: file.originalname }));
}
