/**
 * `registries.<r>.authServer`: the one host besides the registry's own whose token service
 * may receive the registry's credentials. Kept as a lowercase host name; anything that is
 * not a host or an https URL is refused at its value.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const PATH = 'imgsync.config.yaml';
const config = (settings: string) => `targets:\n  - files: images.yml\nregistries:\n  registry.gitlab.com: { credentials: env:GITLAB_TOKEN${settings} }\n`;

describe('registries.<r>.authServer', () => {
  it('takes a host or an https URL, kept as the host', () => {
    expect(parseConfig(config(', authServer: GitLab.com'), PATH).registries['registry.gitlab.com']!.authServer).toBe('gitlab.com');
    expect(parseConfig(config(', authServer: "https://gitlab.com/jwt/auth"'), PATH).registries['registry.gitlab.com']!.authServer).toBe('gitlab.com');
    expect(parseConfig(config(''), PATH).registries['registry.gitlab.com']!.authServer).toBeUndefined();
  });

  it('refuses plain http, credentials in the URL and non-strings at the value', () => {
    for (const [value, col] of [
      ['"http://gitlab.com/jwt/auth"', 69],
      ['"https://me:pw@gitlab.com"', 69],
      ['[gitlab.com]', 69],
    ] as const) {
      const error = (() => {
        try {
          parseConfig(config(`, authServer: ${value}`), PATH);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(new RegExp(`^imgsync.config.yaml:4:${col}: registries\\["registry.gitlab.com"\\].authServer: `));
      expect((error as ConfigError).message).not.toContain('pw@');
    }
  });

  it('does not apply beside mirror (the requests go to the mirror)', () => {
    expect(() =>
      parseConfig(`targets:\n  - files: images.yml\nregistries:\n  docker.io: { mirror: "http://127.0.0.1:5000", authServer: auth.docker.io }\n`, PATH),
    ).toThrow(/registries\["docker.io"\].authServer: does not apply beside mirror/);
  });
});
