import { describe, expect, it } from 'vitest';
import { Lanes } from './lanes';

/** A promise with its resolve and reject handed out. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

describe('Lanes', () => {
  it('starts work in one lane only once the work before it settled, failures included', async () => {
    const lanes = new Lanes();
    const log: string[] = [];
    const first = deferred();
    const a = lanes.run('web@demo', async () => {
      log.push('a starts');
      await first.promise;
      throw new Error('a failed');
    });
    const b = lanes.run('web@demo', async () => void log.push('b runs'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a starts']);
    first.resolve();
    await expect(a).rejects.toThrow('a failed');
    await b;
    expect(log).toEqual(['a starts', 'b runs']);
  });

  it('does not make different lanes wait for each other', async () => {
    const lanes = new Lanes();
    const stuck = deferred();
    void lanes.run('web@demo', () => stuck.promise);
    expect(await lanes.run('api@demo', async () => 'other lane')).toBe('other lane');
    stuck.resolve();
  });
});
