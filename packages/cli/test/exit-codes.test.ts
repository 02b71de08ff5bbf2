import { ConfigError, DeadlineError, FileError, FormatError, GitError, RegistryError, YamlSyntaxError } from '@imgsync/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT_INPUT, EXIT_REMOTE, EXIT_STOPPED, exitCodeOf } from '../src/exit-codes.js';

describe('exitCodeOf', () => {
  it('maps registry and git failures to 3', () => {
    expect(exitCodeOf(new RegistryError('boom', { registry: 'http://127.0.0.1:5000', status: 500 }))).toBe(EXIT_REMOTE);
    expect(exitCodeOf(new GitError('push', 'rejected', { remote: 'https://example.invalid/x.git', status: 403 }))).toBe(EXIT_REMOTE);
  });

  it('maps input errors (config, YAML syntax, format) and commander usage errors to 2', () => {
    expect(exitCodeOf(new ConfigError('bad', { path: 'imgsync.config.yaml', line: 1, col: 1 }))).toBe(EXIT_INPUT);
    expect(exitCodeOf(new YamlSyntaxError('a.yml', 3, 5, 'bad indentation'))).toBe(EXIT_INPUT);
    expect(exitCodeOf(new FormatError('a.yml', 'no known layout'))).toBe(EXIT_INPUT);
    expect(exitCodeOf(new FileError('a.yml', 'a symbolic link to "../b.yml", which leads outside the repository'))).toBe(EXIT_INPUT);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', "unknown option '--x'"))).toBe(EXIT_INPUT);
  });

  it('maps a run stopped by its time budget or a signal to 4', () => {
    expect(EXIT_STOPPED).toBe(4);
    expect(exitCodeOf(new DeadlineError('time budget ran out during registry ghcr.io: tags of org/app'))).toBe(EXIT_STOPPED);
    expect(exitCodeOf(new DeadlineError('stopped (SIGTERM) during git push', 'aborted'))).toBe(EXIT_STOPPED);
  });

  it('maps anything unexpected to 3, so scripts never read a crash as success or drift', () => {
    expect(exitCodeOf(new TypeError('x is undefined'))).toBe(EXIT_REMOTE);
    expect(exitCodeOf('thrown string')).toBe(EXIT_REMOTE);
  });
});
