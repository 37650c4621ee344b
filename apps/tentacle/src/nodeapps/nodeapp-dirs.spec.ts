import { describe, expect, it } from 'vitest';
import { missingNodeAppError, nodeAppPath, nodeAppRefOf, unknownNodeAppError } from './nodeapp-dirs';

describe('nodeapp directories', () => {
  it('reads <app>@<scenario> names with two valid parts only', () => {
    expect(nodeAppRefOf('web@demo')).toEqual({ app: 'web', scenario: 'demo' });
    expect(nodeAppRefOf('web.v2@demo_1')).toEqual({ app: 'web.v2', scenario: 'demo_1' });
    for (const name of ['scripts', '.octopod', '@demo', 'web@', 'a@b@c', 'we b@demo', '.git@demo']) {
      expect(nodeAppRefOf(name)).toBeUndefined();
    }
  });

  it('places a nodeapp in the workspace and names it in errors', () => {
    const ref = { app: 'web', scenario: 'demo' };
    expect(nodeAppPath('/srv/ws', ref)).toBe('/srv/ws/web@demo');
    expect(missingNodeAppError(ref, 'pi-1')).toBe('nodeapp web@demo does not exist on pi-1');
    expect(unknownNodeAppError(ref, 'pi-1')).toBe('no nodeapp web@demo on pi-1');
  });
});
