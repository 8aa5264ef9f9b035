import type { Command } from 'commander';
import { API_KEY_SCOPES, type ApiKeyScope } from '../store/api-key-port.ts';
import { clientAction } from './api-client.ts';
import {
  type ClientOptions,
  clientFrom,
  usageErrorsExit2,
  withClientOptions,
} from './client-options.ts';
import { failWith } from './option-parsers.ts';
import { formatTable, isoTime, printJson } from './output.ts';

// `callhook keys …`: scoped API keys (docs/api.md "API keys"); needs an admin key.

interface KeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  rateLimitPerSecond: number | null;
  createdAt: number;
}

interface CreateOptions extends ClientOptions {
  name: string;
  scopes: string;
  rateLimit?: string;
}

export function registerKeysCommand(program: Command): void {
  const keys = usageErrorsExit2(
    program.command('keys').description('manage scoped API keys (needs an admin key)'),
  );

  withClientOptions(
    keys
      .command('create')
      .description('make an API key with scopes; prints the key, once')
      .requiredOption('--name <text>', 'what the key is for, e.g. dashboard')
      .requiredOption('--scopes <list>', `comma-separated scopes: ${API_KEY_SCOPES.join(', ')}`)
      .option('--rate-limit <n>', "requests per second, or 'none' (default 100)"),
  ).action(clientAction(create));

  withClientOptions(keys.command('list').description('list the API keys')).action(
    clientAction(list),
  );

  withClientOptions(
    keys
      .command('revoke')
      .description('revoke an API key: refused from now on')
      .argument('<id>', 'key id (key_…)'),
  ).action(clientAction(revoke));
}

function parseScopes(text: string): ApiKeyScope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    failWith(
      `--scopes: ${unknown.length > 0 ? `unknown scope '${unknown[0]}'` : 'none given'}; choose from ${API_KEY_SCOPES.join(', ')}`,
    );
  }
  return scopes as ApiKeyScope[];
}

function parseRateLimit(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    failWith(
      `--rate-limit must be a positive number of requests per second or 'none', not '${text}'`,
    );
  }
  return n;
}

async function create(options: CreateOptions): Promise<void> {
  const scopes = parseScopes(options.scopes);
  const rateLimitPerSecond = parseRateLimit(options.rateLimit);
  const api = clientFrom(options);
  const key = await api.request<KeyView & { key: string }>('POST', '/v1/keys', {
    body: {
      name: options.name,
      scopes,
      ...(rateLimitPerSecond !== undefined && { rateLimitPerSecond }),
    },
  });
  if (options.json) return printJson(key);
  process.stdout.write(
    `Created API key ${key.id} (${key.name}): ${key.scopes.join(', ')}, ${limitText(key)}\n\n` +
      `Key: ${key.key}\n` +
      'Store it now: it is not shown again (only its hash is kept).\n',
  );
}

async function list(options: ClientOptions): Promise<void> {
  const api = clientFrom(options);
  const all: KeyView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.request<{ keys: KeyView[]; nextCursor: string | null }>(
      'GET',
      '/v1/keys',
      { query: { limit: 500, cursor } },
    );
    all.push(...page.keys);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  if (options.json) return printJson(all);
  if (all.length === 0) {
    process.stdout.write(
      'No API keys yet (the bootstrap admin key is not listed); make one with `callhook keys create`.\n',
    );
    return;
  }
  const rows = all.map((k) => [
    k.id,
    k.name,
    k.scopes.join(','),
    limitText(k),
    isoTime(k.createdAt),
  ]);
  process.stdout.write(`${formatTable(['ID', 'NAME', 'SCOPES', 'LIMIT', 'CREATED'], rows)}\n`);
}

async function revoke(id: string, options: ClientOptions): Promise<void> {
  const api = clientFrom(options);
  await api.request('DELETE', `/v1/keys/${encodeURIComponent(id)}`);
  if (options.json) return printJson({ id, revoked: true });
  process.stdout.write(`Revoked API key ${id}.\n`);
}

function limitText(key: KeyView): string {
  return key.rateLimitPerSecond === null ? 'no rate limit' : `${key.rateLimitPerSecond}/s`;
}
