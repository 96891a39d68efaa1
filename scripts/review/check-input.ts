/**
 * What every fleet check reads: the loaded fleet model and the rendered files, parsed once, with
 * the lookups several checks share (pod labels, Service selectors, service hostnames).
 */
import type { Fleet } from '../../config/model.ts';
import type { IstioChart } from '../../charts/istio/chart-keys.ts';
import { chartOfSource } from '../../charts/istio/chart-source.ts';
import type { Finding } from './findings.ts';
import { isPlainObject, parseRendered, type Documents, type RenderedObject } from './objects.ts';

export interface CheckInput {
  readonly fleet: Fleet;
  /** Rendered files: dist-relative path → content. */
  readonly files: ReadonlyMap<string, string>;
  /** Every object of every cluster. */
  readonly objects: readonly RenderedObject[];
  /** Where dist lives in the git repository (Flux paths start with `./<distInRepo>/`). */
  readonly distInRepo: string;
}

export interface CheckOptions {
  /** @default 'dist' */
  readonly distInRepo?: string;
  /** The JSON of each file's documents (`RenderedFleet.documents`), read instead of the YAML. @default - the YAML is parsed */
  readonly documents?: Documents;
}

export function checkInput(fleet: Fleet, files: ReadonlyMap<string, string>, options: CheckOptions = {}): CheckInput {
  return { fleet, files, objects: parseRendered(files, new Map(), options.documents), distInRepo: options.distInRepo ?? 'dist' };
}

/** A fleet check: pure, one concern. */
export interface Check {
  readonly id: string;
  /** One line for `--help` and the docs. */
  readonly title: string;
  readonly run: (input: CheckInput) => Finding[];
}

export const ofKind = (input: CheckInput, kind: string): RenderedObject[] => input.objects.filter((o) => o.kind === kind);

type Labels = Readonly<Record<string, string>>;

/** Pod template labels of a Deployment. */
export function podLabels(deployment: RenderedObject): Labels {
  const labels = (deployment.body.spec as { template?: { metadata?: { labels?: unknown } } } | undefined)?.template?.metadata?.labels;
  return isPlainObject(labels) ? (labels as Labels) : {};
}

/** A Service's selector (empty when it has none). */
export function selectorOf(svc: RenderedObject): Labels {
  const selector = (svc.body.spec as { selector?: unknown } | undefined)?.selector;
  return isPlainObject(selector) ? (selector as Labels) : {};
}

/** Every key/value of `selector` is in `labels` (an empty selector matches nothing here). */
export function matches(selector: Labels, labels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * `reviews.bookinfo.svc.cluster.local` (or `reviews.bookinfo`, or the short `reviews` relative to
 * `namespace`) → the Service's name and namespace.
 */
export function serviceOfHost(host: string, namespace?: string): { name: string; namespace?: string } {
  const [name, ns] = host.split('.');
  return { name: name!, namespace: ns ?? namespace };
}

/**
 * Deployments anywhere in the fleet whose pods back Service `name` in `namespace`: the pods match
 * the selector of that Service as rendered in any cluster (or `app: <name>` if no cluster has it).
 */
export function backingDeployments(input: CheckInput, name: string, namespace: string | undefined): RenderedObject[] {
  const services = ofKind(input, 'Service').filter((s) => s.name === name && s.namespace === namespace);
  const selectors = services.length > 0 ? services.map(selectorOf) : [{ app: name }];
  return ofKind(input, 'Deployment').filter((d) => d.namespace === namespace && selectors.some((s) => matches(s, podLabels(d))));
}

/**
 * Whether a Deployment has pods to serve: `spec.replicas` above 0 (1 when unset), or a
 * HorizontalPodAutoscaler in its cluster that scales it with `minReplicas` of at least 1.
 */
export function hasPods(input: CheckInput, deployment: RenderedObject): boolean {
  const replicas = (deployment.body.spec as { replicas?: number } | undefined)?.replicas;
  if (replicas === undefined || replicas > 0) return true;
  return ofKind(input, 'HorizontalPodAutoscaler').some((h) => {
    const spec = h.body.spec as { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number } | undefined;
    return h.cluster === deployment.cluster && h.namespace === deployment.namespace
      && spec?.scaleTargetRef?.kind === 'Deployment' && spec.scaleTargetRef.name === deployment.name && (spec.minReplicas ?? 1) > 0;
  });
}

const CHARTS: readonly string[] = ['base', 'istiod', 'gateway'];

/**
 * The Istio chart a HelmRelease installs: from its OCIRepository (`istio-<chart>-<version>`) or
 * HelmRepository chart name; undefined for anything that is not an Istio chart.
 */
export function istioChartOf(release: RenderedObject): IstioChart | undefined {
  const spec = (release.body.spec ?? {}) as { chartRef?: { name?: string }; chart?: { spec?: { chart?: string } } };
  const fromRef = spec.chartRef?.name === undefined ? undefined : chartOfSource(spec.chartRef.name);
  if (fromRef) return fromRef;
  const fromChart = spec.chart?.spec?.chart;
  return fromChart && CHARTS.includes(fromChart) ? fromChart as IstioChart : undefined;
}

/**
 * An `istiod` release that runs a control plane or its remote profile; not the release of a
 * revision tag, which renders the same chart only for the tag's webhook (`revisionTags`).
 */
export const isControlPlaneRelease = (release: RenderedObject): boolean =>
  istioChartOf(release) === 'istiod' && helmValues(release).revisionTags === undefined;

/** A HelmRelease's values (empty when it has none). */
export function helmValues(release: RenderedObject): Record<string, unknown> {
  const values = (release.body.spec as { values?: unknown } | undefined)?.values;
  return isPlainObject(values) ? values : {};
}
