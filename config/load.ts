/**
 * `loadFleet(file)`: the one entry from YAML to the typed, frozen `Fleet`. Reports every problem
 * it finds at once (as `ConfigError`), each with file, line, column, field path, the value and what
 * was expected. Structure first (zod schemas), then cross-field rules (rules.ts).
 */
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { AppDefinitionSchema, type AppDefinitionData } from './app-schema.ts';
import { deepFreeze, hasIngress, type App, type Cluster, type Fleet, type PlacedWorkload } from './model.ts';
import { ConfigError, describe, pathToString, type Problem } from './problems.ts';
import { checkApp, checkFleet } from './rules.ts';
import { FleetSchema, type FleetData } from './schema.ts';
import { readYamlFile, type YamlSource } from './source.ts';

/** Default fleet file, relative to the repository root. */
export const DEFAULT_FLEET_FILE = 'config/fleet.yaml';

export function loadFleet(file: string = DEFAULT_FLEET_FILE): Fleet {
  const display = displayPath(file);
  const fleetSource = readYamlFile(file, display);
  if (!fleetSource.ok) throw new ConfigError(fleetSource.problems);
  const fleetData = validate(FleetSchema, fleetSource.source);
  if (!fleetData.ok) throw new ConfigError(fleetData.problems);

  const problems: Problem[] = [];
  const at = sourceReporter(fleetSource.source, problems);
  checkFleet(fleetData.value, at);

  const definitions = new Map<string, { data: AppDefinitionData; file: string }>();
  const namespaces = new Map<string, string>();
  for (const [appName, appRef] of Object.entries(fleetData.value.apps)) {
    const defFile = resolve(dirname(file), appRef.definition);
    const defDisplay = displayPath(defFile);
    const read = readYamlFile(defFile, defDisplay);
    if (!read.ok) {
      // Say which fleet entry pointed at the unreadable file, then why it is unreadable.
      at(['apps', appName, 'definition'], `cannot load app definition (got ${describe(appRef.definition)}, expected a readable app file)`);
      problems.push(...read.problems);
      continue;
    }
    const def = validate(AppDefinitionSchema, read.source);
    if (!def.ok) {
      problems.push(...def.problems);
      continue;
    }
    checkApp(appName, def.value, fleetData.value, sourceReporter(read.source, problems), at);
    const namespace = def.value.namespace ?? appName;
    const owner = namespaces.get(namespace);
    if (owner) at(['apps', appName], `namespace already used (got ${JSON.stringify(namespace)}, expected a namespace no other app uses; ${owner} has it)`, { key: true });
    namespaces.set(namespace, appName);
    definitions.set(appName, { data: def.value, file: defDisplay });
  }
  if (problems.length > 0) throw new ConfigError(sortProblems(problems));
  return deepFreeze(buildFleet(display, fleetData.value, definitions));
}

/** A function that records a problem at a field path of one source file. */
export type Reporter = (path: readonly PropertyKey[], message: string, opts?: { key?: boolean }) => void;

function sourceReporter(source: YamlSource, sink: Problem[]): Reporter {
  return (path, message, opts) => {
    const pos = source.locate(path, opts?.key);
    sink.push({ file: source.file, line: pos.line, col: pos.col, path: pathToString(path), message });
  };
}

type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

function validate<S extends z.ZodType>(schema: S, source: YamlSource): Validated<z.output<S>> {
  if (source.data === null || source.data === undefined) {
    return { ok: false, problems: [{ file: source.file, line: 1, col: 1, path: '', message: 'empty document (got nothing, expected a mapping)' }] };
  }
  const result = schema.safeParse(source.data);
  if (result.success) return { ok: true, value: result.data };
  const problems: Problem[] = [];
  const report = sourceReporter(source, problems);
  const reported = new Set<string>();
  for (const issue of result.error.issues) {
    const path = issue.path as PropertyKey[];
    // One problem per field: an empty string can fail several checks of the same field.
    const key = JSON.stringify(path);
    if (issue.code !== 'unrecognized_keys') {
      if (reported.has(key)) continue;
      reported.add(key);
    }
    const got = valueAt(source.data, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const known = knownKeys(schema, path);
          report([...path, key], `unknown key (got ${JSON.stringify(key)}, expected ${known ? `one of ${known.join(', ')}` : 'no other key'})`, { key: true });
        }
        break;
      case 'invalid_type':
        if (got === undefined) report(path, `missing (expected ${expectedType(issue)})`);
        else report(path, `wrong type (got ${describe(got)}, expected ${expectedType(issue)})`);
        break;
      default:
        report(path, `invalid value (got ${describe(got)}, expected ${expectedText(issue)})`);
    }
  }
  return { ok: false, problems: sortProblems(problems) };
}

function expectedType(issue: z.core.$ZodIssue): string {
  // Custom messages in the schemas are written as the "expected …" text.
  if (!issue.message.startsWith('Invalid input')) return issue.message;
  const expected = (issue as { expected?: string }).expected ?? 'another type';
  return { object: 'a mapping', array: 'a list', record: 'a mapping', string: 'a string', number: 'a number', boolean: 'true or false' }[expected] ?? expected;
}

function expectedText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') return 'one of the allowed forms';
  return issue.message.replace(/^Invalid input: expected /, '').replace(/^Invalid option: expected one of /, '');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

/** Keys the schema allows at `path` (for "expected one of …" on a typo). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: unknown = schema;
  for (const key of path) {
    node = unwrap(node);
    const def = (node as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown } }).def;
    if (!def) return undefined;
    if (def.type === 'object') node = def.shape?.[String(key)];
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else return undefined;
  }
  const def = (unwrap(node) as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}).filter((k) => k !== '$schema') : undefined;
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { type?: string; innerType?: unknown; getter?: () => unknown; in?: unknown } } | undefined;
  for (let i = 0; i < 10 && current?.def; i++) {
    const { type } = current.def;
    if (type === 'default' || type === 'optional' || type === 'nullable' || type === 'prefault') current = current.def.innerType as typeof current;
    else if (type === 'lazy') current = current.def.getter?.() as typeof current;
    else break;
  }
  return current;
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message));
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith('..') ? resolve(file) : rel;
}

function buildFleet(file: string, data: FleetData, definitions: Map<string, { data: AppDefinitionData; file: string }>): Fleet {
  const clusters: Cluster[] = data.clusters.map((c) => ({
    ...c,
    zones: c.zones ?? [],
    network: c.network ?? (data.mesh.networkModel === 'flat' ? data.mesh.network : c.name),
    ingress: hasIngress(c),
    controlPlane: c.role === 'primary' ? c.name : c.primary!,
    remotes: data.clusters.filter((r) => r.role === 'remote' && r.primary === c.name).map((r) => r.name),
  }));
  const apps: App[] = Object.entries(data.apps).map(([name, ref]) => {
    const { data: def, file: definitionFile } = definitions.get(name)!;
    const workloads = Object.entries(def.workloads).map(([wname, w]) => ({ ...w, name: wname }));
    const placements: PlacedWorkload[] = [];
    for (const cluster of clusters) {
      const placed = ref.placement[cluster.name] ?? {};
      for (const workload of workloads) {
        if (!(workload.name in placed)) continue;
        const override = placed[workload.name] ?? {};
        placements.push({
          workload,
          cluster: cluster.name,
          replicas: override.autoscaling ? undefined : override.replicas ?? workload.replicas,
          autoscaling: override.autoscaling,
          resources: override.resources ?? workload.resources,
        });
      }
    }
    return {
      name,
      namespace: def.namespace ?? name,
      definitionFile,
      services: Object.entries(def.services).map(([sname, s]) => ({
        name: sname,
        ports: s.ports,
        calls: s.calls,
        serviceAccount: s.serviceAccount ?? `${name}-${sname}`,
        locality: ref.traffic[sname]?.locality ?? s.locality,
        weights: ref.traffic[sname]?.weights,
      })),
      workloads,
      ingress: def.ingress,
      placements,
    };
  });
  const { $schema: _ignored, globalEntry: entry, ...rest } = data;
  const globalEntry = entry?.enabled
    ? {
        configCluster: entry.configCluster,
        servingClusters: clusters.filter((c) => c.ingress).map((c) => c.name),
        hostnames: entry.hostnames,
        certificateMap: entry.tls?.enabled === false ? undefined : entry.tls?.certificateMap,
        address: entry.address,
        securityPolicy: entry.securityPolicy,
        backendTimeoutSec: entry.backendTimeoutSec,
      }
    : undefined;
  // Multi-cluster Gateways need every cluster in the fleet (GKE Hub) and the Gateway API on.
  const gke = globalEntry ? { ...rest.gke, fleetRegistration: true, gatewayApi: true } : rest.gke;
  return { ...rest, gke, file, clusters, apps, ...(globalEntry ? { globalEntry } : {}) };
}
