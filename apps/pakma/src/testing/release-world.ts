// Test-only: a real name server serving signed (and broken) releases, and a restart script standing in for systemd.
import {
  generateReleaseKeys,
  packRelease,
  releaseFileName,
  signatureFileName,
  signRelease,
} from '@octopod/release';
import { freePorts, makeTestPki, spawnProcess, type SpawnedProcess } from '@octopod/testing';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

const NAMESERVER = resolve(__dirname, '../../../nameserver/dist/main.js');
export const OS = 'linux';
export const ARCH = 'x64';

/**
 * Stands in for `systemctl restart octopod-tentacle`: "starts" the version `current` points to, which writes the
 * link status file as the real tentacle does (connected, unless its tentacle.js says it never connects), with a
 * live pid (pakma's own), and appends the version to a log.
 */
const RESTART_SCRIPT = `#!/bin/sh
set -e
root=$1 status=$2 log=$3
version=$(sed -n 's/^ *"version": *"\\([^"]*\\)".*/\\1/p' "$root/current/manifest.json")
connected=true
if grep -q never-connects "$root/current/tentacle.js"; then connected=false; fi
printf '{"version":"%s","node":"pi-1","connected":%s,"since":"%s","pid":%s}\\n' \\
  "$version" "$connected" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$PPID" > "$status.tmp"
mv "$status.tmp" "$status"
echo "$version" >> "$log"
`;

export interface ReleaseWorld {
  nameServerPort: number;
  releaseKey: string;
  tls: { ca: string; cert: string; key: string };
  restartScript: string;
  close(): Promise<void>;
}

/** Publishes a signed release of a fake tentacle (`never-connects` in its code makes the restart script say so). */
async function publish(
  dir: string,
  version: string,
  privateKeyPem: string,
  options: { code?: string; sign?: 'ok' | 'none' | 'tampered' } = {},
): Promise<void> {
  const { bytes } = await packRelease({
    files: [
      {
        path: 'tentacle.js',
        data: Buffer.from(options.code ?? `console.log(${JSON.stringify(version)});\n`),
      },
      { path: 'pakma.js', data: Buffer.from('// pakma\n') },
    ],
    manifest: { app: 'tentacle', version, os: OS, arch: ARCH, entry: 'tentacle.js' },
  });
  const file = join(dir, releaseFileName('tentacle', version, OS, ARCH));
  const signature = signRelease(bytes, privateKeyPem);
  if (options.sign === 'tampered') bytes[bytes.length - 5] ^= 0xff;
  writeFileSync(file, bytes);
  if (options.sign !== 'none') writeFileSync(signatureFileName(file), signature);
}

/**
 * In `dir`: a PKI, a release key, releases 1.0.0 and 2.0.0 (healthy), 3.0.0 (never connects), 4.0.0 (unsigned),
 * 5.0.0 (tampered after signing), 6.0.0 (signed with another key), served by the built name server.
 */
export async function startReleaseWorld(dir: string): Promise<ReleaseWorld> {
  if (!existsSync(NAMESERVER))
    throw new Error(`${NAMESERVER} is missing: build first (npx tsc -b apps/nameserver)`);
  const pki = makeTestPki(join(dir, 'pki'));
  const releaseDir = join(dir, 'www', 'release');
  mkdirSync(releaseDir, { recursive: true });
  const keys = generateReleaseKeys();
  const rogue = generateReleaseKeys();
  const releaseKey = join(dir, 'release.pub');
  writeFileSync(releaseKey, keys.publicKeyPem);
  await publish(releaseDir, '1.0.0', keys.privateKeyPem);
  await publish(releaseDir, '2.0.0', keys.privateKeyPem);
  await publish(releaseDir, '3.0.0', keys.privateKeyPem, { code: '// never-connects\n' });
  await publish(releaseDir, '4.0.0', keys.privateKeyPem, { sign: 'none' });
  await publish(releaseDir, '5.0.0', keys.privateKeyPem, { sign: 'tampered' });
  await publish(releaseDir, '6.0.0', rogue.privateKeyPem);

  const [servePort, httpPort] = await freePorts(2);
  const server = pki.server('ns');
  const nsConfig = join(dir, 'nameserver.yaml');
  writeFileSync(
    nsConfig,
    stringify({
      servePort,
      httpPort,
      ip: '127.0.0.1',
      redis: { ip: '127.0.0.1', port: 6379, db: 2, keyPrefix: `pakma-it-${randomUUID()}:` },
      ssl: { caCert: pki.caPath, serverCert: server.certPath, serverKey: server.keyPath },
      staticDir: [{ url: '/release', dir: releaseDir }],
      logger: { level: 'info' },
    }),
  );
  const nameServer: SpawnedProcess = spawnProcess(process.execPath, [NAMESERVER, '-c', nsConfig]);
  await nameServer.waitForLine('"msg":"ready"');

  const client = pki.client('pi-1');
  const restartScript = join(dir, 'restart.sh');
  writeFileSync(restartScript, RESTART_SCRIPT, { mode: 0o755 });
  return {
    nameServerPort: servePort,
    releaseKey,
    tls: { ca: pki.caPath, cert: client.certPath, key: client.keyPath },
    restartScript,
    close: async () => void (await nameServer.stop()),
  };
}
