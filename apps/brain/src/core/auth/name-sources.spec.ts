import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { namesAt } from './name-sources';

const request = (parts: Partial<Pick<Request, 'query' | 'body' | 'params'>>) =>
  ({ query: {}, body: undefined, params: {}, ...parts }) as Request;

describe('namesAt', () => {
  it('reads a name or a list from the query, a path parameter or the body', () => {
    expect(namesAt(request({ query: { name: 'n1' } }), { in: 'query', field: 'name' })).toEqual(['n1']);
    expect(namesAt(request({ params: { name: 'n2' } }), { in: 'param', field: 'name' })).toEqual(['n2']);
    expect(namesAt(request({ body: { Members: ['a', 'b', 3] } }), { in: 'body', field: 'Members' })).toEqual([
      'a',
      'b',
    ]);
    expect(namesAt(request({}), { in: 'body', field: 'targets' })).toEqual([]);
  });

  it("reads Octopoda's targetNodes JSON text, and names nothing when it is malformed", () => {
    const source = { in: 'query', field: 'targetNodes', format: 'json' } as const;
    expect(namesAt(request({ query: { targetNodes: '["a","b"]' } }), source)).toEqual(['a', 'b']);
    expect(namesAt(request({ query: { targetNodes: '[not json' } }), source)).toEqual([]);
    expect(namesAt(request({ query: { targetNodes: ['["x"]', '["y"]'] } }), source)).toEqual(['x']);
  });

  it('leaves @group references and whole-scope words to be resolved inside the scope', () => {
    const source = { in: 'body', field: 'targets', format: 'targets' } as const;
    expect(namesAt(request({ body: { targets: ['n1', '@g', '@', 'ALL', ''] } }), source)).toEqual(['n1']);
  });
});
