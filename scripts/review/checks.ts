/**
 * The fleet checks (`npm run check`): what no single-cluster tool can see. Each check is a pure
 * function of the loaded fleet and the rendered files; `runChecks` runs them all.
 *
 *   const findings = runChecks(fleet, renderFleet(fleet).files);
 *   findings.map(formatFinding);  // ['error frankfurt/DestinationRule/bookinfo/reviews: … (fix: …)']
 */
import type { Fleet } from '../../config/model.ts';
import { calleeEndpoints } from './check-callee-endpoints.ts';
import { callerServices } from './check-caller-services.ts';
import { checkInput, type Check, type CheckInput, type CheckOptions } from './check-input.ts';
import { fluxPaths } from './check-flux-paths.ts';
import { globalEntry } from './check-global-entry.ts';
import { helmValueKeys } from './check-helm-values.ts';
import { ingressEndpoints } from './check-ingress-endpoints.ts';
import { ingressRoutes } from './check-ingress-routes.ts';
import { meshIdentity } from './check-mesh-identity.ts';
import { outlierDetection } from './check-outlier-detection.ts';
import { overlappingRanges } from './check-ranges.ts';
import { remotePrimaries } from './check-remote-primary.ts';
import { subsets } from './check-subsets.ts';
import type { Finding } from './findings.ts';

export { checkCalleeEndpoints } from './check-callee-endpoints.ts';
export { checkCallerServices } from './check-caller-services.ts';
export { checkDistFresh } from './check-dist-fresh.ts';
export { checkFluxPaths } from './check-flux-paths.ts';
export { checkGlobalEntry } from './check-global-entry.ts';
export { checkHelmValues } from './check-helm-values.ts';
export { checkIngressEndpoints } from './check-ingress-endpoints.ts';
export { checkIngressRoutes } from './check-ingress-routes.ts';
export { checkMeshIdentity } from './check-mesh-identity.ts';
export { checkOutlierDetection } from './check-outlier-detection.ts';
export { checkOverlappingRanges } from './check-ranges.ts';
export { checkRemotePrimaries } from './check-remote-primary.ts';
export { checkSubsets } from './check-subsets.ts';
export { checkInput, type Check, type CheckInput, type CheckOptions } from './check-input.ts';
export { countFindings, formatFinding, hasErrors, type Finding } from './findings.ts';

/** Every check, in the order they run and report. */
export const CHECKS: readonly Check[] = [
  overlappingRanges,
  remotePrimaries,
  meshIdentity,
  callerServices,
  calleeEndpoints,
  subsets,
  outlierDetection,
  helmValueKeys,
  fluxPaths,
  ingressEndpoints,
  ingressRoutes,
  globalEntry,
];

/** Runs every check on a fleet and its rendered files; findings in check order. */
export function runChecks(fleet: Fleet, files: ReadonlyMap<string, string>, options: CheckOptions = {}): Finding[] {
  return runChecksOn(checkInput(fleet, files, options));
}

/** Runs every check on input parsed once (`checkInput`), for a caller that also reads its objects. */
export function runChecksOn(input: CheckInput): Finding[] {
  return CHECKS.flatMap((check) => check.run(input));
}
