/**
 * What every cluster gets, as a list of contributions. Each one looks at the fleet and the cluster
 * (role, ingress, network model, placement) and adds its charts to the right layers; per-cluster
 * differences come from config, never from per-cluster code.
 */
import { appsContribution } from './apps.ts';
import type { Contribution } from './cluster-build.ts';
import { globalEntryContribution } from './global-entry.ts';
import { istioContribution } from './istio.ts';

export const CONTRIBUTIONS: readonly Contribution[] = [istioContribution, appsContribution, globalEntryContribution];
