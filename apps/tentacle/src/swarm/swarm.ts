import {
  describeCertificate,
  generateRsaKeyPair,
  hasCertifiedKey,
  isIssuedBy,
  issueClientCert,
  readCertifiedKey,
  writeCertifiedKey,
  type CertifiedKey,
  type KeyPairPem,
} from '@octopod/pki';
import { StatusSampler, type StatusSource } from '@octopod/host';
import pino, { type Logger } from 'pino';
import { TaskRunner } from '../exec/task-runner';
import { noFiles } from '../files/file-service';
import type { BrainAddress } from '../link/address';
import { hostFacts, Link } from '../link/link';
import { nameServerResolver, staticResolver, type NameServerLocation } from '../link/resolver';
import { tentacleVersion } from '../version';

export interface SwarmOptions {
  /** How many simulated tentacles. */
  count: number;
  /** The CA that signs the simulated nodes' client certificates (the brain must trust it). */
  ca: CertifiedKey;
  /** Dial this gateway directly... */
  brain?: BrainAddress;
  /** ...or resolve it through the name server before every attempt, like a real tentacle. */
  nameServer?: NameServerLocation;
  /** Node names are `<prefix><index, zero-padded to 4>`; default `sim-`. */
  namePrefix?: string;
  /** First index; default 1 (so `sim-0001`). */
  firstIndex?: number;
  /** Backoff base / cap, ms; default 1000 / 30000 as the real tentacle. */
  reconnect?: { baseMs: number; capMs: number };
  /** One key pair for every node keeps set-up fast; generated when absent. */
  keyPair?: KeyPairPem;
  /**
   * Keep issued certificates here (`<name>.pem/.key`) and reuse those the same CA signed: issuing costs ~50 ms
   * a node (node-forge signs in JS), which dominates set-up for thousands of nodes.
   */
  certCacheDir?: string;
  /** One status source for every node; a fresh sampler when absent. */
  status?: StatusSource;
  /** Logs of every link (tagged with the node name); default: errors only. */
  logger?: Logger;
  helloTimeoutMs?: number;
  /**
   * Whether the nodes take tasks: `simulate` (default) answers every assign at once with accepted, started and
   * a success with stdout "hi\n", spawning nothing; `none` refuses them.
   */
  tasks?: 'simulate' | 'none';
}

export interface SwarmReady {
  /** From the start of dialling until the last node got its first welcome, ms. */
  elapsedMs: number;
  /** Per node: ms from the start of dialling to its first welcome, in name order. */
  readyAfterMs: number[];
}

export interface SwarmStats {
  /** Nodes currently welcomed. */
  connected: number;
  /** Nodes welcomed at least once. */
  everReady: number;
  /** Welcomes after the first, over all nodes (each is a reconnect). */
  reconnects: number;
  /** Sessions that ended while the swarm was running. */
  downs: number;
  /** Connection attempts that failed before any session. */
  failedAttempts: number;
}

export interface Swarm {
  names: string[];
  links: Link[];
  /** Issuing the certificates, ms (before any dialling). */
  setupMs: number;
  /** Resolves once every node has been welcomed once. */
  ready: Promise<SwarmReady>;
  stats(): SwarmStats;
  stop(): Promise<void>;
}

function issueCertificates(names: string[], options: SwarmOptions): CertifiedKey[] {
  let keyPair = options.keyPair;
  const issue = (commonName: string) =>
    issueClientCert(options.ca, { commonName, role: 'node', keyPair: (keyPair ??= generateRsaKeyPair()) });
  const dir = options.certCacheDir;
  if (!dir) return names.map(issue);
  return names.map((name) => {
    if (hasCertifiedKey(dir, name)) {
      const cached = readCertifiedKey(dir, name);
      const summary = describeCertificate(cached.certPem);
      // Certificates cached before roles existed have none: the gateway refuses them, so reissue.
      if (
        isIssuedBy(cached.certPem, options.ca.certPem) &&
        summary.commonName === name &&
        summary.role === 'node'
      )
        return cached;
    }
    const fresh = issue(name);
    writeCertifiedKey(dir, name, fresh);
    return fresh;
  });
}

export function simulatedName(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(4, '0')}`;
}

/**
 * N simulated tentacles in one process, each with its own client certificate and its own link (the real
 * tentacle's link code), sharing one key pair and one status sampler. Used by the connection benchmark and by
 * the fan-out benchmark (tasks are simulated: nothing is spawned).
 */
export function startSwarm(options: SwarmOptions): Swarm {
  if (!Number.isInteger(options.count) || options.count < 1)
    throw new Error('swarm count must be a positive integer');
  if (!options.brain === !options.nameServer) throw new Error('give exactly one of brain or nameServer');
  const setupStart = performance.now();
  const prefix = options.namePrefix ?? 'sim-';
  const first = options.firstIndex ?? 1;
  const names = Array.from({ length: options.count }, (_, i) => simulatedName(prefix, first + i));
  const certs = issueCertificates(names, options);
  const setupMs = performance.now() - setupStart;

  const ownSampler = options.status ? undefined : new StatusSampler().start();
  const status = options.status ?? (ownSampler as StatusSampler);
  const logger = options.logger ?? pino({ level: 'error' });
  const resolve = options.nameServer
    ? nameServerResolver(options.nameServer)
    : staticResolver(options.brain as BrainAddress);
  const facts = hostFacts();
  const version = tentacleVersion();
  const reconnect = options.reconnect ?? { baseMs: 1000, capMs: 30_000 };

  const started = performance.now();
  const readyAfterMs: (number | undefined)[] = names.map(() => undefined);
  const counters = { connected: 0, everReady: 0, reconnects: 0, downs: 0, failedAttempts: 0 };
  let resolveReady!: (ready: SwarmReady) => void;
  const ready = new Promise<SwarmReady>((resolve) => (resolveReady = resolve));

  const links = names.map((name, index) => {
    const nodeLogger = logger.child({ node: name });
    const link = new Link({
      name,
      version,
      resolve,
      tls: { ca: options.ca.certPem, cert: certs[index].certPem, key: certs[index].keyPem },
      reconnect,
      status,
      tasks:
        options.tasks === 'none'
          ? undefined
          : new TaskRunner({ simulate: true, nodeName: name, logger: nodeLogger }),
      // Simulated nodes have no file store: pushes and pulls are refused.
      files: noFiles,
      logger: nodeLogger,
      facts: { ...facts, hostname: name },
      helloTimeoutMs: options.helloTimeoutMs,
    });
    link.events.on('ready', () => {
      counters.connected++;
      if (readyAfterMs[index] !== undefined) return void counters.reconnects++;
      readyAfterMs[index] = performance.now() - started;
      if (++counters.everReady === names.length) {
        const times = readyAfterMs as number[];
        resolveReady({ elapsedMs: Math.max(...times), readyAfterMs: times });
      }
    });
    link.events.on('down', (end) => {
      if (end.welcomed) counters.connected--;
      counters.downs++;
    });
    link.events.on('failed', () => counters.failedAttempts++);
    return link.start();
  });

  let stopping: Promise<void> | undefined;
  return {
    names,
    links,
    setupMs,
    ready,
    stats: () => ({ ...counters }),
    stop: () => (stopping ??= Promise.all(links.map((link) => link.stop())).then(() => ownSampler?.stop())),
  };
}
