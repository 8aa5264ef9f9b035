// Module customization hooks (run off the main thread): record each loaded URL, change nothing.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const log = process.env.CALLHOOK_TEST_LOAD_LOG;
  if (log) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
