import { ArchiveRefusedError } from '@octopod/files';
import { ChecksumMismatchError } from '@octopod/protocol';
import { describe, expect, it } from 'vitest';
import { describeFailure, pushResult } from './failure';

const errno = (code: string, message = `${code}: boom`) => Object.assign(new Error(message), { code });

describe('describeFailure', () => {
  it('says what an errno means and where, in words', () => {
    expect(describeFailure(errno('ENOSPC'), '/srv/in/a.bin')).toBe(
      'no space left on device writing /srv/in/a.bin',
    );
    expect(describeFailure(errno('EACCES'), '/data/x', 'reading')).toBe('permission denied reading /data/x');
    expect(describeFailure(errno('EWEIRD', 'EWEIRD: odd'), '/x')).toBe('EWEIRD writing /x: EWEIRD: odd');
    expect(describeFailure(new Error('no luck'), '/x', 'packing')).toBe('no luck (packing /x)');
  });

  it('names a bad checksum and a refused archive entry', () => {
    expect(describeFailure(new ChecksumMismatchError('a'.repeat(64), 'b'.repeat(64)), '/x')).toBe(
      `checksum mismatch: sha256 of the received bytes is ${'b'.repeat(64)}, expected ${'a'.repeat(64)}`,
    );
    const refused = new ArchiveRefusedError(
      'hardlink',
      'x/link',
      'hardlinks are not allowed (to "/etc/passwd")',
    );
    expect(describeFailure(refused, '/x')).toBe(
      'archive refused: entry "x/link": hardlinks are not allowed (to "/etc/passwd")',
    );
  });
});

describe('pushResult', () => {
  it('is a success without an error and a failure with one, with no process fields', () => {
    expect(pushResult('i-1', 10, null, 20)).toEqual({
      invocationId: 'i-1',
      state: 'success',
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      output: '',
      pid: null,
      startedAt: 10,
      endedAt: 20,
      error: null,
    });
    expect(pushResult('i-1', 10, 'disk full', 20)).toMatchObject({ state: 'failed', error: 'disk full' });
  });
});
