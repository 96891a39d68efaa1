/**
 * The mesh CA, made with openssl: one root per mesh, one intermediate per cluster, the shape Istio's
 * plug-in CA reads from the `cacerts` Secret (ca-cert.pem, ca-key.pem, root-cert.pem,
 * cert-chain.pem). Every istiod then signs workload certificates under the same root, which is
 * what lets proxies of different clusters trust each other.
 *
 * Keys are EC P-256: accepted by Istio's CA and by every TLS stack in the mesh, and made in
 * milliseconds (RSA 4096 takes seconds per key). Files are created in a private staging folder and
 * moved into place when complete, so an interrupted run never leaves half a CA that a later run
 * would trust. Existing files are reused (after checking they still fit together), which is what
 * makes a re-run change nothing.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BootstrapError } from './errors.ts';
import type { Runner } from './runner.ts';
import { ensurePrivateDir, writePrivateFile } from './state-dir.ts';

/** Validity of the mesh root: 10 years. */
export const ROOT_DAYS = 3650;
/** Validity of a cluster's intermediate: 2 years. */
export const INTERMEDIATE_DAYS = 730;
/** Reusing an intermediate this close to its end says so. */
const RENEW_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The mesh a CA belongs to (its id names the root). */
export interface MeshIdentity {
  readonly id: string;
}

/** The mesh root: `<state>/ca/root-cert.pem`, `<state>/ca/root-key.pem`. */
export interface RootCaFiles {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
}

/** A cluster's `cacerts` files: `<state>/ca/<cluster>/…`, named as the Secret's keys. */
export interface ClusterCaFiles {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly rootCert: string;
  readonly certChain: string;
}

/** Keys of the `cacerts` Secret, in the order Istio's docs list them. */
export const CACERTS_KEYS = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'] as const;

/** Where the mesh root lives in the state directory. */
export function rootCaFiles(stateDir: string): RootCaFiles {
  const dir = join(stateDir, 'ca');
  return { dir, cert: join(dir, 'root-cert.pem'), key: join(dir, 'root-key.pem') };
}

/** Where a cluster's intermediate (and its copy of the root and the chain) lives. */
export function clusterCaFiles(stateDir: string, cluster: string): ClusterCaFiles {
  const dir = join(rootCaFiles(stateDir).dir, cluster);
  return { dir, caCert: join(dir, 'ca-cert.pem'), caKey: join(dir, 'ca-key.pem'), rootCert: join(dir, 'root-cert.pem'), certChain: join(dir, 'cert-chain.pem') };
}

/** openssl settings for both certificates; written next to the keys while they are made. */
export const OPENSSL_CONFIG = `# Written by meshfleet bootstrap for the mesh CA; removed when the CA is made.
[req]
distinguished_name = dn
prompt = no

[dn]

[v3_root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash

[v3_intermediate]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
# The SAN Istio's own cert tooling gives an intermediate (tools/certs/Makefile.selfsigned.mk).
subjectAltName = DNS:istiod.istio-system.svc
`;

const genKey = (out: string): string[] => ['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out];

/**
 * Makes the mesh root unless it exists; returns a status for the progress line.
 * @throws BootstrapError when only one of the two root files exists, or the root no longer fits its key.
 */
export async function ensureRootCa(runner: Runner, stateDir: string, mesh: MeshIdentity): Promise<string> {
  const files = rootCaFiles(stateDir);
  const present = [files.cert, files.key].filter((f) => existsSync(f));
  if (present.length === 2) {
    const cert = checkCertAndKey(files.cert, files.key, 'mesh root');
    return reused(runner, `reused from ${files.dir}, valid until ${day(cert.validTo)}`);
  }
  if (present.length === 1) {
    throw new BootstrapError(`incomplete mesh root CA: ${present[0]} exists without ${present[0] === files.cert ? files.key : files.cert}; restore the missing file, or move ${files.dir} away to make a new mesh CA (every cluster then gets a new intermediate)`);
  }

  const staging = join(files.dir, '.root.tmp');
  const stagedKey = join(staging, 'root-key.pem');
  const stagedCert = join(staging, 'root-cert.pem');
  const config = join(staging, 'openssl.cnf');
  await runner.local(`mkdir -m 700 ${staging} and write ${config} (CA extensions: see OPENSSL_CONFIG in scripts/bootstrap/ca.ts)`, () => {
    ensurePrivateDir(files.dir);
    rmSync(staging, { recursive: true, force: true });
    ensurePrivateDir(staging);
    writePrivateFile(config, OPENSSL_CONFIG);
  });
  await runner.change({ argv: genKey(stagedKey) });
  await runner.change({
    argv: ['openssl', 'req', '-new', '-x509', '-config', config, '-extensions', 'v3_root', '-key', stagedKey,
      '-subj', `/O=meshfleet/OU=${mesh.id}/CN=Root CA ${mesh.id}`, '-days', String(ROOT_DAYS), '-sha256', '-out', stagedCert],
  });
  await runner.local(`chmod 600, then move root-key.pem and root-cert.pem into ${files.dir}`, () => {
    // The key first: a root cert on disk then always has its key beside it.
    for (const [from, to] of [[stagedKey, files.key], [stagedCert, files.cert]] as const) renamePrivate(from, to);
    rmSync(staging, { recursive: true, force: true });
  });
  return `created in ${files.dir}`;
}

/**
 * Makes the cluster's intermediate, signed by the mesh root, unless it exists; returns a status.
 * @throws BootstrapError when the cluster's files are incomplete, expired, or belong to another root.
 */
export async function ensureClusterCa(runner: Runner, stateDir: string, cluster: string, mesh: MeshIdentity): Promise<string> {
  const root = rootCaFiles(stateDir);
  const files = clusterCaFiles(stateDir, cluster);
  const all = [files.caCert, files.caKey, files.rootCert, files.certChain];
  const present = all.filter((f) => existsSync(f));
  if (present.length === all.length) return reused(runner, checkClusterCa(files, root, cluster));
  if (present.length > 0) {
    const missing = all.filter((f) => !present.includes(f)).map((f) => f.slice(files.dir.length + 1));
    throw new BootstrapError(`incomplete CA of cluster ${cluster} in ${files.dir} (missing ${missing.join(', ')}); move ${files.dir} away and re-run to issue a new intermediate`);
  }

  const staging = join(root.dir, `.${cluster}.tmp`);
  const s = (name: string) => join(staging, name);
  await runner.local(`mkdir -m 700 ${staging} and write ${s('openssl.cnf')} (CA extensions: see OPENSSL_CONFIG in scripts/bootstrap/ca.ts)`, () => {
    rmSync(staging, { recursive: true, force: true });
    ensurePrivateDir(staging);
    writePrivateFile(s('openssl.cnf'), OPENSSL_CONFIG);
  });
  await runner.change({ argv: genKey(s('ca-key.pem')) });
  await runner.change({
    argv: ['openssl', 'req', '-new', '-config', s('openssl.cnf'), '-key', s('ca-key.pem'),
      '-subj', `/O=meshfleet/OU=${mesh.id}/L=${cluster}/CN=Intermediate CA ${cluster}`, '-sha256', '-out', s('ca.csr')],
  });
  await runner.change({
    argv: ['openssl', 'x509', '-req', '-in', s('ca.csr'), '-CA', root.cert, '-CAkey', root.key,
      // A random serial, kept in the staging folder (and discarded with it).
      '-CAcreateserial', '-CAserial', s('ca.srl'),
      '-days', String(INTERMEDIATE_DAYS), '-sha256', '-extfile', s('openssl.cnf'), '-extensions', 'v3_intermediate', '-out', s('ca-cert.pem')],
  });
  await runner.local(`cert-chain.pem = ca-cert.pem + root-cert.pem; chmod 600; move the four files to ${files.dir}`, () => {
    const chain = withNewline(readFileSync(s('ca-cert.pem'), 'utf8')) + withNewline(readFileSync(root.cert, 'utf8'));
    writePrivateFile(s('cert-chain.pem'), chain);
    copyFileSync(root.cert, s('root-cert.pem'));
    for (const name of ['ca.csr', 'ca.srl', 'openssl.cnf']) rmSync(s(name), { force: true });
    for (const name of readdirSync(staging)) chmodSync(s(name), 0o600);
    // One rename: the cluster's folder appears complete or not at all.
    renameSync(staging, files.dir);
  });
  return `created in ${files.dir}`;
}

/** The `cacerts` Secret's data, read from the cluster's files. */
export function cacertsData(files: ClusterCaFiles): Record<(typeof CACERTS_KEYS)[number], string> {
  return {
    'ca-cert.pem': readFileSync(files.caCert, 'utf8'),
    'ca-key.pem': readFileSync(files.caKey, 'utf8'),
    'root-cert.pem': readFileSync(files.rootCert, 'utf8'),
    'cert-chain.pem': readFileSync(files.certChain, 'utf8'),
  };
}

function checkClusterCa(files: ClusterCaFiles, root: RootCaFiles, cluster: string): string {
  const moveAway = `move ${files.dir} away and re-run to issue a new intermediate`;
  if (!existsSync(root.cert)) throw new BootstrapError(`cluster ${cluster} has a CA in ${files.dir} but the mesh root ${root.cert} is missing; restore it, or ${moveAway}`);
  const rootPem = readFileSync(root.cert, 'utf8');
  if (readFileSync(files.rootCert, 'utf8') !== rootPem) {
    throw new BootstrapError(`the CA of cluster ${cluster} (${files.dir}) was issued under another root than ${root.cert}; ${moveAway}`);
  }
  const rootCert = new X509Certificate(rootPem);
  const caCert = checkCertAndKey(files.caCert, files.caKey, `cluster ${cluster}`);
  if (!caCert.checkIssued(rootCert) || !caCert.verify(rootCert.publicKey)) {
    throw new BootstrapError(`${files.caCert} is not signed by the mesh root ${root.cert}; ${moveAway}`);
  }
  if (readFileSync(files.certChain, 'utf8') !== withNewline(readFileSync(files.caCert, 'utf8')) + withNewline(rootPem)) {
    throw new BootstrapError(`${files.certChain} is not ca-cert.pem followed by root-cert.pem; ${moveAway}`);
  }
  const daysLeft = Math.floor((Date.parse(caCert.validTo) - Date.now()) / DAY_MS);
  const note = daysLeft < RENEW_WARNING_DAYS ? `EXPIRES in ${daysLeft} days: ${moveAway}` : `valid until ${day(caCert.validTo)}`;
  return `reused from ${files.dir}, ${note}`;
}

/** Parses a certificate, checks it is a CA, unexpired, and matches its key. */
function checkCertAndKey(certFile: string, keyFile: string, what: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(certFile));
    if (!cert.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))) throw new Error(`${keyFile} is not the key of ${certFile}`);
  } catch (err) {
    throw new BootstrapError(`the ${what} CA in ${certFile} cannot be used: ${(err as Error).message}`);
  }
  if (!cert.ca) throw new BootstrapError(`the ${what} certificate ${certFile} is not a CA certificate`);
  if (Date.parse(cert.validTo) < Date.now()) throw new BootstrapError(`the ${what} certificate ${certFile} expired on ${day(cert.validTo)}`);
  return cert;
}

/** Reports reuse: the result of the step, and a line of the dry run. */
function reused(runner: Runner, status: string): string {
  runner.note(status);
  return status;
}

function renamePrivate(from: string, to: string): void {
  chmodSync(from, 0o600);
  renameSync(from, to);
}

const withNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
const day = (date: string): string => new Date(date).toISOString().slice(0, 10);
