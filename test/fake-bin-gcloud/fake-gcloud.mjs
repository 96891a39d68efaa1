/**
 * A fake `gcloud` for the provisioning tests: the commands `npm run provision` runs (compute
 * networks / subnets / firewall-rules / routers / nats describe+create, firewall-rules / subnets /
 * nats update, subnets / firewall-rules / routers / nats delete, subnets list, container fleet
 * multi-cluster-services / ingress describe+enable, projects describe / get-iam-policy /
 * add-iam-policy-binding, config get-value account), answered from a JSON state file the way
 * gcloud answers: JSON on stdout, gcloud's own error wording on stderr, gcloud's exit codes.
 *
 * Environment:
 *   FAKE_GCLOUD_STATE  the state file (created on first write): { projectNumber, compute, features, iamPolicy }
 *   FAKE_GCLOUD_LOG    every call is appended here as a JSON line {argv, exit}
 *   FAKE_GCLOUD_FAIL   a regex over "arg arg …": a matching call fails (exit 1) with a fake error
 *   FAKE_GCLOUD_HANG   a regex over "arg arg …": a matching call never answers (a dead endpoint)
 *
 * Calls are serialized with a lock file, so parallel steps see a consistent state.
 *
 * `answer(argv, env)` is one call. The `gcloud` beside this file is a bash client that sends its
 * arguments to a server in the test process (harness.ts) that calls `answer`: a call then costs a
 * bash start, not a Node start (provisioning runs gcloud dozens of times per test). Run directly,
 * `node fake-gcloud.mjs ARGS…` answers one call from process.env.
 */
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The call being answered (set by `answer`; one call at a time, synchronously).
let argv = [];
let STATE = '';
let positional = [];
let flags = {};
let line = '';

/**
 * Answers one call: {exit, stdout?, stderr?}, or undefined for a call that never answers
 * (FAKE_GCLOUD_HANG). `env` holds the FAKE_GCLOUD_* variables.
 */
export function answer(args, env) {
  argv = args;
  STATE = env.FAKE_GCLOUD_STATE ?? '';
  if (!STATE) return { exit: 2, stderr: 'fake gcloud: FAKE_GCLOUD_STATE is not set\n' };
  positional = argv.filter((a) => !a.startsWith('--'));
  flags = Object.fromEntries(argv.filter((a) => a.startsWith('--')).map((a) => {
    const eq = a.indexOf('=');
    return eq < 0 ? [a.slice(2), true] : [a.slice(2, eq), a.slice(eq + 1)];
  }));
  line = argv.join(' ');
  if (env.FAKE_GCLOUD_HANG && new RegExp(env.FAKE_GCLOUD_HANG).test(line)) {
    // A server that takes the connection and never answers: gcloud would wait here.
    if (env.FAKE_GCLOUD_LOG) appendFileSync(env.FAKE_GCLOUD_LOG, `${JSON.stringify({ argv, exit: null })}\n`);
    return undefined;
  }
  let result;
  withLock(() => {
    const state = readState();
    if (env.FAKE_GCLOUD_FAIL && new RegExp(env.FAKE_GCLOUD_FAIL).test(line)) {
      result = { exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) fake failure: the test asked this command to fail\n` };
    } else {
      result = handle(state);
      if (result.changed) writeState(state);
    }
    if (env.FAKE_GCLOUD_LOG) appendFileSync(env.FAKE_GCLOUD_LOG, `${JSON.stringify({ argv, exit: result.exit })}\n`);
  });
  return result;
}


/** The command's answer: {exit, stdout?, stderr?, changed?}. */
function handle(state) {
  const project = flags.project;
  const [group, ...rest] = positional;
  if (group === 'config' && rest[0] === 'get-value' && rest[1] === 'account') return ok('tester@example.com\n');
  if (group === 'compute') return compute(state, project, rest);
  if (group === 'container' && rest[0] === 'fleet') return fleetFeature(state, project, rest.slice(1));
  if (group === 'projects') return projects(state, rest);
  return { exit: 2, stderr: `ERROR: (gcloud) Invalid choice: '${positional.join(' ')}' (the fake does not know it).\n` };
}

// ---- compute --------------------------------------------------------------------------------

function compute(state, project, words) {
  const region = flags.region;
  const verb = ['describe', 'create', 'update', 'delete', 'list'].find((v) => words.includes(v));
  const name = words[words.indexOf(verb) + 1];
  const kind = words.slice(0, words.indexOf(verb)).join(' ');
  const collection = { networks: 'networks', 'networks subnets': 'subnetworks', 'firewall-rules': 'firewalls', routers: 'routers', 'routers nats': 'nats' }[kind];
  if (verb === 'list' && collection === 'subnetworks' && project) {
    // `subnets list --network=VPC`: every subnet of that network, in every region.
    const all = Object.entries(state.compute ?? {}).filter(([k, v]) => k.startsWith(`projects/${project}/regions/`) && k.includes('/subnetworks/')
      && (typeof flags.network !== 'string' || String(v.network).endsWith(`/networks/${flags.network}`)));
    return ok(json(all.map(([, v]) => v)));
  }
  if (!verb || verb === 'list' || !name || !collection || !project) return usage();
  const scope = collection === 'subnetworks' || collection === 'routers' || collection === 'nats' ? `regions/${region}` : 'global';
  const link = (c, n, s = scope) => `https://www.googleapis.com/compute/v1/projects/${project}/${s}/${c}/${n}`;
  const path = (c, n, s = scope) => `projects/${project}/${s}/${c}/${n}`;
  const notFound = (p) => ({ exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) Could not fetch resource:\n - The resource '${p}' was not found\n\n` });
  state.compute ??= {};

  if (collection === 'nats') {
    // A NAT lives inside its router (`gcloud compute routers describe` shows it).
    const router = state.compute[path('routers', flags.router)];
    if (!router) return notFound(path('routers', flags.router));
    const nat = router.nats.find((n) => n.name === name);
    if (verb === 'update' || verb === 'delete') {
      if (!nat) return { exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) NAT ${name} not found\n` };
      if (verb === 'delete') router.nats = router.nats.filter((n) => n !== nat);
      else if (flags['nat-all-subnet-ip-ranges']) nat.sourceSubnetworkIpRangesToNat = 'ALL_SUBNETWORKS_ALL_IP_RANGES';
      return { ...ok(''), changed: true };
    }
    if (router.nats.some((n) => n.name === name)) return alreadyExists(path('routers', flags.router));
    router.nats.push({
      name, natIpAllocateOption: flags['auto-allocate-nat-external-ips'] ? 'AUTO_ONLY' : 'MANUAL_ONLY',
      sourceSubnetworkIpRangesToNat: flags['nat-all-subnet-ip-ranges'] ? 'ALL_SUBNETWORKS_ALL_IP_RANGES' : 'LIST_OF_SUBNETWORKS',
    });
    return { ...ok(''), changed: true };
  }

  const key = path(collection, name);
  if (verb === 'describe') return state.compute[key] ? ok(json(state.compute[key])) : notFound(key);
  const list = (v) => (typeof v === 'string' ? v.split(',') : undefined);
  if (verb === 'delete') {
    if (!state.compute[key]) return notFound(key);
    if (collection === 'networks' && Object.values(state.compute).some((r) => r.network === link('networks', name, 'global'))) {
      return { exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) Could not fetch resource:\n - The network resource '${key}' is already being used\n` };
    }
    delete state.compute[key];
    return { ...ok(''), changed: true };
  }
  if (verb === 'update') {
    const resource = state.compute[key];
    if (!resource) return notFound(key);
    if (collection === 'firewalls') {
      if (flags['source-ranges'] !== undefined) resource.sourceRanges = list(flags['source-ranges']);
      if (flags['destination-ranges'] !== undefined) resource.destinationRanges = list(flags['destination-ranges']);
      if (flags.rules !== undefined) resource.allowed = allowedOf(flags.rules);
      if (flags['no-disabled']) resource.disabled = false;
      if (flags.description !== undefined) resource.description = flags.description;
    } else if (collection === 'subnetworks') {
      // gcloud takes one kind of subnet update per call.
      if (flags['add-secondary-ranges'] !== undefined) {
        for (const r of list(flags['add-secondary-ranges'])) resource.secondaryIpRanges.push({ rangeName: r.split('=')[0], ipCidrRange: r.split('=')[1] });
      } else if (flags['enable-private-ip-google-access']) {
        resource.privateIpGoogleAccess = true;
      } else {
        return usage();
      }
    } else {
      return usage();
    }
    return { ...ok(json(resource)), changed: true };
  }
  if (state.compute[key]) return alreadyExists(key);
  const network = flags.network ? link('networks', flags.network, 'global') : undefined;
  const common = { kind: `compute#${collection.replace(/s$/, '')}`, name, selfLink: link(collection, name) };
  let resource;
  switch (collection) {
    case 'networks':
      resource = { ...common, autoCreateSubnetworks: flags['subnet-mode'] !== 'custom', routingConfig: { routingMode: String(flags['bgp-routing-mode'] ?? 'regional').toUpperCase() } };
      break;
    case 'subnetworks':
      if (!state.compute[path('networks', flags.network, 'global')]) return notFound(path('networks', flags.network, 'global'));
      resource = {
        ...common, network, region: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}`, ipCidrRange: flags.range,
        secondaryIpRanges: (list(flags['secondary-range']) ?? []).map((r) => ({ rangeName: r.split('=')[0], ipCidrRange: r.split('=')[1] })),
        privateIpGoogleAccess: flags['enable-private-ip-google-access'] === true,
      };
      break;
    case 'firewalls': {
      if (!state.compute[path('networks', flags.network, 'global')]) return notFound(path('networks', flags.network, 'global'));
      resource = {
        ...common, network, direction: flags.direction ?? 'INGRESS', priority: 1000, allowed: allowedOf(flags.rules), sourceRanges: list(flags['source-ranges']),
        ...(flags['destination-ranges'] ? { destinationRanges: list(flags['destination-ranges']) } : {}),
        description: flags.description ?? '', disabled: false,
      };
      break;
    }
    case 'routers':
      if (!state.compute[path('networks', flags.network, 'global')]) return notFound(path('networks', flags.network, 'global'));
      resource = { ...common, network, nats: [] };
      break;
  }
  state.compute[key] = resource;
  return { ...ok(json(resource)), changed: true };
}

/** gcloud sends one `allowed` entry per --rules item. */
function allowedOf(rules) {
  return String(rules).split(',').map((r) => {
    const [IPProtocol, port] = r.split(':');
    return port ? { IPProtocol, ports: [port] } : { IPProtocol };
  });
}

// ---- fleet features -------------------------------------------------------------------------

const FEATURES = {
  'multi-cluster-services': { id: 'multiclusterservicediscovery', display: 'Multi-cluster Services' },
  ingress: { id: 'multiclusteringress', display: 'Ingress' },
};

function fleetFeature(state, project, [group, verb]) {
  const feature = FEATURES[group];
  if (!feature || !project) return usage();
  state.features ??= {};
  const existing = state.features[feature.id];
  switch (verb) {
    case 'describe':
      // `describe` turns the API's 404 into this sentence.
      return existing ? ok(json(existing)) : { exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) ${feature.display} Feature for project [${project}] is not enabled\n` };
    case 'enable': {
      let spec = {};
      if (feature.id === 'multiclusteringress') {
        const membership = flags['config-membership'];
        // gcloud would prompt for it; prompts are off.
        if (typeof membership !== 'string') return { exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) argument --config-membership: Must be specified.\n` };
        if (!/^projects\/[^/]+\/locations\/[^/]+\/memberships\/[^/]+$/.test(membership)) return usage();
        spec = { multiclusteringress: { configMembership: membership } };
      }
      // Like gcloud: an enabled feature is left exactly as it is (a different config membership too).
      if (existing) return { exit: 0, stderr: `${feature.display} Feature for project [${project}] is already enabled\n` };
      state.features[feature.id] = {
        name: `projects/${project}/locations/global/features/${feature.id}`,
        resourceState: { state: 'ACTIVE' }, spec, state: { state: { code: 'OK' } },
      };
      return { exit: 0, stderr: `Waiting for Feature ${feature.display} to be created...done.\n`, changed: true };
    }
    default:
      return usage();
  }
}

// ---- projects -------------------------------------------------------------------------------

function projects(state, [verb, project]) {
  state.iamPolicy ??= { version: 1, etag: 'BwYAAAAAAAA=', bindings: [] };
  const policy = state.iamPolicy;
  switch (verb) {
    case 'describe':
      return ok(json({ projectId: project, projectNumber: String(state.projectNumber ?? '123456789012'), lifecycleState: 'ACTIVE', name: project }));
    case 'get-iam-policy':
      return ok(json(policy));
    case 'add-iam-policy-binding': {
      const { member, role, condition } = flags;
      if (typeof member !== 'string' || typeof role !== 'string') return usage();
      // gcloud asks which condition when the policy has conditional bindings; prompts are off.
      if (condition === undefined && policy.bindings.some((b) => b.condition)) {
        return { exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) Adding a binding without specifying a condition to a policy containing conditions is prohibited in non-interactive mode. Run the command again with \`--condition=None\`\n` };
      }
      let binding = policy.bindings.find((b) => b.role === role && !b.condition);
      if (!binding) policy.bindings.push((binding = { role, members: [] }));
      if (!binding.members.includes(member)) binding.members.push(member);
      policy.etag = Buffer.from(String(Date.now())).toString('base64');
      return { ...ok(json(policy)), stderr: `Updated IAM policy for project [${project}].\n`, changed: true };
    }
    default:
      return usage();
  }
}

// ---- helpers --------------------------------------------------------------------------------

function ok(stdout) {
  return { exit: 0, stdout };
}

function alreadyExists(path) {
  return { exit: 1, stderr: `ERROR: (gcloud.${commandPath()}) Could not fetch resource:\n - The resource '${path}' already exists\n\n` };
}

function usage() {
  return { exit: 2, stderr: `ERROR: (gcloud.${commandPath()}) the fake cannot parse: ${line}\n` };
}

/** `compute.firewall-rules.create`: the command words, as gcloud names itself in errors. */
function commandPath() {
  const words = [];
  for (const w of positional) {
    words.push(w);
    if (['describe', 'create', 'update', 'delete', 'list', 'enable', 'get-iam-policy', 'add-iam-policy-binding', 'get-value'].includes(w)) break;
  }
  return words.join('.');
}

function json(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function readState() {
  return existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')) : {};
}

function writeState(state) {
  writeFileSync(`${STATE}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${STATE}.tmp`, STATE);
}

/** Runs `fn` holding `<state>.lock` (exclusive create); a lock older than 10 s is stale. */
function withLock(fn) {
  const lock = `${STATE}.lock`;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10_000) rmSync(lock, { force: true });
      } catch {
        // Released meanwhile.
      }
      if (tries > 5000) throw new Error('fake gcloud: lock timeout');
      Atomics.wait(pause, 0, 0, 2);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = answer(process.argv.slice(2), process.env);
  if (result === undefined) setInterval(() => {}, 60_000);
  else {
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    process.exitCode = result.exit;
  }
}
