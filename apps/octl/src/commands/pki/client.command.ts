import { issueClientCert } from '@octopod/pki';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { OutputSink } from '../../output/output';
import { checkName, guardOverwrite, loadCa, writePair } from './pki-files';

export interface PkiClientOptions {
  dir: string;
  force?: boolean;
}

export function pkiClient(name: string, options: PkiClientOptions, out: OutputSink): void {
  checkName(name);
  const dir = resolve(options.dir);
  const ca = loadCa(dir);
  guardOverwrite(dir, name, options.force ?? false);
  out.print(writePair(dir, name, issueClientCert(ca, { commonName: name })));
}

export function registerPkiClient(pki: Command, output: () => OutputSink): void {
  pki
    .command('client')
    .description(
      'issue a client certificate (<name>.pem, <name>.key) whose CN is the identity: a node or a user',
    )
    .argument('<name>', 'common name and file name, e.g. pi-1 or admin')
    .requiredOption('--dir <dir>', 'directory holding ca.pem/ca.key; the certificate is written there')
    .option('--force', 'replace an existing certificate and key')
    .action((name: string, options: PkiClientOptions) => pkiClient(name, options, output()));
}
