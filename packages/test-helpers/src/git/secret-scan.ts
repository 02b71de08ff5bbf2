/**
 * Looks for a token, in every form it could be written (plain, URL-encoded, base64 of a
 * Basic header), in files under some directories and in captured text. Tests assert
 * zero hits.
 */
import { readdirSync, readFileSync, lstatSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export function tokenForms(token: string): string[] {
  const forms = new Set([token, encodeURIComponent(token)]);
  for (const user of ['x-access-token', 'x-oauth-basic', 'git', 'oauth2', '', 'imgsync']) {
    forms.add(Buffer.from(`${user}:${token}`).toString('base64'));
  }
  return [...forms];
}

/** Paths (and `<text #i>` for texts) that contain the token in any form. */
export function findToken(token: string, dirs: readonly string[], texts: readonly string[] = []): string[] {
  const forms = tokenForms(token);
  const hits: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (stat.isFile()) {
      const bytes = readFileSync(path);
      if (forms.some((f) => bytes.includes(f))) hits.push(path);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) visit(dir);
  texts.forEach((text, i) => {
    if (forms.some((f) => text.includes(f))) hits.push(`<text #${i}>`);
  });
  return hits;
}
