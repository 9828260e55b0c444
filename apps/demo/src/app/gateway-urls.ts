/**
 * The gateway URLs the page connects to: its own origin first, then any listed in the `gateways` query
 * parameter (comma-separated, e.g. `?gateways=http://127.0.0.1:3002`), which the client falls over to.
 * Entries that are not http(s) URLs are ignored.
 */
export function gatewayUrls(location: Pick<Location, 'origin' | 'search'>): string[] {
  const extra = new URLSearchParams(location.search).get('gateways') ?? '';
  const urls = [location.origin];
  for (const raw of extra.split(',')) {
    const url = toOrigin(raw.trim());
    if (url && !urls.includes(url)) urls.push(url);
  }
  return urls;
}

function toOrigin(raw: string): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
