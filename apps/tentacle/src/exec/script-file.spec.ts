import { describe, expect, it } from 'vitest';
import { sanitiseFileName, scriptFilePlace } from './script-file';

describe('sanitiseFileName', () => {
  it('leaves plain names alone', () => {
    expect(sanitiseFileName('deploy.sh')).toBe('deploy.sh');
    expect(sanitiseFileName('my script-v1.2_x.sh')).toBe('my script-v1.2_x.sh');
  });

  it('removes path separators, parent references and control characters', () => {
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'a/b', 'a\\b', '..', 'x\u0000y', 'a\nb', '...']) {
      const safe = sanitiseFileName(bad);
      expect(safe).not.toMatch(/[/\\\u0000-\u001f]/);
      expect(safe).not.toContain('..');
      expect(safe.length).toBeGreaterThan(0);
    }
    expect(sanitiseFileName('../../etc/passwd')).toBe('____etc_passwd');
  });

  it('never yields a hidden, empty or over-long name', () => {
    expect(sanitiseFileName('.bashrc')).toBe('_bashrc');
    expect(sanitiseFileName('')).toBe('script');
    expect(sanitiseFileName('x'.repeat(1000))).toHaveLength(128);
  });
});

describe('scriptFilePlace', () => {
  it('names the file after the invocation and the script, the output beside it, inside the scripts dir', () => {
    const place = scriptFilePlace('/ws/scripts', 'inv/1', '../up.sh');
    expect(place).toEqual({
      dir: '/ws/scripts',
      name: '__up.sh',
      fileName: 'inv_1-__up.sh',
      path: '/ws/scripts/inv_1-__up.sh',
      outputPath: '/ws/scripts/inv_1-__up.sh.output',
    });
  });
});
