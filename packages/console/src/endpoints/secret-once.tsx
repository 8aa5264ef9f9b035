import { useState } from 'preact/hooks';

/** A signing secret the API shows this once, with a button that copies it. */
export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied.');
    } catch {
      setCopied('Could not copy: select the secret and copy it by hand.');
    }
  };
  return (
    <section class="secret" aria-label="Signing secret">
      <p>
        <strong>Signing secret — shown only now.</strong> Store it where your bot reads it; the API
        never shows it again.
      </p>
      <code class="secret-value" data-secret>
        {secret}
      </code>
      <div class="row">
        <button type="button" onClick={copy}>
          Copy secret
        </button>
        <button type="button" class="quiet" onClick={onDone}>
          I have stored it
        </button>
        {copied && <output>{copied}</output>}
      </div>
    </section>
  );
}
