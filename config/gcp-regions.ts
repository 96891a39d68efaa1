/**
 * Google Cloud regions and where they are: the data every locality decision (failover targets,
 * the nearest ingress in FLEET.md) and every latency and egress estimate reads. Kept as data, one
 * row per region.
 *
 * Sources:
 * - region → location: Google Cloud documentation, "Supported regions" tables (Region name,
 *   Location), docs.cloud.google.com/kubernetes-engine/distributed-cloud/bare-metal/docs/reference/supported-regions-on-prem-api
 *   and cloud.google.com/tasks/docs/locations, read 2026-11-27;
 * - latitude/longitude: the named town's approximate WGS84 coordinates, rounded to 0.01°;
 * - continent: the geolocations Google prices network traffic by (`PRICE_GEOLOCATIONS_SOURCE`):
 *   North America, South America, Europe, Middle East/Africa, Asia, Oceania.
 * A region Google opens later is added here with its location; the loader rejects regions it
 * does not know, so a typo never routes traffic to the wrong continent.
 */

/** Google's network-pricing geolocations ("Intercontinental" is traffic between two of them). */
export type Continent = 'North America' | 'South America' | 'Europe' | 'Middle East/Africa' | 'Asia' | 'Oceania';

/** Where the continents (and the intercontinental class) come from. */
export const PRICE_GEOLOCATIONS_SOURCE = {
  title: 'Google Cloud, "Network Service Tiers pricing": geolocations',
  url: 'https://cloud.google.com/network-tiers/pricing',
  read: '2026-11-27',
} as const;

export interface GcpRegion {
  /** The town Google names for the region. */
  readonly location: string;
  /** Degrees north (negative: south). */
  readonly lat: number;
  /** Degrees east (negative: west). */
  readonly lon: number;
  /** Pricing geolocation of the region's location. */
  readonly continent: Continent;
}

export const GCP_REGIONS: Readonly<Record<string, GcpRegion>> = {
  'africa-south1': { location: 'Johannesburg, South Africa', lat: -26.2, lon: 28.05, continent: 'Middle East/Africa' },
  'asia-east1': { location: 'Changhua County, Taiwan', lat: 24.08, lon: 120.54, continent: 'Asia' },
  'asia-east2': { location: 'Hong Kong', lat: 22.32, lon: 114.17, continent: 'Asia' },
  'asia-northeast1': { location: 'Tokyo, Japan', lat: 35.68, lon: 139.69, continent: 'Asia' },
  'asia-northeast2': { location: 'Osaka, Japan', lat: 34.69, lon: 135.5, continent: 'Asia' },
  'asia-northeast3': { location: 'Seoul, South Korea', lat: 37.57, lon: 126.98, continent: 'Asia' },
  'asia-south1': { location: 'Mumbai, India', lat: 19.08, lon: 72.88, continent: 'Asia' },
  'asia-south2': { location: 'Delhi, India', lat: 28.61, lon: 77.21, continent: 'Asia' },
  'asia-southeast1': { location: 'Jurong West, Singapore', lat: 1.34, lon: 103.71, continent: 'Asia' },
  'asia-southeast2': { location: 'Jakarta, Indonesia', lat: -6.21, lon: 106.85, continent: 'Asia' },
  'australia-southeast1': { location: 'Sydney, Australia', lat: -33.87, lon: 151.21, continent: 'Oceania' },
  'australia-southeast2': { location: 'Melbourne, Australia', lat: -37.81, lon: 144.96, continent: 'Oceania' },
  'europe-central2': { location: 'Warsaw, Poland', lat: 52.23, lon: 21.01, continent: 'Europe' },
  'europe-north1': { location: 'Hamina, Finland', lat: 60.57, lon: 27.2, continent: 'Europe' },
  'europe-north2': { location: 'Stockholm, Sweden', lat: 59.33, lon: 18.07, continent: 'Europe' },
  'europe-southwest1': { location: 'Madrid, Spain', lat: 40.42, lon: -3.7, continent: 'Europe' },
  'europe-west1': { location: 'St. Ghislain, Belgium', lat: 50.45, lon: 3.82, continent: 'Europe' },
  'europe-west10': { location: 'Berlin, Germany', lat: 52.52, lon: 13.4, continent: 'Europe' },
  'europe-west12': { location: 'Turin, Italy', lat: 45.07, lon: 7.69, continent: 'Europe' },
  'europe-west2': { location: 'London, England', lat: 51.51, lon: -0.13, continent: 'Europe' },
  'europe-west3': { location: 'Frankfurt, Germany', lat: 50.11, lon: 8.68, continent: 'Europe' },
  'europe-west4': { location: 'Eemshaven, Netherlands', lat: 53.44, lon: 6.83, continent: 'Europe' },
  'europe-west6': { location: 'Zurich, Switzerland', lat: 47.38, lon: 8.54, continent: 'Europe' },
  'europe-west8': { location: 'Milan, Italy', lat: 45.46, lon: 9.19, continent: 'Europe' },
  'europe-west9': { location: 'Paris, France', lat: 48.86, lon: 2.35, continent: 'Europe' },
  'me-central1': { location: 'Doha, Qatar', lat: 25.29, lon: 51.53, continent: 'Middle East/Africa' },
  'me-central2': { location: 'Dammam, Saudi Arabia', lat: 26.43, lon: 50.1, continent: 'Middle East/Africa' },
  'me-west1': { location: 'Tel Aviv, Israel', lat: 32.09, lon: 34.78, continent: 'Middle East/Africa' },
  'northamerica-northeast1': { location: 'Montréal, Québec, Canada', lat: 45.5, lon: -73.57, continent: 'North America' },
  'northamerica-northeast2': { location: 'Toronto, Ontario, Canada', lat: 43.65, lon: -79.38, continent: 'North America' },
  'northamerica-south1': { location: 'Querétaro, Mexico', lat: 20.59, lon: -100.39, continent: 'North America' },
  'southamerica-east1': { location: 'Osasco, São Paulo, Brazil', lat: -23.53, lon: -46.79, continent: 'South America' },
  'southamerica-west1': { location: 'Santiago, Chile', lat: -33.45, lon: -70.67, continent: 'South America' },
  'us-central1': { location: 'Council Bluffs, Iowa, USA', lat: 41.26, lon: -95.86, continent: 'North America' },
  'us-east1': { location: 'Moncks Corner, South Carolina, USA', lat: 33.2, lon: -80.01, continent: 'North America' },
  'us-east4': { location: 'Ashburn, Virginia, USA', lat: 39.04, lon: -77.49, continent: 'North America' },
  'us-east5': { location: 'Columbus, Ohio, USA', lat: 39.96, lon: -83.0, continent: 'North America' },
  'us-south1': { location: 'Dallas, Texas, USA', lat: 32.78, lon: -96.8, continent: 'North America' },
  'us-west1': { location: 'The Dalles, Oregon, USA', lat: 45.59, lon: -121.18, continent: 'North America' },
  'us-west2': { location: 'Los Angeles, California, USA', lat: 34.05, lon: -118.24, continent: 'North America' },
  'us-west3': { location: 'Salt Lake City, Utah, USA', lat: 40.76, lon: -111.89, continent: 'North America' },
  'us-west4': { location: 'Las Vegas, Nevada, USA', lat: 36.17, lon: -115.14, continent: 'North America' },
};
