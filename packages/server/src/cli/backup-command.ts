import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DATABASE_FILE } from '../data-dir-files.ts';

// `callhook backup --data DIR --out FILE`: a consistent copy of the database, safe while the
// server runs. Restoring is putting FILE into an empty data directory as callhook.db
// (docs/operations.md). The store (and better-sqlite3) is loaded when the command runs, not
// for --help or the other commands.

interface BackupOptions {
  data: string;
  out: string;
}

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('copy the database consistently, while the server runs (SQLite online backup)')
    .option(
      '--data <dir>',
      'data directory of the server',
      process.env.CALLHOOK_DATA ?? './callhook-data',
    )
    .requiredOption('--out <file>', 'the copy to write (must not exist yet)')
    .addHelpText(
      'after',
      `\nRestore: stop the server, put the copy into an empty data directory as ${DATABASE_FILE}, start it.`,
    )
    .action(async (options: BackupOptions) => {
      const [{ CallhookError }, { backupDatabase }] = await Promise.all([
        import('../errors.ts'),
        import('../store/sqlite/online-backup.ts'),
      ]);
      const source = join(resolve(options.data), DATABASE_FILE);
      const out = resolve(options.out);
      try {
        const result = await backupDatabase(source, out);
        process.stdout.write(
          `backup: ${out} (${result.bytes} bytes, ${result.events} events, schema ${result.schemaVersion})\n`,
        );
      } catch (error) {
        const message = error instanceof CallhookError ? error.message : String(error);
        process.stderr.write(`callhook backup: ${message}\n`);
        process.exit(1);
      }
    });
}
