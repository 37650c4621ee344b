import { describe, expect, it } from 'vitest';
import { normalizeArgv } from '../../cli';
import { rewriteCmdFlags } from './cmd-argv';

describe('rewriteCmdFlags', () => {
  it("rewrites Octopoda's two-letter flags after cmd run, in both spellings", () => {
    expect(rewriteCmdFlags(['cmd', 'run', '-ta', '-cc', 'uptime', 'pi-1'])).toEqual([
      'cmd',
      'run',
      '--time-align',
      '--common-command',
      'uptime',
      'pi-1',
    ]);
    expect(rewriteCmdFlags(['cmd', 'run', '-bg=sleep 9', '-ss=a.sh', 'pi-1'])).toEqual([
      'cmd',
      'run',
      '--background=sleep 9',
      '--shellscript=a.sh',
      'pi-1',
    ]);
    expect(rewriteCmdFlags(['cmd', 'xrun', '-d', '5', '-c', 'reboot', '@lab'])).toEqual([
      'cmd',
      'xrun',
      '--delay-execute',
      '5',
      '--common-command',
      'reboot',
      '@lab',
    ]);
  });

  it('makes -c the command after the verb but leaves a leading -c as the config', () => {
    expect(rewriteCmdFlags(['-c', 'octl.yaml', '-o', 'json', 'cmd', 'run', '-c', 'ls', 'pi-1'])).toEqual([
      '-c',
      'octl.yaml',
      '-o',
      'json',
      'cmd',
      'run',
      '--common-command',
      'ls',
      'pi-1',
    ]);
  });

  it('never rewrites option values, positional look-alikes, or anything after --', () => {
    expect(
      rewriteCmdFlags(['cmd', 'run', '-c', '-bg', '--env', 'X=-d', 'FOO=1', 'pi-1', '--', '-ta']),
    ).toEqual(['cmd', 'run', '--common-command', '-bg', '--env', 'X=-d', 'FOO=1', 'pi-1', '--', '-ta']);
    expect(rewriteCmdFlags(['cmd', 'run', 'toString', '-cc'])).toEqual([
      'cmd',
      'run',
      'toString',
      '--common-command',
    ]);
  });

  it('touches no other command', () => {
    const other = ['node', 'get', '-c', 'x.yaml', '-ta'];
    expect(rewriteCmdFlags(other)).toEqual(other);
    expect(rewriteCmdFlags(['cmd', '-ta'])).toEqual(['cmd', '-ta']);
    expect(rewriteCmdFlags(['task', 'run', '-c', 'x'])).toEqual(['task', 'run', '-c', 'x']);
  });

  it('runs as part of normalizeArgv, together with -sf', () => {
    expect(normalizeArgv(['cmd', 'run', '-ta', 'date', 'ALL'])).toEqual([
      'cmd',
      'run',
      '--time-align',
      'date',
      'ALL',
    ]);
  });
});
