import { describe, expect, it } from 'vitest';
import { OctlError, UsageError } from '../../errors';
import { checkNode, findNodeApp, parseNodeAppRef, refText } from './napp-ref';

describe('parseNodeAppRef', () => {
  it('splits <app>@<scenario> at the last @', () => {
    expect(parseNodeAppRef('helloPrinter@helloWorld')).toEqual({
      app: 'helloPrinter',
      scenario: 'helloWorld',
    });
    expect(refText(parseNodeAppRef('a@b@c'))).toBe('a@b@c');
  });

  it('refuses anything else', () => {
    for (const bad of ['helloPrinter', '@helloWorld', 'helloPrinter@', ''])
      expect(() => parseNodeAppRef(bad)).toThrow(UsageError);
  });
});

describe('checkNode and findNodeApp', () => {
  it('wants one node, not a group', () => {
    expect(checkNode('pi-1')).toBe('pi-1');
    expect(() => checkNode('@lab')).toThrow('napp wants one node name');
  });

  it('finds the nodeapp, or names what the node has', async () => {
    const app = {
      name: 'web@shop',
      app: 'web',
      scenario: 'shop',
      description: '',
      head: '',
      dirty: false,
      versions: [],
    };
    const api = { listNodeApps: async () => [app] };
    await expect(findNodeApp(api, 'pi-1', { app: 'web', scenario: 'shop' })).resolves.toBe(app);
    const missing = findNodeApp(api, 'pi-1', { app: 'db', scenario: 'shop' });
    await expect(missing).rejects.toThrow(OctlError);
    await expect(missing).rejects.toThrow('node pi-1 has no nodeapp db@shop (it has: web@shop)');
  });
});
