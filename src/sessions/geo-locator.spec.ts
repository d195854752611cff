import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMmdb } from '#testing/mmdb-writer';
import { GeoLocator } from './geo-locator';

const names = (en: string, de: string) => ({ names: { de, en } });

const LONDON = {
  country: {
    iso_code: 'GB',
    geoname_id: 2635167,
    ...names('United Kingdom', 'Vereinigtes Königreich'),
  },
  subdivisions: [{ iso_code: 'ENG', geoname_id: 6269131, ...names('England', 'England') }],
  city: { geoname_id: 2643743, ...names('London', 'London') },
};

describe('geo locator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-geo-'));
  const write = (file: string, content: Buffer): string => {
    const path = join(dir, file);
    writeFileSync(path, content);
    return path;
  };
  const cityDb = write(
    'GeoLite2-City.mmdb',
    writeMmdb(
      [
        { cidr: '81.2.69.128/26', data: LONDON },
        {
          cidr: '2001:218::/32',
          data: { country: { iso_code: 'JP', geoname_id: 1861060, ...names('Japan', 'Japan') } },
        },
        { cidr: '10.0.0.0/8', data: LONDON },
        { cidr: '203.0.113.0/24', data: { location: { latitude: 1.5, longitude: 2.5 } } },
      ],
      { databaseType: 'GeoLite2-City', languages: ['de', 'en'] },
    ),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('places an address by country, region and city, in English', async () => {
    const geo = await GeoLocator.open(cityDb);
    expect(geo.lookup('81.2.69.142')).toEqual({
      country: 'United Kingdom',
      region: 'England',
      city: 'London',
    });
  });

  it('reads IPv4-mapped IPv6 addresses as IPv4', async () => {
    const geo = await GeoLocator.open(cityDb);
    expect(geo.lookup('::ffff:81.2.69.142')).toEqual(geo.lookup('81.2.69.142'));
  });

  it('places IPv6 addresses, giving only what the database knows', async () => {
    const geo = await GeoLocator.open(cityDb);
    expect(geo.lookup('2001:218:1:2::3')).toEqual({ country: 'Japan' });
  });

  it('answers undefined for unknown, private and malformed addresses', async () => {
    const geo = await GeoLocator.open(cityDb);
    for (const ip of [
      '8.8.8.8',
      '203.0.113.9',
      '10.1.2.3',
      '::ffff:10.1.2.3',
      '127.0.0.1',
      '192.168.1.1',
      '::1',
      'fe80::1',
      'not-an-ip',
      '81.2.69.142/26',
      '',
      undefined,
    ]) {
      expect(geo.lookup(ip)).toBeUndefined();
    }
  });

  it('answers undefined for everything when no database is configured', async () => {
    const geo = await GeoLocator.open(undefined);
    expect(geo.lookup('81.2.69.142')).toBeUndefined();
  });

  it('refuses to start from a missing file, a file of another format or another database type', async () => {
    await expect(GeoLocator.open(join(dir, 'missing.mmdb'))).rejects.toThrow(
      /^Cannot open the GeoIP database at .*missing\.mmdb: .*ENOENT/,
    );
    const text = write('notes.txt', Buffer.from('not a database'));
    await expect(GeoLocator.open(text)).rejects.toThrow(/^Cannot open the GeoIP database at/);
    const asn = write('GeoLite2-ASN.mmdb', writeMmdb([], { databaseType: 'GeoLite2-ASN' }));
    await expect(GeoLocator.open(asn)).rejects.toThrow(/not a City or Country database/);
  });
});
