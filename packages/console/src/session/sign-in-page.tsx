import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { checkApiKey } from './sign-in.ts';

export function SignInPage({ onSignedIn }: { onSignedIn: (client: ApiClient) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await checkApiKey(apiKey);
    setBusy(false);
    if (result.ok) onSignedIn(result.client);
    else setError(result.message);
  };

  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-describedby="sign-in-note">
        <h1>callhook console</h1>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
          autofocus
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <p id="sign-in-note" class="note">
          The key stays in this tab's session storage and is sent only to this server's API.
        </p>
      </form>
    </main>
  );
}
