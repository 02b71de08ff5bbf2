/**
 * A reference to a secret: `env:NAME` or `file:PATH`, never the secret itself. Messages
 * about it never show the value written, since it is probably the secret.
 */
import * as z from 'zod';
import { noted } from './values.js';

const SECRET_REF_PATTERN = /^(?:env:[A-Za-z_][A-Za-z0-9_]*|file:[\s\S]+)$/u;

/** The message for anything under a secret key that is not a reference. */
export function secretRefProblem(value: unknown): string {
  const env = typeof value === 'string' && value.startsWith('env:') ? ' (env: must be followed by a variable name such as MY_TOKEN)' : '';
  return (
    `must be a reference such as env:NAME or file:PATH, never the secret itself (value not shown)${env}; ` +
    'set the secret in that environment variable or file'
  );
}

export const secretRef = noted(
  z
    .string({ error: (issue) => (issue.input === undefined ? undefined : secretRefProblem(issue.input)) })
    .regex(SECRET_REF_PATTERN, { error: (issue) => secretRefProblem(issue.input) }),
  { expected: 'env:NAME or file:PATH' },
).meta({
  id: 'secretRef',
  description: 'env:NAME (an environment variable) or file:PATH (a file holding the secret, relative to the config file). Never the secret itself.',
});
