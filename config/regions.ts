/**
 * Distances between GCP regions, from where they are (gcp-regions.ts): what "nearest" means for
 * locality failover and for the ingress users enter at. Great-circle distance is a stand-in for
 * network latency that orders regions the way inter-region round-trip times do at continental
 * scale (São Paulo is nearer to South Carolina than to Frankfurt).
 */
import { GCP_REGIONS, type GcpRegion } from './gcp-regions.ts';

const EARTH_RADIUS_KM = 6371;

export const isKnownRegion = (region: string): boolean => Object.hasOwn(GCP_REGIONS, region);

export function regionInfo(region: string): GcpRegion {
  const info = isKnownRegion(region) ? GCP_REGIONS[region] : undefined;
  if (!info) throw new Error(`unknown GCP region ${region}`);
  return info;
}

/** Distances computed so far, by `a|b`: routing asks for the same few pairs many times over. */
const distances = new Map<string, number>();

/** Great-circle distance between two regions' locations, in whole kilometres. */
export function regionDistanceKm(a: string, b: string): number {
  if (a === b) return 0;
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  let km = distances.get(key);
  if (km === undefined) {
    const p = regionInfo(a);
    const q = regionInfo(b);
    const rad = Math.PI / 180;
    const dLat = (q.lat - p.lat) * rad;
    const dLon = (q.lon - p.lon) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLon / 2) ** 2;
    km = Math.round(2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h)));
    distances.set(key, km);
  }
  return km;
}

/** `candidates` ordered nearest first from `from`; ties by name, so the order is stable. */
export function byDistanceFrom(from: string, candidates: Iterable<string>): string[] {
  return [...new Set(candidates)]
    .map((region) => ({ region, km: regionDistanceKm(from, region) }))
    .sort((a, b) => a.km - b.km || a.region.localeCompare(b.region))
    .map((r) => r.region);
}

/** The nearest of `candidates` to `from`, other than `from` itself; undefined when there is none. */
export function nearestOtherRegion(from: string, candidates: Iterable<string>): string | undefined {
  return byDistanceFrom(from, [...candidates].filter((r) => r !== from))[0];
}
