import { expect } from 'chai';
import { compareVersions, parseVersion } from '../src/semver.ts';

function cmp(a: string, b: string): number {
  return compareVersions(parseVersion(a)!, parseVersion(b)!);
}

describe('semver comparison', () => {
  it('when versions differ in major, minor or patch, then they compare numerically, not as text', () => {
    expect(cmp('1.10.0', '1.9.0')).to.equal(1);
    expect(cmp('2.0.0', '10.0.0')).to.equal(-1);
    expect(cmp('1.2.3', '1.2.3')).to.equal(0);
    expect(cmp('1.2.10', '1.2.9')).to.equal(1);
  });

  it('when one is a prerelease of the other, then the prerelease is lower; prereleases order by identifiers', () => {
    expect(cmp('1.0.0-rc.1', '1.0.0')).to.equal(-1);
    expect(cmp('1.0.0', '1.0.0-alpha')).to.equal(1);
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 0; i + 1 < ordered.length; i++)
      expect(cmp(ordered[i]!, ordered[i + 1]!), `${ordered[i]} < ${ordered[i + 1]}`).to.equal(-1);
  });

  it('when build metadata differs, then it does not matter', () => {
    expect(cmp('1.0.0+1', '1.0.0+2')).to.equal(0);
  });

  it('when a version is malformed, then it does not parse', () => {
    for (const bad of [
      '1',
      '1.2',
      '1.2.3.4',
      'v1.2.3',
      '01.2.3',
      '1.2.3-',
      '1.2.3-a..b',
      '',
      ' 1.2.3',
      `1.2.3-${'a'.repeat(70)}`,
    ]) {
      expect(parseVersion(bad), bad).to.equal(null);
    }
    expect(parseVersion('1.2.3-rc.1+build.5')).to.deep.equal({ major: 1, minor: 2, patch: 3, prerelease: ['rc', '1'] });
  });
});
