import { useEffect, useState } from 'preact/hooks';

/** The console's screens, addressed by the URL's hash so that the server serves one page. */
export type Route =
  | { screen: 'calls' }
  | { screen: 'call'; callId: string }
  | { screen: 'endpoints' }
  | { screen: 'endpoint'; endpointId: string }
  | { screen: 'tail' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'calls' && parts[1]) return { screen: 'call', callId: parts[1] };
  if (parts[0] === 'endpoints' && parts[1]) return { screen: 'endpoint', endpointId: parts[1] };
  if (parts[0] === 'endpoints') return { screen: 'endpoints' };
  if (parts[0] === 'tail') return { screen: 'tail' };
  return { screen: 'calls' };
}

export function hrefOf(route: Route): string {
  switch (route.screen) {
    case 'calls':
      return '#/calls';
    case 'call':
      return `#/calls/${encodeURIComponent(route.callId)}`;
    case 'endpoints':
      return '#/endpoints';
    case 'endpoint':
      return `#/endpoints/${encodeURIComponent(route.endpointId)}`;
    case 'tail':
      return '#/tail';
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
