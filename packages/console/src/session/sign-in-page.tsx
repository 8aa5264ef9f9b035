import { useEffect, useRef, useState } from 'preact/hooks';
import { checkApiKey, type Session } from './sign-in.ts';

export function SignInPage({
  onSignedIn,
  refused = null,
}: {
  onSignedIn: (session: Session) => void;
  /** Why the key kept in this tab was refused when the page was opened again. */
  refused?: string | null;
}) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(refused);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  // `autofocus` alone is applied at the browser's next rendering step after the page is drawn,
  // if at all for an element added by script; a person who types at once must not lose keys.
  useEffect(() => field.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await checkApiKey(apiKey);
    setBusy(false);
    if (result.ok) onSignedIn(result.session);
    else setError(result.message);
  };

  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-describedby="sign-in-note">
        <h1>callhook console</h1>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          ref={field}
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
