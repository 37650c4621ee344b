import { describe, expect, it } from 'vitest';
import { splitDatabaseUrl } from './database-url';
import { redisOptionsFromUrl } from '../queue/queue.module';

describe('connection URLs', () => {
  it("splits Prisma's schema parameter off a Postgres URL", () => {
    expect(splitDatabaseUrl('postgresql://u@h:5432/db?schema=t1&sslmode=disable')).toEqual({
      connectionString: 'postgresql://u@h:5432/db?sslmode=disable',
      schema: 't1',
    });
    expect(splitDatabaseUrl('postgresql://u@h/db').schema).toBe('public');
    expect(() => splitDatabaseUrl('postgresql://u@h/db?schema=a;drop')).toThrow(/identifier/);
  });

  it('turns a redis URL into connection options', () => {
    expect(redisOptionsFromUrl('redis://:pw@10.0.0.1:6380/3')).toEqual({
      host: '10.0.0.1',
      port: 6380,
      db: 3,
      password: 'pw',
    });
    expect(redisOptionsFromUrl('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
  });
});
