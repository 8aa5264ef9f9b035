import { type Command, Option } from 'commander';
import { ApiClient } from './api-client.ts';
import { failWith } from './option-parsers.ts';

// The options every client command shares (`listen`, `trigger`, `endpoints …`, `deliveries …`,
// `replay`): where the server is, the API key, and machine-readable output.

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

export interface ClientOptions {
  server: string;
  apiKey?: string;
  json?: boolean;
}

/**
 * Adds --server, --api-key and (when the command has machine output) --json, and makes
 * commander's own usage errors (unknown option, missing argument) exit 2 like ours.
 */
export function withClientOptions(command: Command, { json = true } = {}): Command {
  usageErrorsExit2(command);
  command
    .addOption(
      new Option('--server <url>', 'base URL of the callhook server')
        .env('CALLHOOK_SERVER')
        .default(DEFAULT_SERVER_URL),
    )
    .addOption(
      new Option('--api-key <key>', 'admin API key (printed by `callhook serve`)').env(
        'CALLHOOK_API_KEY',
      ),
    );
  if (json) command.option('--json', 'print JSON instead of text');
  return command;
}

/** Checks the shared options and builds the API client; a bad one is a usage error (exit 2). */
export function clientFrom(options: ClientOptions): ApiClient {
  if (!options.apiKey) {
    failWith(
      'an API key is required: pass --api-key <key> or set CALLHOOK_API_KEY (`callhook serve` prints it at first start)',
    );
  }
  return new ApiClient(parseServerUrl(options.server), options.apiKey);
}

function parseServerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return failWith(`--server must be a URL such as ${DEFAULT_SERVER_URL}, not '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    failWith(`--server must be an http:// or https:// URL, not '${text}'`);
  }
  return url;
}

/**
 * Commander exits 1 on a usage error; the CLI's convention is 2. Subcommands created after
 * this call inherit it.
 */
export function usageErrorsExit2(command: Command): Command {
  return command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}
