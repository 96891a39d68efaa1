/** Kubernetes objects as verify:charts reads them: parsed from YAML files, found by kind and name. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A parsed object; only `kind` and `metadata.name` are sure to be there. */
export interface Obj {
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: any;
}

/**
 * The objects of a multi-document YAML text: documents with a kind and a name (not empty ones,
 * nor the nameless kustomization.yaml files of dist, which are no cluster objects).
 */
export const parseObjects = (text: string): Obj[] =>
  parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => !!o?.kind && !!o.metadata?.name);

/** YAML files under `dir`, recursively, without the render tool's `*.values.yaml` inputs. */
export function yamlFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml') && !e.name.endsWith('.values.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export const findObject = (objects: readonly Obj[], kind: string, name: string): Obj | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

/** Kinds without a namespace among those the Istio charts and dist render. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'PriorityClass',
  'GatewayClass', 'IngressClass', 'StorageClass',
]);

export const isClusterScoped = (o: Obj): boolean => CLUSTER_SCOPED.has(o.kind);

/**
 * What names an object in a cluster (`Kind name` or `Kind namespace/name`): two objects with the
 * same one are one object in the API server. `namespace` is where a namespaced object without
 * one lands (the release's namespace).
 */
export const objectId = (o: Obj, namespace: string): string =>
  isClusterScoped(o) ? `${o.kind} ${o.metadata.name}` : `${o.kind} ${o.metadata.namespace ?? namespace}/${o.metadata.name}`;
