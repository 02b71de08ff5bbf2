/** An http(s) URL without credentials in it (they belong in an `env:NAME` reference). */
import * as z from 'zod';
import { describeValue } from '../problems.js';
import { HOST_PATTERN } from './target.js';
import { noted } from './values.js';

/** `http://` or `https://`, a host, then an optional path, query or fragment; no `user:password@`. */
const HTTP_URL = new RegExp(`^https?://${HOST_PATTERN}(?:[/?#][^\\s]*)?$`, 'u');

const expected = 'an http or https URL';

function urlProblem(value: unknown): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i.test(value)) {
    return 'must not contain credentials (value not shown); put the token in an env:NAME reference instead';
  }
  return `must be ${expected} (got ${describeValue(value)})`;
}

/** @example httpUrl().parse('https://api.github.com') */
export function httpUrl(extra?: (value: string) => string | undefined) {
  return noted(
    z
      .string({ error: (issue) => (issue.input === undefined ? undefined : urlProblem(issue.input)) })
      .regex(HTTP_URL, { error: (issue) => extra?.(String(issue.input)) ?? urlProblem(issue.input) }),
    { expected },
  );
}
