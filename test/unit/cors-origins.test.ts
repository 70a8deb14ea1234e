import { DEVELOPMENT_CORS_ORIGINS, parseOriginAllowList } from '../../src/http/cors-origins.js';

describe('AIR_CORS_ORIGINS entries', () => {
  test('exact origins match exactly: scheme, host and port', () => {
    const list = parseOriginAllowList('https://soc.example.com, http://localhost:5173');
    expect(list.entries).toEqual(['https://soc.example.com', 'http://localhost:5173']);
    expect(list.allows('https://soc.example.com')).toBe(true);
    expect(list.allows('http://localhost:5173')).toBe(true);
    expect(list.allows('http://soc.example.com')).toBe(false);
    expect(list.allows('https://soc.example.com:8443')).toBe(false);
    expect(list.allows('https://soc.example.com.evil.example')).toBe(false);
    expect(list.allows('http://localhost:5174')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('null')).toBe(false);
  });

  test('entries are normalised as browsers send Origin: lower case, no default port, no trailing slash', () => {
    const list = parseOriginAllowList('HTTPS://SOC.Example.com:443/');
    expect(list.entries).toEqual(['https://soc.example.com']);
    expect(list.allows('https://soc.example.com')).toBe(true);
  });

  test('scheme://host:* allows that host on any port, and nothing that only begins like it', () => {
    const list = parseOriginAllowList('http://localhost:*');
    for (const origin of ['http://localhost', 'http://localhost:3000', 'http://localhost:65535']) expect(list.allows(origin)).toBe(true);
    for (const origin of ['http://localhost.evil.example', 'http://localhost:3000.evil', 'https://localhost:3000', 'http://localhost:']) {
      expect(list.allows(origin)).toBe(false);
    }
  });

  test('* allows any origin; an empty list none', () => {
    expect(parseOriginAllowList('*').allows('https://anything.example')).toBe(true);
    expect(parseOriginAllowList('').allows('http://localhost:3000')).toBe(false);
    expect(parseOriginAllowList(' , ').entries).toEqual([]);
  });

  test('the development default: pages served from this machine on any port', () => {
    const list = parseOriginAllowList(DEVELOPMENT_CORS_ORIGINS);
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000']) expect(list.allows(origin)).toBe(true);
    expect(list.allows('https://example.com')).toBe(false);
    expect(list.allows('https://localhost:5173')).toBe(false);
  });

  test.each([
    ['soc.example.com', /'soc.example.com' is not an origin: expected scheme:\/\/host\[:port\]/],
    ['ftp://files.example.com', /is not an origin/],
    ['https://soc.example.com/app', /without a path, query or user \(did you mean 'https:\/\/soc.example.com'\?\)/],
    ['https://user@soc.example.com', /without a path, query or user/],
    ['https://*.example.com', /is not an origin/],
  ])('%s is refused, naming what is wrong', (entry, message) => {
    expect(() => parseOriginAllowList(entry)).toThrow(message);
  });
});
