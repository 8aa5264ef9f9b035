import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { generateSecret, Webhook } from '@callhook/sdk';

// The verification snippets of docs/delivery.md for Python and Java, taken from the page as it
// is and run against a signature made by the SDK (the same code the server signs with): a
// genuine delivery verifies, one with a changed body or another secret does not.

const run = promisify(execFile);
const page = readFileSync(new URL('../../../../docs/delivery.md', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'callhook-verify-snippets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function snippet(language: string): string {
  const match = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(page);
  assert.ok(match, `docs/delivery.md has no ${language} snippet`);
  return match[1]!;
}

const secret = generateSecret();
const body =
  '{"eventType":"call.dtmf","callId":"522a2f93-4463-4040-8176-947b2c77bd0f","threadId":"t","streamId":"s","dtmf":"#","dtmfNumber":11}';
const id = '01a230d5-128a-7102-99d9-a8954241ee8e';
const now = new Date();
// Two live secrets, as during a rotation: the snippet must accept either signature.
const signatures = new Webhook([generateSecret(), secret]).signAll(id, now, body);
const timestamp = String(Math.floor(now.getTime() / 1000));

const CASES = [
  { name: 'genuine', secret, body, expected: 'ok' },
  { name: 'body changed', secret, body: body.replace('#', '*'), expected: 'refused' },
  { name: 'other secret', secret: generateSecret(), body, expected: 'refused' },
];

describe('docs/delivery.md verification snippets', () => {
  it('Python 3 verifies a real signature and refuses forgeries', async () => {
    const driver = `${snippet('python')}
import sys
args = sys.argv[1:]
try:
    event = verify(args[0], args[1], args[2], args[3], args[4].encode())
    print("ok" if event["dtmfNumber"] == 11 else "wrong body")
except ValueError:
    print("refused")
`;
    writeFileSync(join(dir, 'verify.py'), driver);
    for (const c of CASES) {
      const { stdout } = await run('python3', [
        join(dir, 'verify.py'),
        c.secret,
        id,
        timestamp,
        signatures,
        c.body,
      ]);
      assert.equal(stdout.trim(), c.expected, c.name);
    }
  });

  it('Java verifies a real signature and refuses forgeries', async () => {
    writeFileSync(join(dir, 'CallhookSignature.java'), snippet('java'));
    writeFileSync(
      join(dir, 'Driver.java'),
      `public final class Driver {
  public static void main(String[] a) throws Exception {
    for (int i = 0; i + 4 < a.length; i += 5) {
      try {
        CallhookSignature.verify(a[i], a[i + 1], a[i + 2], a[i + 3], a[i + 4].getBytes("UTF-8"));
        System.out.println("ok");
      } catch (SecurityException e) {
        System.out.println("refused");
      }
    }
  }
}
`,
    );
    await run('javac', [
      '-d',
      join(dir, 'classes'),
      join(dir, 'CallhookSignature.java'),
      join(dir, 'Driver.java'),
    ]);
    const args = CASES.flatMap((c) => [c.secret, id, timestamp, signatures, c.body]);
    const { stdout } = await run('java', ['-cp', join(dir, 'classes'), 'Driver', ...args]);
    assert.deepEqual(
      stdout.trim().split('\n'),
      CASES.map((c) => c.expected),
    );
  });
});
