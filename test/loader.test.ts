/**
 * The loader: every validation rule at least once, checked by its exact message
 * (`FILE:LINE:COL path: message`), plus hostile and malformed input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFleet } from '../config/load.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { ROOT, readText, tempDir, writeFixture } from './helpers.ts';

const BASE = readText(join(ROOT, 'test/fixtures/base-fleet.yaml'));

/** Loads `text` as a fleet file and returns the formatted problems, with the file shown as F. */
function problemsOf(text: string | Buffer): string[] {
  const file = join(tempDir(), 'fleet.yaml');
  writeFileSync(file, text);
  try {
    loadFleet(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems.map((p) => formatProblem({ ...p, file: 'F' }));
  }
  return [];
}

describe('loader: a valid fleet', () => {
  test('the base fixture loads, with defaults filled in and facts derived', () => {
    const fleet = loadFleet(writeFixture('fleet.yaml', BASE));
    assert.equal(fleet.mesh.istio.version, '1.30.3');
    assert.equal(fleet.mesh.istio.charts, 'oci://ghcr.io/istio/release/charts');
    assert.deepEqual(fleet.clusters.map((c) => [c.name, c.network, c.controlPlane, c.ingress]), [
      ['alpha', 'network1', 'alpha', true],
      ['beta', 'network1', 'alpha', false],
    ]);
    assert.deepEqual(fleet.clusters[0]!.remotes, ['beta']);
    assert.equal(fleet.clusters[0]!.nodePools[0]!.machineType, 'e2-standard-4');
    assert.ok(Object.isFrozen(fleet.clusters[0]!.ranges), 'the model is deeply frozen');
  });
});

const CASES: { name: string; from: string; to: string; expect: string[] }[] = [
  { name: "project id", from: "project: meshfleet-test", to: "project: Meshfleet", expect: ["F:1:10 project: invalid value (got \"Meshfleet\", expected a GCP project id: 6-30 lowercase letters, digits or \"-\", starting with a letter)"] },
  { name: "missing git url", from: "  url: ssh://git@example.com/fleet\n", to: "", expect: ["F:3:3 git.url: missing (expected an ssh://, https:// or http:// URL)"] },
  { name: "scp git url", from: "ssh://git@example.com/fleet", to: "git@example.com:fleet.git", expect: ["F:3:8 git.url: invalid value (got \"git@example.com:fleet.git\", expected an ssh://, https:// or http:// URL (Flux does not accept scp-style git@host:path))"] },
  { name: "empty branch", from: "branch: main", to: "branch: ''", expect: ["F:4:11 git.branch: invalid value (got \"\", expected a branch name)"] },
  { name: "unknown top key", from: "network:\n", to: "netwrok: {}\nnetwork:\n", expect: ["F:5:1 netwrok: unknown key (got \"netwrok\", expected one of project, git, flux, network, gke, mesh, clusters, apps, rollout, globalEntry)"] },
  { name: "unknown cluster key", from: "    role: primary\n", to: "    role: primary\n    rgion: x\n", expect: ["F:11:5 clusters[0].rgion: unknown key (got \"rgion\", expected one of name, region, zones, role, primary, network, ranges, ingress, eastWestAddress, gateways, releaseChannel, nodePools, labels)"] },
  { name: "bad enum role", from: "role: primary", to: "role: leader", expect: ["F:10:11 clusters[0].role: invalid value (got \"leader\", expected primary or remote)"] },
  { name: "bad dns name", from: "name: alpha", to: "name: Alpha_1", expect: ["F:8:11 clusters[0].name: invalid value (got \"Alpha_1\", expected a DNS label: lowercase letters, digits and \"-\", starting with a letter, at most 63 characters)"] },
  { name: "bad region", from: "region: europe-west3", to: "region: Europe", expect: ["F:9:13 clusters[0].region: invalid value (got \"Europe\", expected a GCP region such as europe-west3)"] },
  { name: "zone outside region", from: "    role: primary\n", to: "    role: primary\n    zones: [us-east1-b]\n", expect: ["F:11:13 clusters[0].zones[0]: zone outside the cluster's region (got \"us-east1-b\", expected a zone of europe-west3, such as europe-west3-a)"] },
  { name: "no clusters", from: "clusters:\n", to: "clusters: []\nx:\n", expect: ["F:7:11 clusters: invalid value (got a list of 0, expected at least one cluster)", "F:8:1 x: unknown key (got \"x\", expected one of project, git, flux, network, gke, mesh, clusters, apps, rollout, globalEntry)"] },
  { name: "duplicate cluster", from: "name: beta", to: "name: alpha", expect: ["F:13:11 clusters[1].name: duplicate cluster name (got \"alpha\", expected a name not already used by clusters[0])"] },
  { name: "no primary", from: "role: primary", to: "role: remote\n    primary: beta", expect: ["F:8:3 clusters: no primary cluster (got only remotes, expected at least one cluster with role: primary)"] },
  { name: "remote unknown primary", from: "primary: alpha", to: "primary: gamma", expect: ["F:16:14 clusters[1].primary: unknown cluster (got \"gamma\", expected one of alpha)"] },
  { name: "remote without primary", from: "    primary: alpha\n", to: "", expect: ["F:13:5 clusters[1]: remote without a primary (got nothing, expected primary: NAME of a primary cluster)"] },
  { name: "primary with primary", from: "    role: primary\n", to: "    role: primary\n    primary: beta\n", expect: ["F:11:14 clusters[0].primary: a primary has no primary (got \"beta\", expected no primary key, or role: remote)"] },
  { name: "bad cidr", from: "pods: 10.100.0.0/14", to: "pods: 10.100.0.0/33", expect: ["F:12:42 clusters[0].ranges.pods: invalid value (got \"10.100.0.0/33\", expected an IPv4 CIDR range such as 10.0.0.0/20)"] },
  { name: "host bits", from: "services: 10.112.0.0/20", to: "services: 10.112.0.1/20", expect: ["F:17:67 clusters[1].ranges.services: not a network address (got \"10.112.0.1/20\", expected \"10.112.0.0/20\")"] },
  { name: "overlap across clusters", from: "pods: 10.108.0.0/14", to: "pods: 10.100.0.0/16", expect: ["F:17:42 clusters[1].ranges.pods: overlapping range (got 10.100.0.0/16, which overlaps alpha pods 10.100.0.0/14; expected a range disjoint from every other range of the fleet)"] },
  { name: "overlap within cluster", from: "services: 10.104.0.0/20", to: "services: 10.10.8.0/24", expect: ["F:12:67 clusters[0].ranges.services: overlapping range (got 10.10.8.0/24, which overlaps alpha nodes 10.10.0.0/20; expected a range disjoint from every other range of the fleet)"] },
  { name: "control plane not /28", from: "services: 10.104.0.0/20 }", to: "services: 10.104.0.0/20, controlPlane: 172.16.0.0/24 }", expect: ["F:12:96 clusters[0].ranges.controlPlane: wrong size (got \"172.16.0.0/24\", expected a /28 range, as GKE requires)"] },
  { name: "east-west outside subnet", from: "eastWestAddress: 10.10.15.250", to: "eastWestAddress: 10.99.0.1", expect: ["F:11:22 clusters[0].eastWestAddress: address outside the cluster's subnet (got 10.99.0.1, expected an address in ranges.nodes 10.10.0.0/20)"] },
  { name: "missing east-west", from: "    eastWestAddress: 10.10.15.250\n", to: "", expect: ["F:8:5 clusters[0]: primary serving remotes without eastWestAddress (got nothing, expected a static internal IP in 10.10.0.0/20: remotes reach istiod there, and it must be an IP, not a hostname)"] },
  { name: "min above max", from: "minNodes: 1, maxNodes: 3", to: "minNodes: 4, maxNodes: 3", expect: ["F:19:33 clusters[1].nodePools[0].minNodes: min above max (got minNodes 4 > maxNodes 3, expected minNodes <= maxNodes)"] },
  { name: "negative count", from: "minNodes: 1", to: "minNodes: -1", expect: ["F:19:33 clusters[1].nodePools[0].minNodes: invalid value (got -1, expected a number >= 0)"] },
  { name: "not integer", from: "maxNodes: 3", to: "maxNodes: 2.5", expect: ["F:19:46 clusters[1].nodePools[0].maxNodes: wrong type (got 2.5, expected a whole number)"] },
  { name: "wrong type", from: "branch: main", to: "branch: [main]", expect: ["F:4:11 git.branch: wrong type (got a list of 1, expected a string)"] },
  { name: "gateway min above max", from: "    role: primary\n", to: "    role: primary\n    gateways: { ingress: { minReplicas: 6, maxReplicas: 2 } }\n", expect: ["F:11:41 clusters[0].gateways.ingress.minReplicas: min above max (got minReplicas 6 > maxReplicas 2, expected minReplicas <= maxReplicas)"] },
  { name: "flat network mismatch", from: "    role: remote\n", to: "    role: remote\n    network: other\n", expect: ["F:16:14 clusters[1].network: flat mesh has one network (got \"other\", expected \"network1\" or no network key; use mesh.networkModel: multi-network for one network per cluster)"] },
];

describe('loader: each rule, by exact message', () => {
  for (const c of CASES) {
    test(c.name, () => {
      assert.ok(BASE.includes(c.from), `fixture edit for ${c.name} does not apply`);
      assert.deepEqual(problemsOf(BASE.replace(c.from, c.to)), c.expect);
    });
  }

  test('every problem is reported at once', () => {
    const text = BASE.replace('project: meshfleet-test', 'project: X').replace('role: leader', '').replace('region: europe-west3', 'region: Europe').replace('minNodes: 1, maxNodes: 3', 'minNodes: 4, maxNodes: 3');
    const problems = problemsOf(text);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0]!, /^F:1:10 project: /);
    assert.match(problems[1]!, /^F:9:13 clusters\[0\]\.region: /);
  });
});

describe('loader: hostile and malformed input fails fast with a message', () => {
  test('missing file', () => {
    const dir = tempDir();
    assert.throws(() => loadFleet(join(dir, 'nope.yaml')), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(formatProblem(err.problems[0]!), /nope\.yaml:1:1 \(document\): cannot read file \(got no such file, expected a YAML file\)$/);
      return true;
    });
  });
  test('a directory', () => {
    const dir = tempDir();
    assert.throws(() => loadFleet(dir), /not a file \(got a directory, expected a YAML file\)/);
  });
  test('a flood of syntax errors is cut short', () => {
    const problems = problemsOf(']\n'.repeat(100));
    assert.equal(problems.length, 21);
    assert.equal(problems[20], 'F:20:1 (document): invalid YAML (got 80 more errors, expected well-formed YAML; fix the first ones)');
  });
  test('malformed YAML', () => {
    assert.deepEqual(problemsOf('project: [unclosed\n'), ['F:2:1 (document): invalid YAML (got "Flow sequence in block collection must be sufficiently indented and end with a ]", expected well-formed YAML)']);
  });
  test('duplicate keys', () => {
    assert.deepEqual(problemsOf(`${BASE}project: again\n`), ['F:20:1 (document): invalid YAML (got "Map keys must be unique", expected well-formed YAML)']);
  });
  test('empty file', () => {
    assert.deepEqual(problemsOf(''), ['F:1:1 (document): empty document (got nothing, expected a mapping)']);
  });
  test('several documents', () => {
    assert.deepEqual(problemsOf(`${BASE}---\nproject: two\n`), ['F:20:1 (document): several YAML documents (got 2, expected one)']);
  });
  test('binary content', () => {
    assert.deepEqual(problemsOf(Buffer.from([0x70, 0x3a, 0x20, 0x00, 0x01, 0x02])), ['F:1:1 (document): not a text file (got a NUL byte, expected UTF-8 YAML)']);
    assert.deepEqual(problemsOf(Buffer.from([0xff, 0xfe, 0xfd])), ['F:1:1 (document): not a text file (got invalid UTF-8, expected UTF-8 YAML)']);
  });
  test('alias bomb ("billion laughs") is refused, quickly', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const started = Date.now();
    const problems = problemsOf(lines.join('\n'));
    assert.ok(Date.now() - started < 2000, 'fails fast');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^F:1:1 \(document\): cannot expand YAML \(got ".*", expected at most 100 alias expansions\)$/);
  });
  test('deep nesting is refused without a stack overflow', () => {
    assert.deepEqual(problemsOf(`project: ${'['.repeat(100000)}${']'.repeat(100000)}\n`), ['F:1:1 (document): nesting too deep (got more than 32 levels, expected a plain config file)']);
    // Block sequences pass the flow check; the parser overflows its stack near 1,000 levels here
    // (node 20), and 30,000 levels overflow it with a wide margin (400,000 took 3 s to lex).
    const seqs = problemsOf(`project:\n  ${'- '.repeat(30000)}x\n`);
    assert.equal(seqs.length, 1);
    assert.match(seqs[0]!, /^F:2:\d+ \(document\): nesting too deep \(got more than 32 levels, expected a plain config file\)$/);
    const block = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    assert.deepEqual(problemsOf(`${block} 1\n`), ['F:1:1 (document): nesting too deep (got more than 32 levels, expected a plain config file)']);
  });
  test('a line that opens many levels at once is refused before parsing, each time (node aborted on the second such file)', () => {
    for (const levels of [5000, 20000]) {
      assert.deepEqual(problemsOf(`project:\n  ${'- '.repeat(levels)}x\n`), ['F:2:1 (document): nesting too deep (got more than 32 levels, expected a plain config file)']);
    }
    assert.deepEqual(problemsOf(`project:\n  - ? - x\n`).filter((p) => p.includes('nesting')), [], 'a few levels on one line are fine');
  });

  test('a file too large', () => {
    assert.deepEqual(problemsOf(`# ${'x'.repeat(1024 * 1024)}\n`), [`F:1:1 (document): file too large (got ${1024 * 1024 + 3} bytes, expected at most 1048576)`]);
  });
});
