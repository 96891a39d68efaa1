/** IPv4 CIDR arithmetic for range checks. Pure functions; inputs are already syntax-checked. */

export interface Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit number. */
  readonly start: number;
  /** Last address, inclusive. */
  readonly end: number;
  readonly prefix: number;
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split('/');
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ipToNumber(ip!) / size) * size;
  return { text, start, end: start + size - 1, prefix };
}

/** True when the address part has host bits set, e.g. 10.0.0.1/24 (almost always a typo). */
export function hasHostBits(text: string): boolean {
  const [ip] = text.split('/');
  return ipToNumber(ip!) !== parseCidr(text).start;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function contains(range: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= range.start && n <= range.end;
}
