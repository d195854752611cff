import { isSemver, isSemverRange, satisfies } from './host-version';
import { hostApiMismatch } from './plugin-metadata';

describe('host API version ranges', () => {
  it.each([
    ['1.0.0', '^1.0.0', true],
    ['1.4.2', '^1.0.0', true],
    ['2.0.0', '^1.0.0', false],
    ['0.9.9', '^1.0.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['1.0.0', '>=1.0.0', true],
    ['0.9.0', '>=1.0.0', false],
    ['1.5.0', '>=1.0.0 <2.0.0', true],
    ['2.0.0', '>=1.0.0 <2.0.0', false],
    ['1.0.0', '1.0.0', true],
    ['1.0.1', '1.0.0', false],
    ['1.0.1', '=1.0.1', true],
    ['3.1.0', '^1.0.0 || ^3.0.0', true],
    ['2.1.0', '^1.0.0 || ^3.0.0', false],
    ['7.0.0', '*', true],
    ['1.1.0', '1.x', true],
    ['2.0.0-beta.1', '^1.0.0', false],
    ['2.0.0-beta.1', '>=2.0.0', false],
    ['2.0.0-beta.2', '>=2.0.0-beta.1', true],
    ['1.0.0', '>= 1.0.0', true],
  ])('%s satisfies %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('reads only ranges it understands', () => {
    expect(isSemverRange('^1.0.0')).toBe(true);
    expect(isSemverRange('latest')).toBe(false);
    expect(isSemverRange('')).toBe(false);
    expect(isSemverRange('^1.0.0 ||')).toBe(false);
    expect(satisfies('1.0.0', 'banana')).toBe(false);
  });

  it('knows a semver version', () => {
    expect(isSemver('1.2.3')).toBe(true);
    expect(isSemver('1.2.3-rc.1+build.5')).toBe(true);
    expect(isSemver('1.2')).toBe(false);
    expect(isSemver('01.2.3')).toBe(false);
  });

  it('says what a plugin needs and what the host offers when they do not fit', () => {
    expect(hostApiMismatch('^1.0.0', '1.0.0')).toBeUndefined();
    expect(hostApiMismatch('^2.0.0', '1.0.0')).toBe(
      'needs host API ^2.0.0, this host offers 1.0.0',
    );
  });
});
