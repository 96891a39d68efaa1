/**
 * Rules of one app definition (services, calls, workloads, ingress) and of the fleet's placement
 * and traffic for it: what a schema cannot say about one field alone, and what Kubernetes or
 * Istio would refuse once applied. Each rule reports at the exact field that must change.
 */
import { posix } from 'node:path';
import { INGRESS } from '../charts/istio/names.ts';
import type { AppDefinitionData } from './app-schema.ts';
import type { Reporter } from './load.ts';
import { callPolicyName } from './model.ts';
import { describe } from './problems.ts';
import { checkUnique } from './rules.ts';
import type { FleetAppData } from './schema.ts';

/** What the fleet says about one app, for the rules of its placement and traffic. */
export interface AppInFleet {
  /** Names placements may use (see `checkFleet`). */
  readonly clusters: ReadonlySet<string>;
  readonly ref: FleetAppData;
  /** Whether any cluster of the fleet runs an ingress gateway (else the app's ingress renders nothing). */
  readonly hasIngress: boolean;
}

/** Kubernetes' limit on the total size of an object's annotations (keys and values, in bytes). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;
/** An annotation key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
const ANNOTATION_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Rules of one app definition, and, when the fleet's entry for it is valid, of the fleet's
 * placement and traffic for it.
 */
export function checkApp(appName: string, def: AppDefinitionData, fleet: AppInFleet | undefined, atDef: Reporter, atFleet: Reporter): void {
  const services = Object.keys(def.services);
  const serviceList = services.join(', ');
  const accounts = new Map<string, string>();
  for (const [name, svc] of Object.entries(def.services)) {
    const portNames = new Map<string, number>();
    const portNumbers = new Map<number, number>();
    svc.ports.forEach((p, j) => {
      if (portNames.has(p.name)) atDef(['services', name, 'ports', j, 'name'], `duplicate port name (got ${JSON.stringify(p.name)}, expected a name not used by ports[${portNames.get(p.name)}])`);
      if (portNumbers.has(p.port)) atDef(['services', name, 'ports', j, 'port'], `duplicate port (got ${p.port}, expected a port not used by ports[${portNumbers.get(p.port)}])`);
      portNames.set(p.name, j);
      portNumbers.set(p.port, j);
    });
    const callees = new Map<string, number>();
    svc.calls.forEach((callee, j) => {
      if (callees.has(callee)) atDef(['services', name, 'calls', j], `duplicate call (got ${JSON.stringify(callee)}, expected each service once; calls[${callees.get(callee)}] has it)`);
      else if (!(callee in def.services)) atDef(['services', name, 'calls', j], `unknown service (got ${JSON.stringify(callee)}, expected one of ${serviceList})`);
      else if (callee === name) atDef(['services', name, 'calls', j], `a service calling itself (got ${JSON.stringify(callee)}, expected another service)`);
      if (!callees.has(callee)) callees.set(callee, j);
    });
    // Istio authorizes calls by the caller's service account: a service running as another's
    // would get every call right of that one.
    const account = svc.serviceAccount ?? `${appName}-${name}`;
    const owner = accounts.get(account);
    if (owner !== undefined) {
      atDef(['services', name, ...(svc.serviceAccount ? ['serviceAccount'] : [])], `service account of another service (got ${JSON.stringify(account)}, which ${owner} runs as; expected an account of its own, or its calls would be authorized as ${owner}'s)`, { key: !svc.serviceAccount });
    } else accounts.set(account, name);
  }
  const versions = new Map<string, string>();
  for (const [name, w] of Object.entries(def.workloads)) {
    checkPodAnnotations(['workloads', name, 'podAnnotations'], w.podAnnotations, atDef);
    const mounts = new Set<string>();
    const paths = new Map<string, number>();
    w.volumes.forEach((v, j) => {
      if (mounts.has(v.name)) atDef(['workloads', name, 'volumes', j, 'name'], `duplicate volume (got ${JSON.stringify(v.name)}, expected a unique volume name)`);
      mounts.add(v.name);
      const path = posix.normalize(v.mountPath).replace(/(.)\/$/, '$1');
      if (paths.has(path)) atDef(['workloads', name, 'volumes', j, 'mountPath'], `duplicate mount path (got ${JSON.stringify(v.mountPath)}, expected a path not mounted by volumes[${paths.get(path)}])`);
      else paths.set(path, j);
    });
    if (!(w.service in def.services)) {
      atDef(['workloads', name, 'service'], `unknown service (got ${JSON.stringify(w.service)}, expected one of ${serviceList})`);
      continue;
    }
    const key = `${w.service}/${w.version}`;
    if (versions.has(key)) atDef(['workloads', name, 'version'], `duplicate version (got ${JSON.stringify(w.version)}, expected a version of ${w.service} not used by ${versions.get(key)})`);
    versions.set(key, name);
  }
  for (const name of services) {
    if (!Object.values(def.workloads).some((w) => w.service === name)) atDef(['services', name], `service without workloads (got none, expected a workload with service: ${name})`);
  }
  checkCallPolicyNames(def, atDef);
  if (def.ingress) {
    const svc = def.services[def.ingress.service];
    if (!svc) atDef(['ingress', 'service'], `unknown service (got ${JSON.stringify(def.ingress.service)}, expected one of ${serviceList})`);
    else if (!svc.ports.some((p) => p.port === def.ingress!.port)) atDef(['ingress', 'port'], `port not served (got ${def.ingress.port}, expected one of ${svc.ports.map((p) => p.port).join(', ')})`);
    checkUnique(def.ingress.hosts, ['ingress', 'hosts'], 'host', atDef);
  }

  if (!fleet) return;
  const { ref, clusters: clusterNames } = fleet;
  if (def.ingress && !fleet.hasIngress) {
    atFleet(['apps', appName], `unused ingress (got ingress routes in the app definition, expected a cluster with ingress: true to serve them; no cluster runs an ingress gateway, so none renders)`, { key: true, warning: true });
  }
  const workloads = Object.keys(def.workloads);
  const placedServices = new Set<string>();
  for (const [cluster, placed] of Object.entries(ref.placement)) {
    for (const [workload, override] of Object.entries(placed)) {
      const path = ['apps', appName, 'placement', cluster, workload];
      const w = def.workloads[workload];
      if (!w) {
        atFleet(path, `unknown workload (got ${JSON.stringify(workload)}, expected one of ${workloads.join(', ')})`, { key: true });
        continue;
      }
      if (clusterNames.has(cluster)) placedServices.add(w.service);
      if (override?.replicas !== undefined && override.autoscaling !== undefined) {
        atFleet([...path, 'autoscaling'], `replicas and autoscaling both set (got replicas ${override.replicas} and autoscaling, expected one of them)`, { key: true });
      }
      if (override?.autoscaling && override.autoscaling.min > override.autoscaling.max) {
        atFleet([...path, 'autoscaling', 'min'], `min above max (got min ${override.autoscaling.min} > max ${override.autoscaling.max}, expected min <= max)`);
      }
    }
  }
  for (const name of services) {
    if (Object.values(def.workloads).some((w) => w.service === name) && !placedServices.has(name)) {
      atFleet(['apps', appName, 'placement'], `service ${name} runs nowhere (got no placed workload of it, expected at least one of ${Object.entries(def.workloads).filter(([, w]) => w.service === name).map(([n]) => n).join(', ')} placed in a cluster)`);
    }
  }
  for (const [name, traffic] of Object.entries(ref.traffic)) {
    const path = ['apps', appName, 'traffic', name];
    if (!(name in def.services)) {
      atFleet(path, `unknown service (got ${JSON.stringify(name)}, expected one of ${serviceList})`, { key: true });
      continue;
    }
    if (traffic.weights) {
      const own = Object.values(def.workloads).filter((w) => w.service === name).map((w) => w.version);
      for (const version of Object.keys(traffic.weights)) {
        if (!own.includes(version)) atFleet([...path, 'weights', version], `unknown version (got ${JSON.stringify(version)}, expected one of ${own.join(', ')})`, { key: true });
      }
      const sum = Object.values(traffic.weights).reduce((a, b) => a + b, 0);
      if (sum !== 100) atFleet([...path, 'weights'], `weights do not add up (got ${sum}, expected 100)`);
      const placed = new Set(Object.values(ref.placement).flatMap((p) => Object.keys(p)));
      for (const [version, weight] of Object.entries(traffic.weights)) {
        const workload = Object.entries(def.workloads).find(([, w]) => w.service === name && w.version === version)?.[0];
        if (weight > 0 && workload && !placed.has(workload)) {
          atFleet([...path, 'weights', version], `weight for a version that runs nowhere (got ${weight}, expected 0, or ${workload} placed in a cluster)`);
        }
      }
      if (def.ingress && name === appName) {
        atFleet([...path, 'weights'], `weights on a service named like its app (got ${JSON.stringify(name)}, expected a service name other than the app name: both would need the VirtualService ${JSON.stringify(appName)})`, { key: true });
      }
    }
  }
}

/**
 * Each call edge gets an AuthorizationPolicy named `<callee>-from-<caller>` (the ingress gateway is
 * a caller too): two edges must not get one name (`x` called by `y-from-z`, `x-from-y` by `z`).
 */
function checkCallPolicyNames(def: AppDefinitionData, at: Reporter): void {
  const edges = new Map<string, string>();
  if (def.ingress) edges.set(callPolicyName(def.ingress.service, INGRESS.serviceAccount), `the ingress gateway → ${def.ingress.service}`);
  for (const [caller, svc] of Object.entries(def.services)) {
    svc.calls.forEach((callee, j) => {
      const name = callPolicyName(callee, caller);
      const other = edges.get(name);
      const edge = `${caller} → ${callee}`;
      if (other !== undefined && other !== edge) at(['services', caller, 'calls', j], `call policy name taken (got ${JSON.stringify(name)} for ${edge}, which ${other} already has; expected service names that give each call its own <callee>-from-<caller> name)`);
      else edges.set(name, edge);
    });
  }
}

/** Kubernetes' rules for annotation keys and the total size of an object's annotations. */
function checkPodAnnotations(path: PropertyKey[], annotations: Readonly<Record<string, string>>, at: Reporter): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = key.slice(slash + 1);
    const valid = ANNOTATION_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
    if (!valid) {
      at([...path, key], `invalid annotation key (got ${describe(key)}, expected [PREFIX/]NAME: a DNS subdomain of at most 253 characters as PREFIX, and a NAME of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`, { key: true });
    }
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) at(path, `annotations too large (got ${bytes} bytes, expected at most ${MAX_ANNOTATIONS_BYTES} in keys and values together, as Kubernetes allows)`);
}
