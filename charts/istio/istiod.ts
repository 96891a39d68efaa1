import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IstioChartSource } from './chart-source.ts';
import { IstioRelease } from './istio-release.ts';
import { ISTIO_NAMESPACE, READER_SERVICE_ACCOUNT, READER_TOKEN_SECRET, TAG_LABEL, istiodOf, tagReleaseOf } from './names.ts';
import { RemoteIstiodEndpoints } from './remote-istiod-endpoints.ts';

/** One control-plane revision: the `istiod` chart at its Istio release, `revision` set in its values. */
export interface IstiodRevision {
  readonly revision: string;
  readonly version: string;
  /** Values of the `istiod` chart (control plane, or remote profile). */
  readonly values: Record<string, unknown>;
}

/** One revision tag: its injection webhook, from the `istiod` chart of the revision it points at. */
export interface IstiodTag {
  readonly tag: string;
  /** Istio release of the revision the tag points at. */
  readonly version: string;
  /** Values of the `istiod` chart: that `revision`, and `revisionTags: [tag]`. */
  readonly values: Record<string, unknown>;
}

export interface IstiodProps extends ChartProps {
  readonly source: IstioChartSource;
  /** Every revision this cluster runs (or, in a remote, is served by). */
  readonly revisions: readonly IstiodRevision[];
  /** Every revision tag of the mesh. */
  readonly tags: readonly IstiodTag[];
  /**
   * Render the reader token Secret, because some primary's istiod watches this cluster. It has no
   * data: Kubernetes fills in the token; bootstrap reads it into that primary's remote secret.
   * @default false
   */
  readonly readerToken?: boolean;
  /**
   * This cluster's own istiod patches the validating webhook's caBundle, so helm-controller's
   * drift detection must leave it alone (a primary). @default true
   */
  readonly managedValidation?: boolean;
  /**
   * A remote: the address of its primary's istiod (the east-west gateway), rendered as v1
   * Endpoints of each revision's `istiod-<revision>` Service (see RemoteIstiodEndpoints).
   * @default - no Endpoints (a primary runs istiod itself)
   */
  readonly remotePilotAddress?: string;
}

/**
 * The second layer: each revision's `istiod`, as the control plane (primary) or as its remote
 * profile (injection webhook and an `istiod-<revision>` Service pointing at the primary), after
 * `base` created the CRDs and the reader service account; and each revision tag's webhook.
 *
 * A tag's webhook is its own release (`istio-tag-<tag>`), not part of its revision's: moving a
 * tag then upgrades that one release in place, so the webhook is updated and never missing. Were
 * it in the revision's release (the chart's `revisionTags`), the new revision's release would
 * have to create an object the old one still owns, which Helm refuses, and until it did, pods of
 * the tag's namespaces would start without a sidecar. The release renders the whole chart for
 * that revision with `revisionTags: [tag]` and keeps only the tag's objects (labelled
 * `istio.io/tag`), so the webhook is exactly the chart's.
 */
export class Istiod extends Chart {
  constructor(scope: Construct, id: string, props: IstiodProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    for (const r of props.revisions) {
      const release = istiodOf(r.revision);
      new IstioRelease(this, release, { release, namespace: ISTIO_NAMESPACE, chart: 'istiod', version: r.version, source: props.source, values: r.values, webhooks: props.managedValidation ?? true });
      if (props.remotePilotAddress) new RemoteIstiodEndpoints(this, `${release}-endpoints`, { address: props.remotePilotAddress, service: release });
    }
    for (const t of props.tags) {
      const release = tagReleaseOf(t.tag);
      new IstioRelease(this, release, { release, namespace: ISTIO_NAMESPACE, chart: 'istiod', version: t.version, source: props.source, values: t.values, keepOnlyLabelled: TAG_LABEL });
    }
    if (props.readerToken) {
      // Lives here, not in the base layer: the token controller deletes a token Secret whose
      // service account does not exist yet, and `base` creates that account.
      new ApiObject(this, 'reader-token', {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: READER_TOKEN_SECRET,
          namespace: ISTIO_NAMESPACE,
          annotations: { 'kubernetes.io/service-account.name': READER_SERVICE_ACCOUNT },
        },
      });
    }
  }
}
