// `node --import <this file>`: appends the URL of every module the process loads to the file
// named by CALLHOOK_TEST_LOAD_LOG, one per line (the CLI's start-up tests read it).
import { register } from 'node:module';

register('./module-load-hooks.mjs', import.meta.url);
