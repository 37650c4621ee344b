import { OctopodClient } from '@octopod/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from './stack';

/** An SDK client of the stack's brain with the admin certificate, as octl and users' programs connect. */
export function adminClient(stack: Stack, timeoutMs = 60_000): OctopodClient {
  return new OctopodClient({
    address: `127.0.0.1:${stack.ports.api}`,
    ca: readFileSync(stack.pki.caPath, 'utf8'),
    cert: readFileSync(join(stack.pki.dir, 'admin.pem'), 'utf8'),
    key: readFileSync(join(stack.pki.dir, 'admin.key'), 'utf8'),
    timeoutMs,
  });
}
