/**
 * Helm values keys the pinned chart does not have: Helm ignores an unknown key without a word, so
 * a typo (`global.meshId`) or a key from another Istio version silently does nothing. Every
 * rendered Istio HelmRelease's values are checked against the pinned chart's key list
 * (charts/istio/chart-keys.generated.json, `npm run gen:chart-keys`).
 */
import { chartKeysSource, unknownValuesKeys } from '../../charts/istio/chart-keys.ts';
import { helmValues, istioChartOf, ofKind, type Check, type CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';
import { objectRef } from './objects.ts';

export function checkHelmValues(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  for (const release of ofKind(input, 'HelmRelease')) {
    const chart = istioChartOf(release);
    if (!chart) continue;
    for (const key of unknownValuesKeys(chart, helmValues(release))) {
      findings.push({
        severity: 'error',
        check: helmValueKeys.id,
        where: objectRef(release),
        message: `values key ${key} does not exist in the pinned ${chart} chart (${chartKeysSource}); Helm ignores it silently`,
        fix: `rename or remove ${key} in the values charts/istio/values.ts renders; if the chart version changed, run npm run gen:chart-keys`,
      });
    }
  }
  return findings;
}

export const helmValueKeys: Check = { id: 'helm-values', title: 'Istio Helm values keys exist in the pinned charts', run: checkHelmValues };
