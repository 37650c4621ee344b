import { describe, expect, it } from 'vitest';
import { releaseFileName, signatureFileName } from './release-name';
import { compareVersions, versionProblem } from './version';

describe('versionProblem', () => {
  it.each(['1', '1.2.3', '10.0.20', '0.0.1', '2024.11.23'])('accepts %s', (version) => {
    expect(versionProblem(version)).toBeUndefined();
  });

  it.each([
    ['', 'must not be empty'],
    ['v1.2', 'must contain only digits and dots'],
    ['1.2-rc1', 'must contain only digits and dots'],
    ['1.2/../3', 'must contain only digits and dots'],
    [' 1.2', 'must contain only digits and dots'],
    ['.1.2', 'must not start or end with a dot'],
    ['1.2.', 'must not start or end with a dot'],
    ['.', 'must not start or end with a dot'],
    ['1..2', 'must not contain empty parts'],
    ['1'.repeat(65), 'must be at most 64 characters'],
  ])('refuses "%s": %s', (version, problem) => {
    expect(versionProblem(version)).toBe(problem);
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.2.3', '1.2.3', 0],
    ['1.10', '1.9', 1],
    ['1.9', '1.10', -1],
    ['1.2', '1.2.0', 0],
    ['1.2.1', '1.2', 1],
    ['01.2', '1.2', 0],
    ['2', '10', -1],
    ['123456789012345678901234567890', '123456789012345678901234567891', -1],
  ] as const)('%s vs %s is %i', (a, b, order) => {
    expect(compareVersions(a, b)).toBe(order);
    expect(compareVersions(b, a)).toBe(order === 0 ? 0 : -order);
  });
});

describe('release file names', () => {
  it('names the tarball octopod-<app>_v<version>_<os>_<arch>.tar.gz and its signature .sig', () => {
    const file = releaseFileName('tentacle', '1.2.3', 'linux', 'arm64');
    expect(file).toBe('octopod-tentacle_v1.2.3_linux_arm64.tar.gz');
    expect(signatureFileName(file)).toBe('octopod-tentacle_v1.2.3_linux_arm64.tar.gz.sig');
  });

  it('defaults to this machine', () => {
    expect(releaseFileName('pakma', '1')).toBe(`octopod-pakma_v1_${process.platform}_${process.arch}.tar.gz`);
  });
});
