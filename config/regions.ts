/**
 * Distances between GCP regions, from where they are (gcp-regions.ts): what "nearest" means for
 * locality failover and for the ingress users enter at. Great-circle distance is a stand-in for
 * network latency that orders regions the way inter-region round-trip times do at continental
 * scale (São Paulo is nearer to South Carolina than to Frankfurt). And the estimates FLEET.md and
 * the diff show: a round trip between two regions (a model from distance, labelled as such: no
 * per-pair table of GCP round trips was found to cite) and the egress class of traffic between
 * them, each with its published source.
 */
import { GCP_REGIONS, PRICE_GEOLOCATIONS_SOURCE, type GcpRegion } from './gcp-regions.ts';

const EARTH_RADIUS_KM = 6371;

export const isKnownRegion = (region: string): boolean => Object.hasOwn(GCP_REGIONS, region);

export function regionInfo(region: string): GcpRegion {
  const info = isKnownRegion(region) ? GCP_REGIONS[region] : undefined;
  if (!info) throw new Error(`unknown GCP region ${region}`);
  return info;
}

/**
 * Distances computed so far, by one region then the other: routing asks for the same few region
 * pairs tens of thousands of times, and a nested lookup builds no key string.
 */
const distances = new Map<string, Map<string, number>>();

/** Great-circle distance between two regions' locations, in whole kilometres. */
export function regionDistanceKm(a: string, b: string): number {
  if (a === b) return 0;
  let from = distances.get(a);
  if (!from) {
    from = new Map();
    distances.set(a, from);
  }
  let km = from.get(b);
  if (km === undefined) {
    // Computed with the names in one order, so that a → b and b → a are the same number.
    km = a < b ? greatCircleKm(a, b) : greatCircleKm(b, a);
    from.set(b, km);
  }
  return km;
}

function greatCircleKm(a: string, b: string): number {
  const p = regionInfo(a);
  const q = regionInfo(b);
  const rad = Math.PI / 180;
  const dLat = (q.lat - p.lat) * rad;
  const dLon = (q.lon - p.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h)));
}

/**
 * The nearest of `candidates` to `from`, other than `from` itself, ties by name in code-unit order
 * (locale-free); undefined when there is none. One pass: locality failover asks this for every
 * region and service, and sorting all candidates each time was most of FLEET.md's region-failure cost.
 */
export function nearestOtherRegion(from: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestKm = 0;
  for (const region of candidates) {
    if (region === from) continue;
    const km = regionDistanceKm(from, region);
    if (best === undefined || km < bestKm || (km === bestKm && region < best)) {
      best = region;
      bestKm = km;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Estimates: round-trip time and egress class between two regions

/** A published page an estimate rests on. */
export interface EstimateSource {
  readonly title: string;
  readonly url: string;
  /** The day the page was read (its figures may change later). */
  readonly read: string;
}

/**
 * Light in optical fibre covers about 200 km per millisecond (refractive index ≈ 1.5, so ≈ 2/3 of
 * c); a round trip crosses the distance twice.
 */
export const FIBRE_KM_PER_MS = 200;
/**
 * Fibre routes are longer than the great circle (coasts, cable landings, terrestrial detours).
 * An assumption, not a measurement: 1.5 is a round middle of the usual rules of thumb; measured
 * routes that detour (São Paulo → Europe runs through North America) are slower still.
 */
export const ROUTE_FACTOR = 1.5;

/** Same-region round trips: Google documents "<1ms in the 95th percentile"; counted as 0 here. */
export const SAME_REGION_RTT_SOURCE: EstimateSource = {
  title: 'Google Cloud, "Best practices for Compute Engine regions selection": locations within regions tend to have round-trip network latencies of <1ms in the 95th percentile',
  url: 'https://cloud.google.com/solutions/best-practices-compute-engine-region-selection',
  read: '2026-11-27',
};

/** How inter-region traffic is billed: per direction, as egress at its source, by source and destination. */
export const INTER_REGION_EGRESS_SOURCE: EstimateSource = {
  title: 'Google Cloud, "Virtual Private Cloud pricing": VM-VM data transfer between regions (each direction is egress at its source; inter-region pricing)',
  url: 'https://cloud.google.com/vpc/pricing',
  read: '2026-11-27',
};

export { PRICE_GEOLOCATIONS_SOURCE };

/**
 * Estimated round-trip time between two regions, in whole milliseconds: great-circle distance ×
 * ROUTE_FACTOR, there and back, at FIBRE_KM_PER_MS. 0 within a region. A model, not a
 * measurement: it orders paths and sizes their differences; real RTTs vary with routing.
 */
export function estimatedRttMs(a: string, b: string): number {
  return Math.round((2 * regionDistanceKm(a, b) * ROUTE_FACTOR) / FIBRE_KM_PER_MS);
}

/**
 * Price class of traffic from region `a` to region `b`: `none` within a region (no inter-region
 * charge), `continent` between regions of one pricing geolocation, `intercontinental` between two
 * (the dearest class). Google prices each pair by source and destination; the classes are what
 * a reviewer compares, the page has the current price per GiB.
 */
export type EgressClass = 'none' | 'continent' | 'intercontinental';

export function egressClass(a: string, b: string): EgressClass {
  if (a === b) return 'none';
  return regionInfo(a).continent === regionInfo(b).continent ? 'continent' : 'intercontinental';
}

/** Rank of an egress class, cheapest first (for "the dearest class of a call"). */
export const EGRESS_RANK: Readonly<Record<EgressClass, number>> = { none: 0, continent: 1, intercontinental: 2 };
