import { useState } from 'preact/hooks';
import { ApiClient } from './api/api-client.ts';
import { CallPage } from './calls/call-page.tsx';
import { CallsPage } from './calls/calls-page.tsx';
import { EndpointPage } from './endpoints/endpoint-page.tsx';
import { EndpointsPage } from './endpoints/endpoints-page.tsx';
import { hrefOf, type Route, useRoute } from './hash-route.ts';
import { forgetApiKey, readApiKey, saveApiKey } from './session/api-key-storage.ts';
import { SignInPage } from './session/sign-in-page.tsx';
import { TailPage } from './tail/tail-page.tsx';

export function App() {
  const [client, setClient] = useState<ApiClient | null>(() => {
    const stored = readApiKey();
    return stored ? new ApiClient(stored) : null;
  });
  const route = useRoute();

  if (!client) {
    return (
      <SignInPage
        onSignedIn={(signedIn) => {
          saveApiKey(signedIn.apiKey);
          setClient(signedIn);
        }}
      />
    );
  }
  const signOut = () => {
    forgetApiKey();
    setClient(null);
  };
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/calls">
          callhook
        </a>
        <nav aria-label="Screens">
          <NavLink route={{ screen: 'calls' }} current={route} label="Calls" />
          <NavLink route={{ screen: 'endpoints' }} current={route} label="Endpoints" />
          <NavLink route={{ screen: 'tail' }} current={route} label="Live tail" />
        </nav>
        <button type="button" class="quiet" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Screen route={route} client={client} />
      </main>
    </div>
  );
}

function Screen({ route, client }: { route: Route; client: ApiClient }) {
  switch (route.screen) {
    case 'calls':
      return <CallsPage client={client} />;
    case 'call':
      return <CallPage key={route.callId} client={client} callId={route.callId} />;
    case 'endpoints':
      return <EndpointsPage client={client} />;
    case 'endpoint':
      return <EndpointPage key={route.endpointId} client={client} endpointId={route.endpointId} />;
    case 'tail':
      return <TailPage client={client} />;
  }
}

function NavLink({ route, current, label }: { route: Route; current: Route; label: string }) {
  const active = current.screen.startsWith(route.screen.replace(/s$/, ''));
  return (
    <a href={hrefOf(route)} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
}
