import {
  checkPinnedCa,
  createCsr,
  describeCertificate,
  generateRsaKeyPairAsync,
  isIssuedBy,
  JoinTokenFormatError,
  parseJoinToken,
} from '@octopod/pki';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TentacleConfig } from '../config';
import { formatAddress, type BrainAddress } from '../link/address';
import { LinkError } from '../link/errors';
import { nameServerResolver } from '../link/resolver';
import { fetchBrainCa, postEnrolment } from './brain-api';
import { JoinError } from './join-error';

export interface JoinOptions {
  token: string;
  /** Where the brain's API is, directly... */
  brainAddr?: BrainAddress;
  /** ...or through this name server (its HTTPS address as in tentacle.yaml; queries go to its plain-HTTP port). */
  nameServer?: { host: string; port: number; httpPort?: number };
  /** The brain's name in the name server (default: the config's `brain.name`). */
  brainName?: string;
  /** Replace a certificate the node already has. */
  force?: boolean;
  timeoutMs?: number;
}

export interface JoinResult {
  name: string;
  apiAddress: string;
  serial: string;
  expiresAt: string;
  files: { key: string; cert: string; ca: string };
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Where the brain's API is: `--brain-addr`, else its `octlFace.request` entry in the name server. */
async function findApi(
  config: TentacleConfig,
  options: JoinOptions,
  timeoutMs: number,
): Promise<BrainAddress> {
  if (options.brainAddr) return options.brainAddr;
  const configured = config.httpsNameServer.enable ? config.httpsNameServer : undefined;
  const ns = options.nameServer ?? configured;
  if (!ns) {
    throw new JoinError(
      'no_brain_address',
      "say where the brain's API is: --brain-addr <ip:port>, or --nameserver <host:port> --brain <name> (or enable httpsNameServer in the config)",
    );
  }
  const resolve = nameServerResolver({
    host: ns.host,
    httpPort: ns.httpPort ?? ns.port + 1,
    brainName: options.brainName ?? config.brain.name,
    entry: 'octlFace.request',
    timeoutMs,
  });
  try {
    return await resolve();
  } catch (error) {
    throw new JoinError('unreachable', error instanceof LinkError ? error.message : String(error));
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a key or certificate. */
function writeAtomically(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

/**
 * Enrols this node: makes a key and CSR here, trusts the brain's CA only if its fingerprint is the one pinned in the
 * token, trades token + CSR for a `node` certificate, and writes key (0600), certificate and CA to `config.ssl`.
 */
export async function join(config: TentacleConfig, options: JoinOptions): Promise<JoinResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let pinned: string;
  try {
    pinned = parseJoinToken(options.token).caFingerprint;
  } catch (error) {
    if (error instanceof JoinTokenFormatError) throw new JoinError('bad_token', `--token: ${error.message}`);
    throw error;
  }
  const { ssl, name } = config;
  if (!options.force && existsSync(ssl.clientCert)) {
    throw new JoinError(
      'already_enrolled',
      `this node already has a certificate (${ssl.clientCert}); use --force to replace it`,
    );
  }
  const api = await findApi(config, options, timeoutMs);
  const where = formatAddress(api);
  const [keyPair, offeredCa] = await Promise.all([generateRsaKeyPairAsync(), fetchBrainCa(api, timeoutMs)]);
  try {
    checkPinnedCa(offeredCa, pinned);
  } catch (error) {
    throw new JoinError(
      'fingerprint_mismatch',
      `the brain at ${where} is not the one the token was made for: ${(error as Error).message}; refusing to send the token`,
    );
  }
  const { csrPem, keyPem } = createCsr(name, { keyPair });
  const answer = await postEnrolment(
    api,
    offeredCa,
    { token: options.token.trim(), name, csr: csrPem },
    timeoutMs,
  );
  const summary = describeCertificate(answer.certificate);
  if (summary.commonName !== name || summary.role !== 'node' || !isIssuedBy(answer.certificate, offeredCa)) {
    throw new JoinError(
      'bad_answer',
      `the brain returned a certificate for "${summary.commonName}" (role ${summary.role ?? 'none'}) that is not this node's`,
    );
  }
  try {
    writeAtomically(ssl.clientKey, keyPem, 0o600);
    writeAtomically(ssl.clientCert, answer.certificate, 0o644);
    writeAtomically(ssl.caCert, offeredCa, 0o644);
  } catch (error) {
    throw new JoinError(
      'write_failed',
      `enrolled, but could not write the files: ${(error as Error).message}`,
    );
  }
  return {
    name,
    apiAddress: where,
    serial: summary.serial,
    expiresAt: summary.notAfter.toISOString(),
    files: { key: ssl.clientKey, cert: ssl.clientCert, ca: ssl.caCert },
  };
}
