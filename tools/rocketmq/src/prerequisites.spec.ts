import { javaMajorVersion, mavenVersion } from './prerequisites';

describe('javaMajorVersion', () => {
  it.each([
    [
      'OpenJDK 17',
      'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n',
      17,
    ],
    [
      'Java 8 (1.x numbering)',
      'java version "1.8.0_392"\nJava(TM) SE Runtime Environment (build 1.8.0_392-b08)\n',
      8,
    ],
    [
      'OpenJDK 21 without minor version',
      'openjdk version "21" 2023-09-19\nOpenJDK Runtime Environment (build 21+35)\n',
      21,
    ],
    ['an early-access build', 'openjdk version "24-ea" 2025-03-18\n', 24],
    ['Java 11', 'openjdk version "11.0.22" 2024-01-16\n', 11],
  ])('reads %s', (_, output, major) => {
    expect(javaMajorVersion(output)).toBe(major);
  });

  it.each(['', 'bash: java: command not found', 'openjdk 17.0.15 2025-04-15'])(
    'returns undefined for %p',
    (output) => {
      expect(javaMajorVersion(output)).toBeUndefined();
    },
  );
});

describe('mavenVersion', () => {
  it('reads the plain first line of mvn -v', () => {
    const output =
      'Apache Maven 3.9.9 (8e8579a9e76f7d015ee5ec7bfcdc97d260186937)\nMaven home: /usr/share/maven\nJava version: 17.0.15\n';

    expect(mavenVersion(output)).toEqual([3, 9]);
  });

  it('reads a version wrapped in ANSI colour codes', () => {
    expect(mavenVersion('\u001b[1mApache Maven 3.8.7\u001b[m\nMaven home: /usr/share/maven\n')).toEqual([
      3, 8,
    ]);
  });

  it('reads colour codes with several parameters', () => {
    expect(mavenVersion('\u001b[1;34mApache Maven 4.0.0\u001b[0m')).toEqual([4, 0]);
  });

  it.each(['', 'mvn: command not found', 'Maven 3.9.9'])('returns undefined for %p', (output) => {
    expect(mavenVersion(output)).toBeUndefined();
  });
});
