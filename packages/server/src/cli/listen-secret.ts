import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateSecret } from '@callhook/sdk';

// `callhook listen` signs with one secret per server, kept in the user's config directory,
// so a bot configured with it once keeps verifying across runs (as the Stripe CLI does).

/** `$CALLHOOK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/callhook`, else `~/.config/callhook`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CALLHOOK_CONFIG_DIR) return env.CALLHOOK_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'callhook');
}

export function listenSecretsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'listen-secrets.json');
}

/**
 * The local signing secret for `server` (by origin): the one kept in `file`, or a new one,
 * kept there for next time (the file readable by its owner only).
 */
export function stableListenSecret(server: URL, file = listenSecretsFile()): string {
  const secrets: Record<string, string> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  const kept = secrets[server.origin];
  if (typeof kept === 'string') return kept;
  const secret = generateSecret();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed: two listeners starting at once never leave half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(
    temporary,
    `${JSON.stringify({ ...secrets, [server.origin]: secret }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return secret;
}
