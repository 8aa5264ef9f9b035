import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_TYPES, OPAQUE_ID_PATTERN } from '@callhook/sdk';
import { BACKUP_DATABASE_FILE } from '../../src/cli/backup-command.ts';
import { EVENT_TYPE_NAMES } from '../../src/cli/event-type-option.ts';
import { OPAQUE_ID } from '../../src/cli/id-option.ts';
import { DATABASE_FILE } from '../../src/server.ts';

// The CLI knows a few facts without loading the SDK's schemas or the server (so it starts
// fast); each must stay the same as where the fact is defined.

test("the CLI's event types are the SDK's, in the SDK's order", () => {
  assert.deepEqual(EVENT_TYPE_NAMES, EVENT_TYPES);
});

test("the CLI's id check is the SDK's OPAQUE_ID_PATTERN", () => {
  assert.equal(OPAQUE_ID.source, OPAQUE_ID_PATTERN.source);
  assert.equal(OPAQUE_ID.flags, OPAQUE_ID_PATTERN.flags);
});

test("backup's database file is the server's", () => {
  assert.equal(BACKUP_DATABASE_FILE, DATABASE_FILE);
});
