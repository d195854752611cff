import { BlockList, isIP } from 'node:net';
import maxmind, { type CityResponse, type Reader } from 'maxmind';

export interface GeoLocation {
  country?: string;
  region?: string;
  city?: string;
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Addresses no geo database can place: private, loopback, link-local, shared, multicast. */
const UNROUTABLE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  UNROUTABLE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  UNROUTABLE.addSubnet(network, prefix, 'ipv6');
}

/** The address in the form the database is keyed by, or undefined when it has no place. */
function routableAddress(ip: string | undefined): string | undefined {
  const address = ip?.trim().replace(IPV4_MAPPED, '$1');
  if (!address) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  return UNROUTABLE.check(address, version === 4 ? 'ipv4' : 'ipv6') ? undefined : address;
}

/** Country, region and city of an IP address, in English, from a GeoLite2 City or Country file. */
export class GeoLocator {
  private constructor(private readonly reader: Reader<CityResponse> | undefined) {}

  /** Without a path every lookup answers undefined; a path that cannot be read is an error. */
  static async open(path: string | undefined): Promise<GeoLocator> {
    if (!path) return new GeoLocator(undefined);
    let reader: Reader<CityResponse>;
    try {
      reader = await maxmind.open<CityResponse>(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot open the GeoIP database at ${path}: ${reason}`, { cause: error });
    }
    const type = reader.metadata.databaseType;
    if (!/City|Country/.test(type)) {
      throw new Error(`The GeoIP database at ${path} is ${type}, not a City or Country database`);
    }
    return new GeoLocator(reader);
  }

  lookup(ip: string | undefined): GeoLocation | undefined {
    const address = routableAddress(ip);
    if (!this.reader || !address) return undefined;
    const found = this.reader.get(address);
    const location: GeoLocation = {
      country: found?.country?.names.en,
      region: found?.subdivisions?.[0]?.names.en,
      city: found?.city?.names.en,
    };
    const known = Object.entries(location).filter(([, value]) => value !== undefined);
    return known.length > 0 ? (Object.fromEntries(known) as GeoLocation) : undefined;
  }
}
