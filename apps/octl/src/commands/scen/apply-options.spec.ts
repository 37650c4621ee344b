import { OctopodApiError } from '@octopod/sdk';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors';
import { planApply, scenarioIssues } from './apply-options';

describe('planApply', () => {
  it('takes the folder and a target, default "default"', () => {
    expect(planApply(['./hello'], {})).toEqual({
      source: { dir: './hello' },
      target: 'default',
      message: undefined,
      stopOnError: false,
    });
    expect(planApply(['./hello', 'start'], { stopOnError: true, message: 'go' })).toEqual({
      source: { dir: './hello' },
      target: 'start',
      message: 'go',
      stopOnError: true,
    });
  });

  it('refuses commit without a message, as Octopoda', () => {
    expect(() => planApply(['./hello', 'commit'], {})).toThrow(
      'target commit records a new version and needs its message: -m <message>',
    );
    expect(() => planApply(['./hello', 'commit'], { message: '' })).toThrow(UsageError);
    expect(planApply(['./hello', 'commit'], { message: 'tested' }).target).toBe('commit');
  });

  it('with --git, the only argument is the target; the ref defaults to HEAD', () => {
    expect(planApply([], { git: 'http://git/x.git' })).toEqual({
      source: { git: { url: 'http://git/x.git', ref: 'HEAD' } },
      target: 'default',
      message: undefined,
      stopOnError: false,
    });
    expect(planApply(['purge'], { git: 'http://git/x.git', ref: 'v2' })).toMatchObject({
      source: { git: { url: 'http://git/x.git', ref: 'v2' } },
      target: 'purge',
    });
    expect(() => planApply(['./hello', 'start'], { git: 'http://git/x.git' })).toThrow(
      'with --git the only argument is the target',
    );
    expect(() => planApply(['commit'], { git: 'http://git/x.git' })).toThrow('-m <message>');
  });

  it('refuses a missing folder, extra words, and --ref without --git', () => {
    expect(() => planApply([], {})).toThrow('which scenario? give its folder');
    expect(() => planApply(['./hello', 'start', 'now'], {})).toThrow('too many arguments: now');
    expect(() => planApply(['./hello'], { ref: 'main' })).toThrow('--ref goes with --git <url>');
  });
});

describe('scenarioIssues', () => {
  it("reads each issue of the brain's invalid_scenario answer", () => {
    const error = new OctopodApiError(
      422,
      'invalid_scenario',
      'the scenario is not valid:\n  deployment.yaml:3: description: is required\n  alias.yaml: loop through @a',
    );
    expect(scenarioIssues(error)).toEqual([
      'deployment.yaml:3: description: is required',
      'alias.yaml: loop through @a',
    ]);
  });

  it('has nothing to say about other errors, or a refusal without issues', () => {
    expect(scenarioIssues(new OctopodApiError(409, 'scenario_busy', 'busy\n  x'))).toBeUndefined();
    expect(
      scenarioIssues(new OctopodApiError(422, 'invalid_scenario', 'the archive holds no deployment.yaml')),
    ).toBeUndefined();
    expect(scenarioIssues(new Error('x'))).toBeUndefined();
  });
});
