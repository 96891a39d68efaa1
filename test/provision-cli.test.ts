/** `npm run provision` as a user runs it: a child process, its output and its exit code. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeGke } from './fake-gke/server.ts';
import { MESHFLEET_BIN } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'meshfleet-provision-'));

/**
 * An environment with no Google credentials anywhere and no emulator; the metadata server is not
 * asked either, so the test holds on a GCE-hosted CI runner too.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: EMPTY_HOME, CLOUDSDK_CONFIG: EMPTY_HOME, METADATA_SERVER_DETECTION: 'none', CI: '1', ...extra };
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MESHFLEET_BIN, 'provision', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let fake: FakeGke;
before(async () => {
  fake = await FakeGke.start({ pollsToDone: 2 });
});
after(async () => {
  await fake.close();
  rmSync(EMPTY_HOME, { recursive: true, force: true });
});

describe('npm run provision', { concurrency: true }, () => {
  test('against GKE_EMULATOR_HOST: plan, progress, summary; network steps skipped with a notice', async () => {
    const env = cleanEnv({ GKE_EMULATOR_HOST: fake.address, MESHFLEET_RETRY_DELAY_MS: '1', MESHFLEET_POLL_INTERVAL_MS: '1' });
    const first = await cli(['--yes'], env);
    assert.equal(first.code, 0, first.out + first.err);
    assert.equal(first.err, 'notice: network steps skipped: GKE_EMULATOR_HOST is set and COMPUTE_EMULATOR_HOST is not; set COMPUTE_EMULATOR_HOST=HOST:PORT to run them against a compute emulator\n');
    assert.match(first.out, new RegExp(`GKE API: emulator at ${fake.address.replace(/\./g, '\\.')} \\(plaintext gRPC, no credentials\\)`));
    assert.match(first.out, /cluster +frankfurt +europe-west3 +create\n {2}cluster +saopaulo +southamerica-east1 +create\n2 to create, 9 skipped\./);
    // Not a terminal: progress is appended line by line, no cursor movement.
    assert.doesNotMatch(first.out, /\x1b\[/);
    assert.match(first.out, /cluster frankfurt +\S+ +creating \(operation operation-\d+-frankfurt: RUNNING\)\n/);
    assert.match(first.out, /Summary:\n.*\n +cluster frankfurt +created .*\n +cluster saopaulo +created .*\n\nDone\.\n$/);
    assert.deepEqual(fake.requests('CreateCluster').map((r) => r.cluster.name).sort(), ['frankfurt', 'saopaulo']);

  });

  test('without credentials: one line, exit 1', async () => {
    const { code, out, err } = await cli(['--yes'], cleanEnv());
    assert.equal(code, 1, out + err);
    assert.equal(err, 'no Google credentials found: run "gcloud auth application-default login" or set GOOGLE_APPLICATION_CREDENTIALS\n');
  });

  test('--dry-run --offline needs no credentials and sends nothing', async () => {
    const { code, out, err } = await cli(['--dry-run', '--offline', '--cluster', 'saopaulo'], cleanEnv());
    assert.equal(code, 0, out + err);
    assert.equal(err, '');
    assert.match(out, /1 of 2 clusters/);
    assert.match(out, /gcloud compute networks subnets create saopaulo --project=meshfleet-demo --region=southamerica-east1 --network=mesh-vpc --range=10\.20\.0\.0\/20 --secondary-range=saopaulo-pods=10\.108\.0\.0\/14,saopaulo-services=10\.112\.0\.0\/20 --enable-private-ip-google-access --format=json\n/);
    assert.match(out, /"spot": true/);
    assert.doesNotMatch(out, /"name": "frankfurt"/);
    assert.match(out, /Dry run: no request was sent\.\n$/);
  });

  test('--help describes every option', async () => {
    const { code, out } = await cli(['--help'], cleanEnv());
    assert.equal(code, 0);
    for (const option of [
      '--config FILE', '--cluster NAME', '--dry-run', '--offline', '--yes', '--prune', '--accept-drift', '--call-timeout SECONDS', '--wait-timeout SECONDS',
      '--help', 'GKE_EMULATOR_HOST', 'COMPUTE_EMULATOR_HOST', 'MESHFLEET_RETRY_DELAY_MS', 'MESHFLEET_POLL_INTERVAL_MS', 'MESHFLEET_POLL_TIMEOUT_MS',
    ]) {
      assert.ok(out.includes(option), `--help lacks ${option}`);
    }
  });

  test('a server that takes the connection and never answers: one line naming the call and where, exit 1, within the call budget', async () => {
    const dead = createServer((socket) => sockets.push(socket));
    const sockets: Socket[] = [];
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(dead.address() as { port: number }).port}`;
    try {
      const { code, out, err } = await cli(['--yes', '--call-timeout', '0.4'], cleanEnv({ GKE_EMULATOR_HOST: address, MESHFLEET_RETRY_DELAY_MS: '1' }));
      assert.equal(code, 1, out + err);
      const lines = err.split('\n').filter(Boolean);
      // The notice, a progress line per retry, then the one line that says what failed. Each attempt
      // waits its 0.4 s deadline; a second one starts only if it can end within the 1.2 s budget
      // (on a loaded machine the first may already have used too much of it).
      const retries = lines.slice(1, -1);
      assert.ok(retries.length <= 1, err);
      for (const line of retries) assert.match(line, /^ {2}GKE ListClusters: DEADLINE_EXCEEDED: Deadline exceeded after [0-9.]+s,.*; retry 1\/5 in \d+ms$/);
      const attempts = retries.length === 0 ? '1 attempt' : '2 attempts';
      assert.match(lines.at(-1)!, new RegExp(`^error: cannot read what exists: GKE ListClusters projects/meshfleet-demo/locations/- at ${address.replace(/\./g, '\\.')} \\(GKE_EMULATOR_HOST\\): no answer in (\\d+ms|[0-9.]+s) \\(${attempts} of 400ms\\); check that the server is up, or give a slow one more time with --call-timeout SECONDS$`));
      // It stops after its budget, not after six 20 s deadlines.
      assert.match(lines.at(-1)!, /no answer in (\d+ms|[0-4]\.\d+s) /);
      assert.match(out, /\nReading what exists…\n/);
    } finally {
      for (const s of sockets) s.destroy();
      dead.close();
    }
  });

  test('bad timing options and --offline without --dry-run are usage errors (exit 2)', async () => {
    const timeout = await cli(['--call-timeout', 'soon', '--dry-run', '--offline'], cleanEnv());
    assert.equal(timeout.code, 2);
    assert.equal(timeout.err, '--call-timeout must be a positive number of seconds (got "soon")\nRun with --help for details.\n');
    const offline = await cli(['--offline'], cleanEnv());
    assert.equal(offline.code, 2);
    assert.equal(offline.err, '--offline only goes with --dry-run\nRun with --help for details.\n');
  });

  test('an unknown --cluster is a usage error (exit 2)', async () => {
    const { code, err } = await cli(['--cluster', 'frankfurt,tokyo', '--dry-run'], cleanEnv());
    assert.equal(code, 2);
    assert.equal(err, 'unknown cluster tokyo (expected one of frankfurt, saopaulo)\nRun with --help for details.\n');
  });
});
