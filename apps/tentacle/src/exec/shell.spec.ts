import { describe, expect, it } from 'vitest';
import { commandArgs, pickShell, scriptArgs } from './shell';

describe('pickShell', () => {
  it('prefers /bin/bash, then /bin/sh, then sh from the PATH', () => {
    expect(pickShell(() => true)).toBe('/bin/bash');
    expect(pickShell((path) => path === '/bin/sh')).toBe('/bin/sh');
    expect(pickShell(() => false)).toBe('sh');
  });
});

describe('arguments', () => {
  it('runs a command as `-c <command>` and a script as the shell argument', () => {
    expect(commandArgs('/bin/bash', 'echo hi', false)).toEqual(['-c', 'echo hi']);
    expect(scriptArgs('/bin/bash', '/ws/scripts/a.sh', false)).toEqual(['/ws/scripts/a.sh']);
  });

  it('gates both behind a read on fd 3, passing the command or script as an argument, never in the text', () => {
    const [flag, wrapper, zero, command] = commandArgs('/bin/sh', 'echo "$1"; rm -rf x', true);
    expect([flag, zero, command]).toEqual(['-c', '/bin/sh', 'echo "$1"; rm -rf x']);
    expect(wrapper).toMatch(/^IFS= read -r \w+ <&3 \|\| exit 125; exec 3<&-;/);
    expect(wrapper).not.toContain('rm -rf');
    const script = scriptArgs('/bin/bash', '/ws/a b.sh', true);
    expect(script.slice(2)).toEqual(['/bin/bash', '/ws/a b.sh']);
    expect(script[1]).toContain('exec "$0" "$1"');
  });
});
