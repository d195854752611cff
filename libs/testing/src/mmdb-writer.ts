import { isIPv4, isIPv6 } from 'node:net';

export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** `a.b.c.d/len` or an IPv6 prefix; IPv4 networks land in the IPv6 tree at ::/96. */
  cidr: string;
  data: MmdbValue;
}

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
const RECORD_BYTES = 4;

type TreeRecord = { node: number } | { data: number } | null;

function bitsOf(cidr: string): boolean[] {
  const [address, lengthText] = cidr.split('/');
  const prefix = Number(lengthText);
  let bytes: number[];
  let skip = 0;
  if (isIPv4(address)) {
    bytes = [...new Array<number>(12).fill(0), ...address.split('.').map(Number)];
    skip = 96;
  } else if (isIPv6(address)) {
    const [head, tail = ''] = address.split('::');
    const groups = (text: string): number[] =>
      text ? text.split(':').map((g) => parseInt(g, 16)) : [];
    const left = groups(head);
    const right = groups(tail);
    const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
    bytes = words.flatMap((word) => [word >> 8, word & 255]);
  } else {
    throw new Error(`Not a network: ${cidr}`);
  }
  const bits = bytes.flatMap((byte) =>
    [7, 6, 5, 4, 3, 2, 1, 0].map((i) => ((byte >> i) & 1) === 1),
  );
  return bits.slice(0, skip + prefix);
}

function control(type: number, size: number): number[] {
  let sizeBits = size;
  let extra: number[] = [];
  if (size >= 65821) {
    const rest = size - 65821;
    [sizeBits, extra] = [31, [(rest >> 16) & 255, (rest >> 8) & 255, rest & 255]];
  } else if (size >= 285) {
    const rest = size - 285;
    [sizeBits, extra] = [30, [(rest >> 8) & 255, rest & 255]];
  } else if (size >= 29) {
    [sizeBits, extra] = [29, [size - 29]];
  }
  const head = type <= 7 ? [(type << 5) | sizeBits] : [sizeBits, type - 7];
  return [...head, ...extra];
}

/** MaxMind DB data section encoding of one value. */
export function encodeMmdbValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from(control(2, bytes.length)), bytes]);
  }
  if (typeof value === 'boolean') return Buffer.from(control(14, value ? 1 : 0));
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
      const bytes: number[] = [];
      for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
      return Buffer.from([...control(6, bytes.length), ...bytes]);
    }
    const double = Buffer.alloc(8);
    double.writeDoubleBE(value);
    return Buffer.concat([Buffer.from(control(3, 8)), double]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([Buffer.from(control(11, value.length)), ...value.map(encodeMmdbValue)]);
  }
  const entries = Object.entries(value);
  return Buffer.concat([
    Buffer.from(control(7, entries.length)),
    ...entries.flatMap(([key, item]) => [encodeMmdbValue(key), encodeMmdbValue(item)]),
  ]);
}

/**
 * A small MaxMind DB (IPv6 tree, 32-bit records) for tests: enough for the `maxmind`
 * reader to open it and answer lookups as it would from a GeoLite2 file.
 */
export function writeMmdb(
  networks: MmdbNetwork[],
  options: { databaseType: string; languages?: string[] },
): Buffer {
  const nodes: Array<[TreeRecord, TreeRecord]> = [[null, null]];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const network of networks) {
    const bits = bitsOf(network.cidr);
    let node = 0;
    bits.forEach((bit, depth) => {
      const side = bit ? 1 : 0;
      const record = nodes[node][side];
      if (depth === bits.length - 1) {
        if (record !== null) throw new Error(`Overlapping network: ${network.cidr}`);
        nodes[node][side] = { data: dataSize };
        return;
      }
      if (record === null) {
        nodes.push([null, null]);
        nodes[node][side] = { node: nodes.length - 1 };
      } else if (!('node' in record)) {
        throw new Error(`Overlapping network: ${network.cidr}`);
      }
      node = (nodes[node][side] as { node: number }).node;
    });
    const encoded = encodeMmdbValue(network.data);
    data.push(encoded);
    dataSize += encoded.length;
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 2 * RECORD_BYTES);
  nodes.forEach((records, index) =>
    records.forEach((record, side) => {
      const value =
        record === null ? nodeCount : 'node' in record ? record.node : nodeCount + 16 + record.data;
      tree.writeUInt32BE(value, (index * 2 + side) * RECORD_BYTES);
    }),
  );
  const metadata = encodeMmdbValue({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: Math.floor(Date.now() / 1000),
    database_type: options.databaseType,
    description: { en: `${options.databaseType} test database` },
    ip_version: 6,
    languages: options.languages ?? ['en'],
    node_count: nodeCount,
    record_size: RECORD_BYTES * 8,
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, METADATA_MARKER, metadata]);
}
