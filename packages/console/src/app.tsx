import { useEffect, useState } from 'preact/hooks';
import { CallPage } from './calls/call-page.tsx';
import { CallsPage } from './calls/calls-page.tsx';
import { EndpointPage } from './endpoints/endpoint-page.tsx';
import { EndpointsPage } from './endpoints/endpoints-page.tsx';
import { hrefOf, type Route, useRoute } from './hash-route.ts';
import { AccessContext } from './session/access-context.ts';
import { forgetApiKey, readApiKey, saveApiKey } from './session/api-key-storage.ts';
import type { KeyAccess } from './session/key-access.ts';
import { checkApiKey, type Session } from './session/sign-in.ts';
import { SignInPage } from './session/sign-in-page.tsx';
import { TailPage } from './tail/tail-page.tsx';

type SessionState =
  | { kind: 'signed-out'; refused: string | null }
  | { kind: 'restoring'; apiKey: string }
  | { kind: 'signed-in'; session: Session };

export function App() {
  const [state, setState] = useState<SessionState>(() => {
    const stored = readApiKey();
    return stored ? { kind: 'restoring', apiKey: stored } : { kind: 'signed-out', refused: null };
  });
  const route = useRoute();

  // A key kept in this tab is asked about again on reload: its scopes decide the buttons, and
  // a key revoked since is refused here rather than on every screen.
  useEffect(() => {
    if (state.kind !== 'restoring') return;
    let current = true;
    checkApiKey(state.apiKey).then((result) => {
      if (!current) return;
      if (result.ok) setState({ kind: 'signed-in', session: result.session });
      else {
        forgetApiKey();
        setState({ kind: 'signed-out', refused: result.message });
      }
    });
    return () => {
      current = false;
    };
  }, [state]);

  if (state.kind === 'restoring') return <p aria-busy="true">Signing in…</p>;
  if (state.kind === 'signed-out') {
    return (
      <SignInPage
        refused={state.refused}
        onSignedIn={(session) => {
          saveApiKey(session.client.apiKey);
          setState({ kind: 'signed-in', session });
        }}
      />
    );
  }
  const { client, access } = state.session;
  const signOut = () => {
    forgetApiKey();
    setState({ kind: 'signed-out', refused: null });
  };
  return (
    <AccessContext.Provider value={access}>
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
          <SignedInAs access={access} />
          <button type="button" class="quiet" onClick={signOut}>
            Sign out
          </button>
        </header>
        <main>
          <Screen route={route} client={client} />
        </main>
      </div>
    </AccessContext.Provider>
  );
}

/** Which key is signed in, its scopes, and whether it is read-only (and so shows no actions). */
function SignedInAs({ access }: { access: KeyAccess }) {
  return (
    <p class="signed-in-as" title={`key ${access.key.id}`}>
      <span class="key-name">{access.key.name}</span>{' '}
      <span class="key-scopes">{access.key.scopes.join(', ')}</span>
      {access.readOnly && (
        <span
          class="badge read-only"
          title="this key's scopes open no action: retry, replay and endpoint changes are hidden"
        >
          read-only
        </span>
      )}
    </p>
  );
}

function Screen({ route, client }: { route: Route; client: Session['client'] }) {
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
