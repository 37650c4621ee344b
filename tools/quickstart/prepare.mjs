// Creates what the quick start needs under .run/quickstart/, keeping whatever already exists: a dev CA and
// certificates, configs for the name server, the brain, three tentacles and octl, and the data/logs/pids dirs.
// Prints nothing when there was nothing to do.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));
const {
  createCa,
  describeCertificate,
  issueClientCert,
  issueServerCert,
  hasCertifiedKey,
  readCertifiedKey,
  writeCertifiedKey,
} = require('@octopod/pki');
const YAML = require('yaml');

const base = join(root, '.run/quickstart');
const dirs = {
  pki: join(base, 'pki'),
  config: join(base, 'config'),
  data: join(base, 'data'),
  logs: join(base, 'logs'),
  pids: join(base, 'pids'),
};
const TENTACLES = ['tentacle-1', 'tentacle-2', 'tentacle-3'];
const PORTS = { nsHttps: 3455, nsHttp: 3456, gateway: 3457, api: 12345 };
const DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/octopod';

const made = [];
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

// ---------- PKI ----------
function ensureCa() {
  if (hasCertifiedKey(dirs.pki, 'ca')) return readCertifiedKey(dirs.pki, 'ca');
  const ca = createCa({ commonName: 'Octopod Quick Start CA' });
  writeCertifiedKey(dirs.pki, 'ca', ca);
  made.push('pki/ca.pem');
  return ca;
}

const reissued = [];
/** Keeps an existing certificate unless it is a client certificate without the role it needs (made before roles). */
function ensureCert(file, issue, role) {
  if (hasCertifiedKey(dirs.pki, file)) {
    const current = describeCertificate(readCertifiedKey(dirs.pki, file).certPem).role;
    if (role === undefined || current === role) return;
    reissued.push(file);
  } else {
    made.push(`pki/${file}.pem`);
  }
  writeCertifiedKey(dirs.pki, file, issue());
}

const ca = ensureCa();
ensureCert('nameserver', () => issueServerCert(ca, { commonName: 'nameserver' }));
ensureCert('brain', () => issueServerCert(ca, { commonName: 'brain' }));
for (const name of TENTACLES) {
  ensureCert(name, () => issueClientCert(ca, { commonName: name, role: 'node' }), 'node');
}
ensureCert('octl', () => issueClientCert(ca, { commonName: 'admin', role: 'admin' }), 'admin');

const pki = (file) => join(dirs.pki, file);

// ---------- root password: generated once, then read back from the configs ----------
function readYaml(file) {
  try {
    return YAML.parse(readFileSync(join(dirs.config, file), 'utf8')) ?? {};
  } catch {
    return {};
  }
}
const rootPassword =
  readYaml('brain.yaml')?.workgroup?.rootPassword ??
  readYaml('octl.yaml')?.workgroup?.password ??
  randomBytes(18).toString('base64url');

// ---------- configs ----------
function ensureConfig(file, content) {
  const path = join(dirs.config, file);
  if (existsSync(path)) return;
  writeFileSync(
    path,
    `# Made by the quick start (tools/quickstart/prepare.mjs); delete it to regenerate.\n${YAML.stringify(content)}`,
    {
      mode: 0o600,
    },
  );
  made.push(`config/${file}`);
}

const releaseDir = join(dirs.data, 'release');
mkdirSync(releaseDir, { recursive: true });
ensureConfig('nameserver.yaml', {
  servePort: PORTS.nsHttps,
  httpPort: PORTS.nsHttp,
  ip: '127.0.0.1',
  redis: { ip: '127.0.0.1', port: 6379, password: '', db: 2, keyPrefix: '' },
  ssl: { caCert: pki('ca.pem'), serverCert: pki('nameserver.pem'), serverKey: pki('nameserver.key') },
  staticDir: [{ url: '/release', dir: releaseDir }],
  logger: { path: '', namePrefix: 'nameserver', level: 'info' },
});

const brainSsl = {
  caCert: pki('ca.pem'),
  serverCert: pki('brain.pem'),
  serverKey: pki('brain.key'),
  // The brain signs enrolments (octl node token create, tentacle join) with the CA key.
  caKey: pki('ca.key'),
};
ensureConfig('brain.yaml', {
  name: 'brain',
  httpsNameServer: { enable: true, host: '127.0.0.1', port: PORTS.nsHttps, requestInterval: 1 },
  tentacleFace: {
    ip: '127.0.0.1',
    port: PORTS.gateway,
    heartbeatInterval: 1,
    activeTimeout: 3,
    recordTimeout: 10,
  },
  octlFace: { ip: '127.0.0.1', port: PORTS.api },
  database: { url: DATABASE_URL },
  redis: { url: 'redis://127.0.0.1:6379/0' },
  ssl: brainSsl,
  workgroup: { rootPassword },
  // Daily files beside stdout (logs/brain.log), so `octl log get brain` has something to read.
  logger: { path: join(dirs.data, 'brain/log'), namePrefix: 'brain', level: 'info' },
  workspace: { root: join(dirs.data, 'brain/workspace'), store: join(dirs.data, 'brain/store') },
});

for (const name of TENTACLES) {
  const data = join(dirs.data, name);
  ensureConfig(`${name}.yaml`, {
    name,
    httpsNameServer: { enable: true, host: '127.0.0.1', port: PORTS.nsHttps, httpPort: PORTS.nsHttp },
    brain: { name: 'brain', ip: '127.0.0.1', port: PORTS.gateway },
    heartbeat: { reconnectInterval: 1, reconnectMax: 5 },
    logger: { path: join(data, 'log'), namePrefix: name, level: 'info' },
    workspace: { root: join(data, 'workspace'), store: join(data, 'fstore') },
    ssl: { caCert: pki('ca.pem'), clientCert: pki(`${name}.pem`), clientKey: pki(`${name}.key`) },
    env: [],
  });
}

ensureConfig('octl.yaml', {
  httpsNameServer: { enable: true, host: '127.0.0.1', port: PORTS.nsHttps, httpPort: PORTS.nsHttp },
  brain: { name: 'brain', ip: '127.0.0.1', port: PORTS.api },
  ssl: { caCert: pki('ca.pem'), clientCert: pki('octl.pem'), clientKey: pki('octl.key') },
  workgroup: { root: '', password: rootPassword, currentPathFile: join(dirs.data, 'octl-current-path.yaml') },
});

// A brain.yaml from before enrolment existed lacks the CA key: add it, keeping everything else.
const brainYaml = readYaml('brain.yaml');
if (brainYaml.ssl && !brainYaml.ssl.caKey) {
  brainYaml.ssl.caKey = brainSsl.caKey;
  writeFileSync(
    join(dirs.config, 'brain.yaml'),
    `# Made by the quick start (tools/quickstart/prepare.mjs); delete it to regenerate.\n${YAML.stringify(brainYaml)}`,
    { mode: 0o600 },
  );
  made.push('config/brain.yaml (ssl.caKey)');
}

if (made.length) console.log(`quickstart: created ${made.join(', ')} in .run/quickstart/`);
if (reissued.length) {
  console.log(
    `quickstart: reissued ${reissued.join(', ')} with a certificate role (node or admin); ` +
      'restart what runs: npm run quickstart -- stop && npm run quickstart',
  );
}
