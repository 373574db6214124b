import { describe, expect, test } from 'vitest';
import { bestVersion, parseSupportedVersions, sortVersions, versionForRelease } from './versions.js';

describe('AXL schema versions', () => {
  test.each([
    ['<html><body><p>Incorrect axl version. Supported axl versions are 12.x, 14.0 and 15.0</p></body></html>', ['15.0', '14.0', '12.x']],
    ['Incorrect axl version. Supported axl versions: 10.0, 10.5, 11.0', ['11.0', '10.5', '10.0']],
    ['<h1>Error 599</h1>supported AXL versions are <b>11.x</b>,&nbsp;12.5', ['12.5', '11.x']],
    ['Service Unavailable', []],
    ['', []],
  ])('parseSupportedVersions(%j)', (body, expected) => {
    expect(parseSupportedVersions(body)).toEqual(expected);
  });

  test('bestVersion: the newest of ours the cluster covers (N.x covers every N.*)', () => {
    expect(bestVersion(['12.x', '14.0'])).toBe('14.0');
    expect(bestVersion(['12.x'])).toBe('12.5');
    expect(bestVersion(['11.0', '11.5'], ['11.0'])).toBe('11.0');
    expect(bestVersion(['9.1'])).toBeNull();
    expect(bestVersion([])).toBeNull();
  });

  test('sortVersions: newest first, N.x above N.9', () => {
    expect(sortVersions(['11.5', '14.0', '12.x', '12.5', '14.0'])).toEqual(['14.0', '12.x', '12.5', '11.5']);
  });

  test('versionForRelease maps a cluster release to its schema', () => {
    expect(versionForRelease('14.0.1.13900(155)')).toBe('14.0');
    expect(versionForRelease('12.5.1.11900-146')).toBe('12.5');
    expect(versionForRelease('11.6.0.1')).toBe('11.5');
    expect(versionForRelease('9.1.2')).toBeNull();
    expect(versionForRelease('nonsense')).toBeNull();
  });
});
