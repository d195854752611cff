/**
 * The semver subset plugins use to name the host API they need: exact versions, `^`, `~`,
 * `>=`, `>`, `<=`, `<`, `*`, comparators joined by spaces (all must hold) and `||`
 * (any may hold). The `semver` package is not a dependency of the product, so this stays
 * small and is tested against the cases plugins write.
 */

const VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const PARTIAL =
  /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*|[xX*]))?(?:\.(0|[1-9]\d*|[xX*]))?(?:-([0-9A-Za-z.-]+))?$/;
const COMPARATOR = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/;

interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

type Operator = '>=' | '>' | '<=' | '<' | '=';
interface Bound {
  operator: Operator;
  version: Version;
}

export function isSemver(value: string): boolean {
  return VERSION.test(value);
}

function parseVersion(value: string): Version | undefined {
  const m = VERSION.exec(value);
  if (!m) return undefined;
  return { major: +m[1], minor: +m[2], patch: +m[3], prerelease: m[4] ? m[4].split('.') : [] };
}

function compare(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const)
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  // a version without a prerelease ranks above its prereleases
  if (!a.prerelease.length || !b.prerelease.length)
    return Math.sign(b.prerelease.length) - Math.sign(a.prerelease.length);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return +x < +y ? -1 : 1;
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const v = (major: number, minor: number, patch: number): Version => ({
  major,
  minor,
  patch,
  prerelease: [],
});

/** The bounds one comparator stands for; undefined when it is not one we read. */
function boundsOf(comparator: string): Bound[] | undefined {
  if (comparator === '*' || comparator === 'x' || comparator === 'X') return [];
  const m = COMPARATOR.exec(comparator);
  if (!m) return undefined;
  const operator = m[1] ?? '=';
  const p = PARTIAL.exec(m[2].trim());
  if (!p) return undefined;
  const major = +p[1];
  const hasMinor = p[2] !== undefined && !/[xX*]/.test(p[2]);
  const hasPatch = hasMinor && p[3] !== undefined && !/[xX*]/.test(p[3]);
  const minor = hasMinor ? +p[2] : 0;
  const patch = hasPatch ? +p[3] : 0;
  const low: Version = { ...v(major, minor, patch), prerelease: p[4] ? p[4].split('.') : [] };
  const upperOfPartial = !hasMinor ? v(major + 1, 0, 0) : v(major, minor + 1, 0);
  switch (operator) {
    case '^': {
      const upper =
        major > 0 || !hasMinor
          ? v(major + 1, 0, 0)
          : minor > 0 || !hasPatch
            ? v(0, minor + 1, 0)
            : v(0, 0, patch + 1);
      return [
        { operator: '>=', version: low },
        { operator: '<', version: upper },
      ];
    }
    case '~':
      return [
        { operator: '>=', version: low },
        { operator: '<', version: upperOfPartial },
      ];
    case '=':
      if (hasPatch) return [{ operator: '=', version: low }];
      return [
        { operator: '>=', version: low },
        { operator: '<', version: upperOfPartial },
      ];
    case '>':
      return [
        hasPatch ? { operator: '>', version: low } : { operator: '>=', version: upperOfPartial },
      ];
    case '<=':
      return [
        hasPatch ? { operator: '<=', version: low } : { operator: '<', version: upperOfPartial },
      ];
    default:
      return [{ operator: operator as Operator, version: low }];
  }
}

function holds(version: Version, bound: Bound): boolean {
  const c = compare(version, bound.version);
  switch (bound.operator) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '<':
      return c < 0;
    case '=':
      return c === 0;
  }
}

/** The range's alternatives, each a list of bounds; undefined when the range is not readable. */
function parseRange(range: string): Bound[][] | undefined {
  const alternatives: Bound[][] = [];
  for (const alternative of range.split('||')) {
    const comparators = alternative
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    if (!comparators.length) return undefined;
    const bounds: Bound[] = [];
    for (const comparator of comparators) {
      const parsed = boundsOf(comparator);
      if (!parsed) return undefined;
      bounds.push(...parsed);
    }
    alternatives.push(bounds);
  }
  return alternatives;
}

export function isSemverRange(range: string): boolean {
  return range.trim() !== '' && parseRange(range) !== undefined;
}

/**
 * Whether `version` satisfies `range`. As npm does, a prerelease version satisfies only a
 * range that names a prerelease of the same major.minor.patch.
 */
export function satisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  const alternatives = parseRange(range);
  if (!parsed || !alternatives) return false;
  return alternatives.some(
    (bounds) =>
      bounds.every((bound) => holds(parsed, bound)) &&
      (!parsed.prerelease.length ||
        bounds.some(
          (b) =>
            b.version.prerelease.length > 0 &&
            b.version.major === parsed.major &&
            b.version.minor === parsed.minor &&
            b.version.patch === parsed.patch,
        )),
  );
}
