import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors';
import { planCmd } from './cmd-options';

describe('planCmd', () => {
  it('takes a bare first argument as the command and the rest as targets', () => {
    expect(planCmd('run', ['uname -a', 'pi-1', '@lab'], {})).toEqual({
      mode: 'run',
      kind: 'command',
      request: { targets: ['pi-1', '@lab'], command: 'uname -a' },
      scriptPath: undefined,
    });
  });

  it('with -c every argument is a target', () => {
    expect(planCmd('run', ['pi-1', 'pi-2'], { commonCommand: 'ls', timeAlign: true }).request).toEqual({
      targets: ['pi-1', 'pi-2'],
      command: 'ls',
      align: true,
    });
  });

  it('marks -bg as background and -ss as a script to read', () => {
    const bg = planCmd('run', ['pi-1'], { background: 'sleep 100' });
    expect([bg.kind, bg.request]).toEqual([
      'background',
      { targets: ['pi-1'], command: 'sleep 100', background: true },
    ]);
    const ss = planCmd('run', ['@lab'], { shellscript: './collect.sh' });
    expect([ss.kind, ss.scriptPath, ss.request]).toEqual(['script', './collect.sh', { targets: ['@lab'] }]);
  });

  it('gives xrun its delay (default 0) and the "loaded" kind', () => {
    expect(planCmd('xrun', ['reboot', 'pi-1'], { delayExecute: '10' }).request.delaySeconds).toBe(10);
    const plain = planCmd('xrun', ['pi-1'], { commonCommand: 'x' });
    expect([plain.kind, plain.request.delaySeconds]).toEqual(['xrun', 0]);
    expect(planCmd('run', ['x', 'pi-1'], {}).request).not.toHaveProperty('delaySeconds');
  });

  it('passes timeout, env and the hidden dispatch options', () => {
    const plan = planCmd('run', ['x', 'pi-1'], {
      timeout: '2.5',
      env: ['A=1', 'B=x=y', 'A=2'],
      deliveryTimeout: '30',
      maxConcurrency: '4',
      maxErrors: '0',
    });
    expect(plan.request).toMatchObject({
      timeoutSeconds: 2.5,
      env: { A: '2', B: 'x=y' },
      deliveryTimeoutSeconds: 30,
      maxConcurrency: 4,
      maxErrors: 0,
    });
  });

  it('refuses bad combinations and values as usage errors', () => {
    const bad = (args: string[], flags: object, message: string) => {
      expect(() => planCmd('xrun', args, flags)).toThrow(UsageError);
      expect(() => planCmd('xrun', args, flags)).toThrow(message);
    };
    bad(
      ['pi-1'],
      { commonCommand: 'a', background: 'b' },
      'give only one of -c/--common-command, -bg/--background',
    );
    bad([], {}, 'missing the command');
    bad(['uptime'], {}, 'no target nodes');
    bad(['pi-1'], { commonCommand: '  ' }, 'empty command');
    bad(['x', 'pi-1'], { delayExecute: '-1' }, '--delay-execute must be a non-negative number, got "-1"');
    bad(['x', 'pi-1'], { delayExecute: '1.5' }, '--delay-execute must be a whole number');
    bad(['x', 'pi-1'], { timeout: '0' }, '--timeout must be a positive number');
    bad(['x', 'pi-1'], { env: ['1A=x'] }, '--env wants KEY=VALUE');
    bad(['x', 'pi-1'], { env: ['NOVALUE'] }, '--env wants KEY=VALUE');
  });
});
