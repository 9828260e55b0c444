import { gatewayUrls } from './gateway-urls';

describe('gatewayUrls', () => {
  const at = (search: string) => gatewayUrls({ origin: 'http://127.0.0.1:3000', search });

  it('is the page origin alone without a gateways parameter', () => {
    expect(at('')).toEqual(['http://127.0.0.1:3000']);
  });

  it('adds the listed gateways after the origin, as origins, once each', () => {
    expect(at('?gateways=http://127.0.0.1:3002/,https://b.example:8443/x?y,http://127.0.0.1:3000')).toEqual([
      'http://127.0.0.1:3000',
      'http://127.0.0.1:3002',
      'https://b.example:8443',
    ]);
  });

  it('ignores entries that are not http(s) URLs', () => {
    expect(at('?gateways=javascript:alert(1),ftp://x,,not a url,ws://127.0.0.1:9')).toEqual([
      'http://127.0.0.1:3000',
    ]);
  });
});
