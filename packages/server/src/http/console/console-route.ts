import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { CallhookError } from '../../errors.ts';
import { sendError } from '../error-handler.ts';
import { type ConsoleFile, loadConsoleFiles } from './console-files.ts';
import { CONSOLE_HEADERS } from './console-headers.ts';

export interface ConsoleRouteOptions {
  /** The built console (`packages/console/dist`); null when none could be found. */
  dir: string | null;
}

/**
 * The web console's static files under `/console/`. They are public: the page holds no data,
 * and everything it shows it fetches from the API with the key the person signs in with.
 * Without a build the console answers 503 with what to run, and the API is unaffected.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleRouteOptions> = async (app, { dir }) => {
  const files = dir === null ? null : loadConsoleFiles(dir);
  if (files === null) {
    app.log.warn({ dir }, 'the web console is not built; /console answers 503');
  }
  const route = { config: { public: true }, schema: { hide: true } };

  app.get('/console', route, async (_request, reply) => reply.redirect('/console/', 302));

  app.get<{ Params: { '*': string } }>('/console/*', route, async (request, reply) => {
    if (files === null) {
      return sendError(
        reply,
        new CallhookError(
          'unavailable',
          'the web console is not built: run `npm run build` at the repository root',
          { dir },
        ),
      );
    }
    const file = files.get(request.params['*']);
    if (file === undefined) {
      return sendError(
        reply,
        new CallhookError('not_found', `no console file ${request.url}`, { path: request.url }),
      );
    }
    return sendFile(reply, file);
  });
};

function sendFile(reply: FastifyReply, file: ConsoleFile): FastifyReply {
  return reply
    .headers(CONSOLE_HEADERS)
    .header('cache-control', file.cacheControl)
    .type(file.contentType)
    .send(file.body);
}
