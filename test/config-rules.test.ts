/**
 * Config rules beyond single fields: settings that contradict each other (errors) or have no
 * effect (warnings), every independent problem in one run, app definitions read only from where
 * they may live, names and keys that would break once applied. Each by its exact message; and
 * every config at the edge of a new rule must still render.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { renderFleet } from '../clusters/render.ts';
import { loadFleetWithWarnings } from '../config/load.ts';
import { ConfigError, formatProblem, type Problem } from '../config/problems.ts';
import { writeTree } from '../scripts/lib/write-tree.ts';
import { ROOT, readText, runCommand, runSynth, tempDir, type CommandRun } from './helpers.ts';

const BASE = readText(join(ROOT, 'test/fixtures/base-fleet.yaml'));
const MINI_APP = readText(join(ROOT, 'test/fixtures/apps/mini-app.yaml'));
const PLACEMENT = `apps:
  shop:
    definition: app.yaml
    placement:
      alpha: { web-v1: {}, api-v1: {}, db-v1: {} }
`;
/** The base fixture with the mini app (web → api → db) placed in alpha. */
const FLEET = `${BASE}${PLACEMENT}`;

/** Writes `files` (name → content) into a fresh folder; returns the folder. */
function folder(files: Readonly<Record<string, string>>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface Outcome {
  readonly errors: string[];
  readonly warnings: string[];
}

/** Loads `fleet.yaml` of `dir`; problems formatted with paths relative to `dir`. */
function outcomeIn(dir: string, fleetFile = 'fleet.yaml'): Outcome {
  const show = (ps: readonly Problem[]) => ps.map((p) => formatProblem({ ...p, file: relative(dir, p.file.startsWith('/') ? p.file : join(process.cwd(), p.file)) }));
  try {
    return { errors: [], warnings: show(loadFleetWithWarnings(join(dir, fleetFile)).warnings) };
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return { errors: show(err.problems), warnings: show(err.warnings) };
  }
}

/** Loads a fleet file (and, optionally, its app.yaml): errors and warnings. */
const outcome = (fleet: string, app = MINI_APP): Outcome => outcomeIn(folder({ 'fleet.yaml': fleet, 'app.yaml': app }));

/** Replaces `from` (which must occur) by `to`. */
function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture edit does not apply: ${from}`);
  return text.replace(from, to);
}

describe('warnings: settings accepted but without effect', () => {
  test('an eastWestAddress on a cluster that runs no east-west gateway', () => {
    const fleet = edit(FLEET, '    primary: alpha\n', '    primary: alpha\n    eastWestAddress: 10.20.15.250\n');
    assert.deepEqual(outcome(fleet), { errors: [], warnings: [
      'fleet.yaml:17:22 clusters[1].eastWestAddress: warning: unused (got 10.20.15.250, expected no eastWestAddress: beta runs no east-west gateway; only a primary serving remotes, or every cluster of a multi-network mesh, runs one)',
    ] });
    // In a multi-network mesh every cluster runs one: the same address is used there.
    assert.deepEqual(outcome(edit(fleet, 'network:\n  name: vpc\n', 'network:\n  name: vpc\nmesh: { networkModel: multi-network }\n')), { errors: [], warnings: [] });
  });

  test('gateway sizes for gateways the cluster does not run', () => {
    const fleet = edit(FLEET, '    primary: alpha\n', '    primary: alpha\n    gateways: { ingress: { maxReplicas: 3 }, eastWest: { maxReplicas: 3 } }\n');
    assert.deepEqual(outcome(fleet).warnings, [
      'fleet.yaml:17:17 clusters[1].gateways.ingress: warning: unused (got a size, expected no ingress key: beta runs no ingress gateway; set ingress: true on the cluster to run one)',
      'fleet.yaml:17:46 clusters[1].gateways.eastWest: warning: unused (got a size, expected no eastWest key: beta runs no east-west gateway; only a primary serving remotes, or every cluster of a multi-network mesh, runs one)',
    ]);
  });

  test('a control-plane range without private nodes, a certificate map without TLS, a mesh network in multi-network', () => {
    const fleet = edit(edit(FLEET, 'services: 10.104.0.0/20 }', 'services: 10.104.0.0/20, controlPlane: 172.16.0.0/28 }'), 'network:\n  name: vpc\n', 'network:\n  name: vpc\ngke: { privateNodes: false }\n');
    assert.deepEqual(outcome(fleet).warnings, [
      'fleet.yaml:13:96 clusters[0].ranges.controlPlane: warning: unused (got 172.16.0.0/28, expected no controlPlane range: gke.privateNodes is false, so the control plane has a public endpoint)',
    ]);
    const entry = `${FLEET}globalEntry: { configCluster: alpha, hostnames: [shop.example.com], address: shop-ip, tls: { enabled: false, certificateMap: shop-certs } }\n`;
    assert.deepEqual(outcome(entry).warnings, [
      'fleet.yaml:25:126 globalEntry.tls.certificateMap: warning: unused (got "shop-certs", expected no certificateMap: tls.enabled is false, so the load balancer serves plain HTTP)',
    ]);
    const mesh = edit(FLEET, 'network:\n  name: vpc\n', 'network:\n  name: vpc\nmesh: { networkModel: multi-network, network: net1 }\n');
    assert.deepEqual(outcome(mesh).warnings, [
      'fleet.yaml:7:47 mesh.network: warning: unused (got "net1", expected no network key: with networkModel multi-network each cluster is its own network, named after the cluster or its network key)',
    ]);
  });

  test('an app\'s ingress when no cluster runs an ingress gateway', () => {
    const app = edit(MINI_APP, 'workloads:', 'ingress: { service: web, port: 8080, routes: [{ prefix: / }] }\nworkloads:');
    assert.deepEqual(outcome(edit(FLEET, '    role: primary\n', '    role: primary\n    ingress: false\n'), app), { errors: [], warnings: [
      'fleet.yaml:22:3 apps.shop: warning: unused ingress (got ingress routes in the app definition, expected a cluster with ingress: true to serve them; no cluster runs an ingress gateway, so none renders)',
    ] });
    assert.deepEqual(outcome(FLEET, app), { errors: [], warnings: [] });
  });

  test('synth prints warnings on stderr and succeeds; check counts them', async () => {
    const dir = folder({ 'fleet.yaml': edit(FLEET, '    primary: alpha\n', '    primary: alpha\n    eastWestAddress: 10.20.15.250\n'), 'app.yaml': MINI_APP });
    const warning = 'fleet.yaml:17:22 clusters[1].eastWestAddress: warning: unused (got 10.20.15.250, expected no eastWestAddress: beta runs no east-west gateway; only a primary serving remotes, or every cluster of a multi-network mesh, runs one)\n';
    const synth = await runSynth(['--config', 'fleet.yaml', '--out', 'out', '--quiet'], dir);
    assert.deepEqual({ status: synth.status, stderr: synth.stderr }, { status: 0, stderr: warning });
    const check = await spawnCheck(['--config', 'fleet.yaml'], dir);
    assert.equal(check.status, 0);
    assert.equal(check.stderr, warning);
    assert.match(check.stdout, /: 0 errors, 1 warning\n$/);
  });
});

describe('contradictions: errors', () => {
  const entry = `${FLEET}globalEntry: { configCluster: alpha, hostnames: [shop.example.com], address: shop-ip }\n`;
  test('the global entry with fleet registration or the Gateway API switched off', () => {
    const off = edit(entry, 'network:\n  name: vpc\n', 'network:\n  name: vpc\ngke: { fleetRegistration: false, gatewayApi: false }\n');
    assert.deepEqual(outcome(off).errors, [
      'fleet.yaml:7:27 gke.fleetRegistration: contradicts globalEntry (got false, expected true or no fleetRegistration key: the global entry\'s multi-cluster Gateway needs every cluster registered to the GKE fleet)',
      'fleet.yaml:7:46 gke.gatewayApi: contradicts globalEntry (got false, expected true or no gatewayApi key: the global entry\'s multi-cluster Gateway needs the GKE Gateway API on every cluster)',
    ]);
  });
  test('left unset, the global entry turns both on', () => {
    const fleet = loadFleetWithWarnings(join(folder({ 'fleet.yaml': entry, 'app.yaml': MINI_APP }), 'fleet.yaml')).fleet;
    assert.deepEqual([fleet.gke.fleetRegistration, fleet.gke.gatewayApi], [true, true]);
  });
});

describe('every independent problem in one run, no follow-on noise', () => {
  test('a schema error does not hide a missing app definition, nor the rules of valid sections', () => {
    const fleet = edit(edit(edit(FLEET, 'project: meshfleet-test', 'project: X'), 'definition: app.yaml', 'definition: gone.yaml'), 'pods: 10.108.0.0/14', 'pods: 10.100.0.0/16');
    assert.deepEqual(outcome(fleet).errors, [
      'fleet.yaml:1:10 project: invalid value (got "X", expected a GCP project id: 6-30 lowercase letters, digits or "-", starting with a letter)',
      'fleet.yaml:17:42 clusters[1].ranges.pods: overlapping range (got 10.100.0.0/16, which overlaps alpha pods 10.100.0.0/14; expected a range disjoint from every other range of the fleet)',
      'fleet.yaml:22:17 apps.shop.definition: cannot load app definition (got "gone.yaml", expected a readable app file under the fleet\'s config folder)',
      'gone.yaml:1:1 (document): cannot read file (got no such file, expected a YAML file)',
    ]);
  });
  test('a schema error in the fleet file does not hide an error in an app definition', () => {
    const fleet = edit(FLEET, 'project: meshfleet-test', 'project: X');
    assert.deepEqual(outcome(fleet, edit(MINI_APP, 'calls: [db]', 'calls: [cache]')).errors, [
      'app.yaml:8:13 services.api.calls[0]: unknown service (got "cache", expected one of web, api, db)',
      'fleet.yaml:1:10 project: invalid value (got "X", expected a GCP project id: 6-30 lowercase letters, digits or "-", starting with a letter)',
    ]);
  });
  test('a tab in indentation is one problem', () => {
    assert.deepEqual(outcome(edit(FLEET, '    role: primary', '\trole: primary')).errors, [
      'fleet.yaml:10:1 (document): tab in indentation (got a tab, expected spaces: YAML indents with spaces only)',
    ]);
  });
  test('a duplicate cluster name is one problem, naming the name its references use', () => {
    assert.deepEqual(outcome(edit(`${BASE}${PLACEMENT}      beta: { web-v1: {} }\n`, 'name: beta', 'name: alpha')).errors, [
      'fleet.yaml:13:11 clusters[1].name: duplicate cluster name (got "alpha", expected a name not already used by clusters[0], such as "beta", which the config refers to but no cluster has)',
    ]);
    // Two names no cluster has cannot both be the duplicate's: each is reported.
    assert.deepEqual(outcome(edit(`${BASE}${PLACEMENT}      beta: { web-v1: {} }\n      gamma: { web-v1: {} }\n`, 'name: beta', 'name: alpha')).errors, [
      'fleet.yaml:13:11 clusters[1].name: duplicate cluster name (got "alpha", expected a name not already used by clusters[0])',
      'fleet.yaml:25:7 apps.shop.placement.beta: unknown cluster (got "beta", expected one of alpha)',
      'fleet.yaml:26:7 apps.shop.placement.gamma: unknown cluster (got "gamma", expected one of alpha)',
    ]);
  });
});

describe('app definitions: only from the fleet\'s folder, never echoed when not YAML', () => {
  test('a path outside the fleet file\'s folder, absolute or relative, or through a symbolic link', () => {
    const outside = folder({ 'secret.yaml': MINI_APP });
    const dir = folder({ 'fleet/fleet.yaml': edit(FLEET, 'definition: app.yaml', 'definition: ../secret.yaml'), 'secret.yaml': MINI_APP });
    assert.deepEqual(outcomeIn(dir, 'fleet/fleet.yaml').errors, [
      'fleet/fleet.yaml:22:17 apps.shop.definition: cannot load app definition (got "../secret.yaml", expected a readable app file under the fleet\'s config folder)',
      `secret.yaml:1:1 (document): outside the allowed folders (got ${join(dir, 'secret.yaml')}, expected a file under ${join(dir, 'fleet')} or ${join(ROOT, 'config/apps')})`,
    ]);
    const abs = folder({ 'fleet.yaml': edit(FLEET, 'definition: app.yaml', 'definition: /etc/passwd') });
    assert.ok(outcomeIn(abs).errors.some((e) => /^(\.\.\/)+etc\/passwd:1:1 \(document\): outside the allowed folders \(got \/etc\/passwd, /.test(e)));
    const linked = folder({ 'fleet.yaml': FLEET });
    symlinkSync(join(outside, 'secret.yaml'), join(linked, 'app.yaml'));
    assert.match(outcomeIn(linked).errors[0]!, /^app\.yaml:1:1 \(document\): outside the allowed folders \(got .*secret\.yaml, expected a file under /);
  });

  // A blocking open would hang here: the timeout turns that into a failure.
  test('a FIFO is refused without blocking', { timeout: 10_000 }, () => {
    const dir = folder({ 'fleet.yaml': FLEET });
    execFileSync('mkfifo', [join(dir, 'app.yaml')]);
    assert.deepEqual(outcomeIn(dir).errors, [
      'app.yaml:1:1 (document): not a file (got something else, expected a YAML file)',
      'fleet.yaml:22:17 apps.shop.definition: cannot load app definition (got "app.yaml", expected a readable app file under the fleet\'s config folder)',
    ]);
  });

  test('a token file or a key file named as a definition is never printed', () => {
    for (const secret of ['ghp_s3cr3tT0k3nValue', 'TOKEN=s3cr3t\nOTHER=s3cr3t', 'user: s3cr3t\npassword: s3cr3t\n', '- s3cr3t\n']) {
      const { errors } = outcome(FLEET, secret);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.doesNotMatch(errors[0]!, /s3cr3t/);
      assert.match(errors[0]!, /^app\.yaml:1:1 \(document\): not an app definition \(got (text|a list|a mapping with none of its keys), expected /);
    }
    // Nor in the parser's messages about a file that is not YAML at all (a git config, a key file).
    for (const secret of ['[http]\n\textraheader = AUTHORIZATION: basic s3cr3t\n', '- a\nb: s3cr3t\n']) {
      const { errors } = outcome(FLEET, secret);
      assert.ok(errors.some((e) => e.startsWith('app.yaml:') && e.includes('invalid YAML')), errors.join('\n'));
      assert.deepEqual(errors.filter((e) => e.includes('s3cr3t')), []);
    }
  });
});

describe('accepted today, broken once applied: errors with their position', () => {
  const cases: { name: string; fleet?: [string, string]; app?: [string, string] | [string, string][]; expect: string[] }[] = [
    { name: 'a cluster name longer than GKE allows', fleet: ['name: beta', `name: ${'b'.repeat(41)}`], expect: [
      `fleet.yaml:13:11 clusters[1].name: invalid value (got "${'b'.repeat(41)}", expected a GKE cluster name: at most 40 characters)`,
    ] },
    { name: 'a network name whose derived Cloud NAT name is too long', fleet: ['name: vpc', `name: ${'v'.repeat(45)}`], expect: [
      `fleet.yaml:6:9 network.name: name too long for the names derived from it (got "${'v'.repeat(45)}", 45 characters: the Cloud NAT of southamerica-east1 would be named with 68, expected at most 40 characters here, as GCP names have at most 63)`,
    ] },
    { name: 'a duplicate call', app: ['calls: [db]', 'calls: [db, db]'], expect: [
      'app.yaml:8:17 services.api.calls[1]: duplicate call (got "db", expected each service once; calls[0] has it)',
    ] },
    { name: 'two calls that would get one AuthorizationPolicy name', fleet: ['db-v1: {} }', 'db-v1: {}, x-v1: {}, xy-v1: {}, yz-v1: {}, z-v1: {} }'], app: [['  db:\n', `  x: { ports: [{ name: http, port: 80 }] }
  x-from-y: { ports: [{ name: http, port: 80 }] }
  y-from-z: { ports: [{ name: http, port: 80 }], calls: [x] }
  z: { ports: [{ name: http, port: 80 }], calls: [x-from-y] }
  db:
`], ['workloads:\n', `workloads:
  x-v1: { service: x, version: v1, image: example.com/x:1 }
  xy-v1: { service: x-from-y, version: v1, image: example.com/x:1 }
  yz-v1: { service: y-from-z, version: v1, image: example.com/x:1 }
  z-v1: { service: z, version: v1, image: example.com/x:1 }
`]], expect: [
      'app.yaml:12:51 services.z.calls[0]: call policy name taken (got "x-from-y-from-z" for z → x-from-y, which y-from-z → x already has; expected service names that give each call its own <callee>-from-<caller> name)',
    ] },
    { name: 'annotation keys Kubernetes refuses', app: ['db-v1: { service: db,', `db-v1: { podAnnotations: { "a key": x, ${'n'.repeat(64)}: x, ${'p'.repeat(254)}/n: x, example.com/ok: x }, service: db,`], expect: [
      'app.yaml:14:30 workloads.db-v1.podAnnotations."a key": invalid annotation key (got "a key", expected [PREFIX/]NAME: a DNS subdomain of at most 253 characters as PREFIX, and a NAME of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
      `app.yaml:14:42 workloads.db-v1.podAnnotations.${'n'.repeat(64)}: invalid annotation key (got "${'n'.repeat(57)}...", expected [PREFIX/]NAME: a DNS subdomain of at most 253 characters as PREFIX, and a NAME of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
      `app.yaml:14:111 workloads.db-v1.podAnnotations."${'p'.repeat(254)}/n": invalid annotation key (got "${'p'.repeat(57)}...", expected [PREFIX/]NAME: a DNS subdomain of at most 253 characters as PREFIX, and a NAME of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
    ] },
    { name: 'annotations over 256 KiB in all', app: ['db-v1: { service: db,', `db-v1: { podAnnotations: { a: ${'x'.repeat(131072)}, b: ${'x'.repeat(131072)} }, service: db,`], expect: [
      'app.yaml:14:28 workloads.db-v1.podAnnotations: annotations too large (got 262146 bytes, expected at most 262144 in keys and values together, as Kubernetes allows)',
    ] },
    { name: 'ingress hosts with a bidi control or letters of another script', app: ['workloads:', 'ingress: { service: web, port: 8080, hosts: ["shop.example.com\\u202e", "shоp.example.com", "shop.example.com", "shop.example.com"], routes: [{ prefix: / }] }\nworkloads:'], expect: [
      'app.yaml:11:46 ingress.hosts[0]: invalid value (got "shop.example.com\u202e", expected an ASCII hostname such as shop.example.com or *.example.com (an internationalized name in its punycode xn-- form), or * for every host)',
      'app.yaml:11:72 ingress.hosts[1]: invalid value (got "shоp.example.com", expected an ASCII hostname such as shop.example.com or *.example.com (an internationalized name in its punycode xn-- form), or * for every host)',
    ] },
    { name: 'a host listed twice', app: ['workloads:', 'ingress: { service: web, port: 8080, hosts: [shop.example.com, shop.example.com], routes: [{ prefix: / }] }\nworkloads:'], expect: [
      'app.yaml:11:64 ingress.hosts[1]: duplicate host (got "shop.example.com", expected each host once)',
    ] },
    { name: 'two volumes at one mount path', app: ['db-v1: { service: db,', 'db-v1: { volumes: [{ name: a, mountPath: /data }, { name: b, mountPath: /data/ }], service: db,'], expect: [
      'app.yaml:14:75 workloads.db-v1.volumes[1].mountPath: duplicate mount path (got "/data/", expected a path not mounted by volumes[0])',
    ] },
    { name: 'a service running as another service\'s account', app: ['  db:\n', '  db:\n    serviceAccount: shop-api\n'], expect: [
      'app.yaml:10:21 services.db.serviceAccount: service account of another service (got "shop-api", which api runs as; expected an account of its own, or its calls would be authorized as api\'s)',
    ] },
    { name: 'an unknown YAML tag', app: ['image: example.com/db:1', 'image: !include /etc/passwd'], expect: [
      'app.yaml:14:54 (document): unknown YAML tag (got "!include", expected no tag: config files are plain YAML, and a tag such as !include is never resolved)',
      'fleet.yaml:22:17 apps.shop.definition: cannot load app definition (got "app.yaml", expected a readable app file under the fleet\'s config folder)',
    ] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const fleet = c.fleet ? edit(FLEET, ...c.fleet) : FLEET;
      const edits = (c.app === undefined ? [] : Array.isArray(c.app[0]) ? c.app : [c.app]) as [string, string][];
      const app = edits.reduce((text, [from, to]) => edit(text, from, to), MINI_APP);
      assert.deepEqual(outcome(fleet, app).errors, c.expect);
    });
  }
});

describe('misleading messages, said plainly', () => {
  test('an undefined alias', () => {
    assert.deepEqual(outcome(edit(FLEET, 'branch: main', 'branch: *main')).errors, ['fleet.yaml:4:11 (document): undefined alias (got *main, expected an anchor &main defined before it)']);
  });
  test('a bad app name', () => {
    assert.deepEqual(outcome(edit(FLEET, '  shop:', '  Shop_1:')).errors, ['fleet.yaml:21:3 apps.Shop_1: invalid name (got "Shop_1", expected a DNS label: lowercase letters, digits and "-", starting with a letter, at most 63 characters)']);
  });
});

// The longest cluster name, a network name whose NAT name is exactly 63 characters, gateway sizes
// where a gateway runs, service names that look like policy names without colliding, nested mount
// paths, the longest annotation key (253-character prefix, 63-character name) and exactly 256 KiB
// of annotations, punycode and * hosts.
test('configs at the edge of each new rule load and render (written into a temporary folder as synth writes)', () => {
  const name40 = 'b'.repeat(40);
  const fleet = edit(edit(edit(FLEET, 'name: beta', `name: ${name40}`), 'name: vpc', `name: ${'v'.repeat(40)}`), 'primary: alpha', 'primary: alpha\n    ingress: true\n    gateways: { ingress: { maxReplicas: 2 } }')
    .replace('alpha: { web-v1: {}, api-v1: {}, db-v1: {} }', `alpha: { web-v1: {}, api-v1: {}, db-v1: {} }\n      ${name40}: { web-v1: {}, x-v1: {}, x-from-y-v1: {}, y-from-z-v1: {}, z-v1: {}, w-v1: {} }`);
  const app = edit(edit(MINI_APP, 'workloads:', `  x: { ports: [{ name: http, port: 80 }] }
  y-from-z: { ports: [{ name: http, port: 80 }], calls: [z], serviceAccount: shop-yz }
  x-from-y: { ports: [{ name: http, port: 80 }] }
  z: { ports: [{ name: http, port: 80 }], calls: [x-from-y, x] }
  w: { ports: [{ name: http, port: 80 }], calls: [y-from-z] }
ingress: { service: web, port: 8080, hosts: ["*", shop.example.com, xn--shp-8na.example.xn--p1ai], routes: [{ prefix: / }] }
workloads:
  x-v1: { service: x, version: v1, image: example.com/x:1 }
  x-from-y-v1: { service: x-from-y, version: v1, image: example.com/x:1 }
  y-from-z-v1: { service: y-from-z, version: v1, image: example.com/x:1 }
  w-v1: { service: w, version: v1, image: example.com/x:1 }
  z-v1: { service: z, version: v1, image: example.com/x:1, volumes: [{ name: a, mountPath: /data }, { name: b, mountPath: /data/b }] }`),
  'db-v1: { service: db,', `db-v1: { podAnnotations: { ${'p'.repeat(63)}.${'q'.repeat(189)}/${'n'.repeat(63)}: x, big: ${'x'.repeat(256 * 1024 - (317 + 1) - 3)} }, service: db,`);
  const dir = folder({ 'fleet.yaml': fleet, 'app.yaml': app });
  assert.deepEqual(outcomeIn(dir), { errors: [], warnings: [] });
  // What synth does after loading, in this process (its CLI is synth's tests' and the warnings
  // test's above): render, and write the files.
  const out = join(dir, 'out');
  const rendered = renderFleet(loadFleetWithWarnings(join(dir, 'fleet.yaml')).fleet);
  assert.deepEqual([...writeTree(out, rendered.files).written].sort(), [...rendered.files.keys()].sort());
});

/** Runs `npm run check` as a user would, in `cwd`. */
function spawnCheck(args: string[], cwd: string): Promise<CommandRun> {
  return runCommand('check', args, cwd);
}
