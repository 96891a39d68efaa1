/** The mesh CA made by bootstrap: a chain openssl verifies, the cacerts layout, private files, reuse. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cacertsData, clusterCaFiles, ensureClusterCa, ensureRootCa, INTERMEDIATE_DAYS, ROOT_DAYS, rootCaFiles } from '../scripts/bootstrap/ca.ts';
import { BootstrapError } from '../scripts/bootstrap/errors.ts';
import { Redactor } from '../scripts/bootstrap/redact.ts';
import { DryRunRunner, ExecRunner } from '../scripts/bootstrap/runner.ts';

const mesh = { id: 'mesh1' };
const scratch: string[] = [];
/** A temp dir removed after the tests (it will hold private keys). */
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
after(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
const DAY = 24 * 60 * 60 * 1000;
const exec = () => new ExecRunner({ env: process.env, redactor: new Redactor() });
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function makeCa(clusters: string[] = ['frankfurt']): Promise<string> {
  const state = join(tempDir('meshfleet-ca-'), 'state');
  await ensureRootCa(exec(), state, mesh);
  for (const c of clusters) await ensureClusterCa(exec(), state, c, mesh);
  return state;
}

/** Signs a workload-like leaf with the cluster's intermediate, as istiod would. */
function signLeaf(files: ReturnType<typeof clusterCaFiles>, dir: string): string {
  const ext = join(dir, 'leaf.cnf');
  writeFileSync(ext, 'basicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature, keyEncipherment\nsubjectAltName = URI:spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews\n');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'leaf-key.pem'));
  openssl('req', '-new', '-key', join(dir, 'leaf-key.pem'), '-subj', '/O=cluster.local', '-out', join(dir, 'leaf.csr'));
  openssl('x509', '-req', '-in', join(dir, 'leaf.csr'), '-CA', files.caCert, '-CAkey', files.caKey, '-CAcreateserial', '-CAserial', join(dir, 'leaf.srl'),
    '-days', '1', '-extfile', ext, '-out', join(dir, 'leaf.pem'));
  return join(dir, 'leaf.pem');
}

describe('mesh CA', () => {
  test('root → intermediate → leaf verifies with openssl verify', async () => {
    const state = await makeCa();
    const files = clusterCaFiles(state, 'frankfurt');
    const leaf = signLeaf(files, tempDir('meshfleet-leaf-'));
    const verified = spawnSync('openssl', ['verify', '-CAfile', files.rootCert, '-untrusted', files.caCert, leaf], { encoding: 'utf8' });
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, /leaf\.pem: OK/);
    // Without the intermediate, the leaf does not chain to the root.
    const alone = spawnSync('openssl', ['verify', '-CAfile', files.rootCert, leaf], { encoding: 'utf8' });
    assert.notEqual(alone.status, 0);
  });

  test('cert-chain.pem is the intermediate then the root; root-cert.pem is the mesh root', async () => {
    const state = await makeCa();
    const files = clusterCaFiles(state, 'frankfurt');
    const read = (f: string) => readFileSync(f, 'utf8');
    assert.equal(read(files.certChain), read(files.caCert) + read(rootCaFiles(state).cert));
    assert.equal(read(files.rootCert), read(rootCaFiles(state).cert));
    assert.deepEqual(Object.keys(cacertsData(files)), ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem']);
  });

  test('root: CA:true, keyCertSign, 10 years; intermediate: CA:true pathlen:0, 2 years, named after the cluster', async () => {
    const state = await makeCa();
    const root = new X509Certificate(readFileSync(rootCaFiles(state).cert));
    const inter = new X509Certificate(readFileSync(clusterCaFiles(state, 'frankfurt').caCert));
    assert.equal(root.ca, true);
    assert.equal(inter.ca, true);
    assert.ok(inter.checkIssued(root) && inter.verify(root.publicKey));
    const days = (c: X509Certificate) => Math.round((Date.parse(c.validTo) - Date.parse(c.validFrom)) / DAY);
    assert.equal(days(root), ROOT_DAYS);
    assert.equal(days(inter), INTERMEDIATE_DAYS);
    assert.match(inter.subject, /CN=Intermediate CA frankfurt/);
    assert.match(inter.subject, /L=frankfurt/);
    const rootText = openssl('x509', '-in', rootCaFiles(state).cert, '-noout', '-text');
    assert.match(rootText, /Basic Constraints: critical\s+CA:TRUE\n/);
    assert.match(rootText, /Key Usage: critical\s+.*Certificate Sign/);
    const interText = openssl('x509', '-in', clusterCaFiles(state, 'frankfurt').caCert, '-noout', '-text');
    assert.match(interText, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(interText, /Key Usage: critical\s+.*Certificate Sign/);
  });

  test('key files (and every file) are 0600, folders 0700, no staging left behind', async () => {
    const state = await makeCa(['frankfurt', 'saopaulo']);
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)]));
    const entries = walk(state);
    assert.ok(entries.some((e) => e.endsWith('root-key.pem')) && entries.some((e) => e.endsWith('ca-key.pem')));
    for (const entry of [state, ...entries]) {
      const mode = statSync(entry).mode & 0o777;
      assert.equal(mode, statSync(entry).isDirectory() ? 0o700 : 0o600, `${entry} has mode ${mode.toString(8)}`);
    }
    assert.deepEqual(entries.filter((e) => e.includes('.tmp')), []);
  });

  test('a second run reuses every file unchanged', async () => {
    const state = await makeCa();
    const files = clusterCaFiles(state, 'frankfurt');
    const before = [files.caKey, files.caCert, rootCaFiles(state).key].map((f) => readFileSync(f, 'utf8'));
    assert.match(await ensureRootCa(exec(), state, mesh), /^reused from .*, valid until \d{4}-\d\d-\d\d$/);
    assert.match(await ensureClusterCa(exec(), state, 'frankfurt', mesh), /^reused from .*frankfurt, valid until/);
    assert.deepEqual([files.caKey, files.caCert, rootCaFiles(state).key].map((f) => readFileSync(f, 'utf8')), before);
  });

  test('an intermediate of another root is refused, with the fix', async () => {
    const state = await makeCa();
    const other = await makeCa();
    writeFileSync(rootCaFiles(state).cert, readFileSync(rootCaFiles(other).cert));
    writeFileSync(rootCaFiles(state).key, readFileSync(rootCaFiles(other).key));
    await assert.rejects(ensureClusterCa(exec(), state, 'frankfurt', mesh), (err: Error) => {
      assert.ok(err instanceof BootstrapError);
      assert.match(err.message, /^the CA of cluster frankfurt \(.*\) was issued under another root than .*root-cert\.pem; move .*frankfurt away and re-run to issue a new intermediate$/);
      return true;
    });
  });

  test('half a root is refused rather than replaced', async () => {
    const state = await makeCa([]);
    rmSync(rootCaFiles(state).key);
    await assert.rejects(ensureRootCa(exec(), state, mesh), /^BootstrapError: incomplete mesh root CA: .*root-cert\.pem exists without .*root-key\.pem/);
  });

  test('a dry run prints the openssl commands and creates nothing', async () => {
    const state = join(tempDir('meshfleet-ca-'), 'state');
    let printed = '';
    const runner = new DryRunRunner({ write: (t: string) => (printed += t) });
    await ensureRootCa(runner, state, mesh);
    await ensureClusterCa(runner, state, 'frankfurt', mesh);
    assert.equal(existsSync(state), false);
    const commands = printed.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('openssl'));
    assert.deepEqual(commands.map((l) => l.split(' ').slice(0, 2).join(' ')), ['openssl genpkey', 'openssl req', 'openssl genpkey', 'openssl req', 'openssl x509']);
    assert.match(commands[1]!, /-x509 .*-extensions v3_root .*-days 3650/);
    assert.match(commands[4]!, /-CA \S+\/ca\/root-cert\.pem -CAkey \S+\/ca\/root-key\.pem .*-days 730 .*-extensions v3_intermediate/);
  });
});
