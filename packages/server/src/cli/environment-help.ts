import { EPIPE_EXIT_CODE } from './quiet-epipe.ts';

// The environment variables the CLI reads, for `callhook --help`: one list, so a variable
// that works is never undocumented (a test reads the sources for every variable read).

export const ENVIRONMENT_HELP = `
Environment (a flag given on the command line wins):
  CALLHOOK_SERVER       --server of the client commands (default http://127.0.0.1:8080)
  CALLHOOK_API_KEY      --api-key of the client commands; for serve, the admin key to use
  CALLHOOK_CONFIG_DIR   where listen keeps its per-server secret
                        (default $XDG_CONFIG_HOME/callhook, else ~/.config/callhook)
  XDG_CONFIG_HOME       see CALLHOOK_CONFIG_DIR
  CALLHOOK_HOST         serve --host
  CALLHOOK_PORT         serve --port
  CALLHOOK_DATA         serve --data and backup: the data directory
  CALLHOOK_LOG_LEVEL    serve --log-level
  CALLHOOK_RETENTION    serve --retention
  DATABASE_URL          serve --database-url (PostgreSQL instead of SQLite)
  CALLHOOK_POOL_SIZE    serve --pool-size: PostgreSQL connections
  CALLHOOK_STATEMENT_TIMEOUT
                        serve --statement-timeout: PostgreSQL statement timeout
  CALLHOOK_CONSOLE_DIR  serve: a web console build from elsewhere

Output piped into a command that stops reading (callhook events tail | head) ends quietly
(exit ${EPIPE_EXIT_CODE}).`;
