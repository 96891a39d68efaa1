/**
 * The network steps through the real gcloud CLI against a local fake Compute API (gcloud's
 * `api_endpoint_overrides/compute`): proves the commands parse and send what we mean.
 * Opt-in (MESHFLEET_TEST_GCLOUD=1): gcloud takes ~0.7 s per command, about 4 s here, which would
 * double the suite; the in-process tests cover the same steps with a gcloud stand-in.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet } from '../config/load.ts';
import { createGcloud, gcloudInstalled } from '../scripts/provision/gcloud.ts';
import { provision } from '../scripts/provision/run.ts';
import { FakeCompute } from './fake-gke/compute.ts';
import { Capture, FAST, input } from './fake-gke/harness.ts';
import { FakeGke } from './fake-gke/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshfleet-gcloud-'));
// One cluster with public nodes keeps it to three gcloud resources (each gcloud run costs ~0.7 s).
const FLEET = `project: gcloud-test
git: { url: ssh://git@github.com/example/meshfleet }
network: { name: test-vpc }
gke: { privateNodes: false }
clusters:
  - name: one
    region: europe-west1
    role: primary
    ranges: { nodes: 10.0.0.0/20, pods: 10.4.0.0/14, services: 10.8.0.0/20 }
`;

let gke: FakeGke;
let compute: FakeCompute;
before(async () => {
  [gke, compute] = await Promise.all([FakeGke.start({ pollsToDone: 1 }), FakeCompute.start()]);
  writeFileSync(join(dir, 'fleet.yaml'), FLEET);
});
after(async () => {
  await Promise.all([gke?.close(), compute?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const skip = process.env.MESHFLEET_TEST_GCLOUD !== '1' ? 'set MESHFLEET_TEST_GCLOUD=1 to run (about 4 s)'
  : !(await gcloudInstalled()) ? 'gcloud is not installed' : false;

test('gcloud creates the VPC, subnet and firewall rule through the compute endpoint override', { skip }, async () => {
  const out = new Capture();
  const computeTarget = { mode: 'emulator' as const, url: `http://${compute.address}/compute/v1/` };
  // A private gcloud config dir: no account, no user settings, nothing written to $HOME.
  const env = { ...process.env, CLOUDSDK_CONFIG: join(dir, 'gcloud') };
  const code = await provision({
    fleet: loadFleet(join(dir, 'fleet.yaml')), yes: true, timing: FAST, env,
    endpoints: { gkeEmulator: { host: '127.0.0.1', port: gke.port }, compute: computeTarget },
    gcloud: createGcloud(computeTarget, env),
    io: { out, err: new Capture(), input: input() },
  });
  assert.equal(code, 0, out.text);

  const writes = compute.writes().map((c) => `${c.method} ${c.path}`);
  assert.deepEqual(writes.sort(), [
    'POST projects/gcloud-test/global/firewalls',
    'POST projects/gcloud-test/global/networks',
    'POST projects/gcloud-test/regions/europe-west1/subnetworks',
  ]);
  const body = (path: string) => compute.writes().find((c) => c.path === path)!.body;
  assert.equal(body('projects/gcloud-test/global/networks').autoCreateSubnetworks, false);
  const subnet = body('projects/gcloud-test/regions/europe-west1/subnetworks');
  assert.equal(subnet.ipCidrRange, '10.0.0.0/20');
  assert.equal(subnet.privateIpGoogleAccess, true);
  assert.deepEqual(subnet.secondaryIpRanges, [{ rangeName: 'one-pods', ipCidrRange: '10.4.0.0/14' }, { rangeName: 'one-services', ipCidrRange: '10.8.0.0/20' }]);
  const firewall = body('projects/gcloud-test/global/firewalls');
  assert.deepEqual(firewall.sourceRanges, ['10.0.0.0/20', '10.4.0.0/14']);
  assert.deepEqual(firewall.allowed, [{ IPProtocol: 'all' }]);
  assert.equal(firewall.direction, 'INGRESS');
  assert.match(out.text, /network test-vpc +created/);
  // The cluster waited for its subnet.
  assert.equal(gke.requests('CreateCluster').length, 1);
});

test('gcloud widens the firewall for a new cluster, then narrows it and deletes the subnet when --prune removes it', { skip }, async () => {
  const TWO = `  - name: two
    region: europe-west4
    role: primary
    ranges: { nodes: 10.16.0.0/20, pods: 10.20.0.0/14, services: 10.24.0.0/20 }
`;
  writeFileSync(join(dir, 'fleet2.yaml'), FLEET + TWO);
  const computeTarget = { mode: 'emulator' as const, url: `http://${compute.address}/compute/v1/` };
  const env = { ...process.env, CLOUDSDK_CONFIG: join(dir, 'gcloud') };
  const run = async (file: string, prune = false) => {
    compute.calls.length = 0;
    const out = new Capture();
    const code = await provision({
      fleet: loadFleet(join(dir, file)), yes: true, prune, timing: FAST, env,
      endpoints: { gkeEmulator: { host: '127.0.0.1', port: gke.port }, compute: computeTarget },
      gcloud: createGcloud(computeTarget, env),
      io: { out, err: new Capture(), input: input() },
    });
    assert.equal(code, 0, out.text);
    return compute.writes().map((c) => `${c.method} ${c.path}${c.body?.sourceRanges ? ` ${c.body.sourceRanges.join(',')}` : ''}`).sort();
  };
  assert.deepEqual(await run('fleet2.yaml'), [
    'PATCH projects/gcloud-test/global/firewalls/test-vpc-mesh-internal 10.0.0.0/20,10.4.0.0/14,10.16.0.0/20,10.20.0.0/14',
    'POST projects/gcloud-test/regions/europe-west4/subnetworks',
  ]);
  assert.deepEqual(await run('fleet.yaml', true), [
    'DELETE projects/gcloud-test/regions/europe-west4/subnetworks/two',
    'PATCH projects/gcloud-test/global/firewalls/test-vpc-mesh-internal 10.0.0.0/20,10.4.0.0/14',
  ]);
  assert.deepEqual(gke.requests('DeleteCluster').map((r) => r.name), ['projects/gcloud-test/locations/europe-west4/clusters/two']);
});
