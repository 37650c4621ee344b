import { issueServerCert } from '@octopod/pki';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { OutputSink } from '../../output/output';
import { checkName, guardOverwrite, loadCa, writePair } from './pki-files';

export interface PkiServerOptions {
  dir: string;
  host: string[];
  force?: boolean;
}

export function pkiServer(name: string, options: PkiServerOptions, out: OutputSink): void {
  checkName(name);
  const dir = resolve(options.dir);
  const ca = loadCa(dir);
  guardOverwrite(dir, name, options.force ?? false);
  out.print(writePair(dir, name, issueServerCert(ca, { commonName: name, hosts: options.host })));
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerPkiServer(pki: Command, output: () => OutputSink): void {
  pki
    .command('server')
    .description('issue a server certificate (<name>.pem, <name>.key) signed by the CA in --dir')
    .argument('<name>', 'common name and file name, e.g. brain or nameserver')
    .requiredOption('--dir <dir>', 'directory holding ca.pem/ca.key; the certificate is written there')
    .option(
      '--host <host>',
      'extra DNS name or IP for the SAN (repeatable); octopoda, localhost, 127.0.0.1 are always in',
      collect,
      [],
    )
    .option('--force', 'replace an existing certificate and key')
    .action((name: string, options: PkiServerOptions) => pkiServer(name, options, output()));
}
