/** Kubernetes label selectors (metav1.LabelSelector), evaluated as the API server does. */

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: readonly string[] }[];
}

/**
 * Whether `labels` satisfy `selector`; no selector (or an empty one) selects everything, as a
 * webhook without namespaceSelector or objectSelector does. An unknown operator selects nothing.
 */
export function matchesSelector(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  const has = (key: string) => Object.hasOwn(labels, key);
  const byLabels = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return byLabels && (selector?.matchExpressions ?? []).every((e) => {
    switch (e.operator) {
      case 'In': return has(e.key) && (e.values ?? []).includes(labels[e.key]!);
      case 'NotIn': return !has(e.key) || !(e.values ?? []).includes(labels[e.key]!);
      case 'Exists': return has(e.key);
      case 'DoesNotExist': return !has(e.key);
      default: return false;
    }
  });
}
