import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';

describe('ConfigError', () => {
  it('names the program on its first line and lists one issue a line', () => {
    const error = new ConfigError('brain', ['database: is required', 'ssl.caCert: must not be empty']);
    expect(error.message).toBe(
      'invalid brain configuration:\n  - database: is required\n  - ssl.caCert: must not be empty',
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ConfigError', code: 'config_invalid', app: 'brain' });
    expect(error.issues).toEqual(['database: is required', 'ssl.caCert: must not be empty']);
  });
});
