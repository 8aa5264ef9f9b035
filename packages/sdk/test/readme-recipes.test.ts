import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ChildRun, freePort, runChild } from './support/callhook-process.ts';
import { bodyOf, CALL_ID, deliveryHeaders, SECRET } from './support/signed-delivery.ts';

// Each framework recipe of the SDK README is a file in examples/, pasted into the README
// verbatim (checked here), and run here as its own process against a signed delivery: the
// recipe must answer 204 and run the handler, exactly once for a redelivery.

const examplesDir = new URL('../examples/', import.meta.url);
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

const SERVER_RECIPES = ['node-http.ts', 'express.ts', 'fastify.ts', 'hono.ts'] as const;
const ALL_RECIPES = [...SERVER_RECIPES, 'next-app/app/hooks/route.ts'] as const;

const running: ChildRun[] = [];
after(async () => {
  await Promise.all(running.map((child) => child.stop()));
});

async function postUntilUp(url: string, init: RequestInit): Promise<Response> {
  for (let tries = 0; ; tries++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (tries > 300) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const dtmfBody = bodyOf('call.dtmf');
const signed = (id: string) => ({
  method: 'POST',
  headers: deliveryHeaders({ id, body: dtmfBody, seq: 2, previousSeq: 1, attempt: 1 }),
  body: dtmfBody,
});

describe('README recipes', () => {
  for (const file of ALL_RECIPES) {
    it(`${file} is in the README verbatim`, () => {
      const source = readFileSync(new URL(file, examplesDir), 'utf8').trimEnd();
      assert.ok(
        readme.includes(`\`\`\`ts\n${source}\n\`\`\``),
        `README.md must show examples/${file} as it is`,
      );
    });
  }

  for (const file of SERVER_RECIPES) {
    it(`${file} receives a signed delivery, once`, async () => {
      const port = await freePort();
      const child = runChild(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL(file, examplesDir))],
        { CALLHOOK_SECRET: SECRET, PORT: String(port) },
      );
      running.push(child);
      const url = `http://127.0.0.1:${port}/hooks`;
      const first = await postUntilUp(url, signed('evt-recipe-1'));
      assert.equal(first.status, 204, await first.text());
      const again = await fetch(url, signed('evt-recipe-1'));
      assert.equal(again.status, 204);
      await child.waitFor(new RegExp(`${CALL_ID}: pressed 1`));
      const forged = await fetch(url, { ...signed('evt-recipe-2'), body: `${dtmfBody} ` });
      assert.equal(forged.status, 401);
      await child.stop();
      assert.equal(child.output().match(/pressed/g)?.length, 1, child.output());
    });
  }

  it('the Next.js route handler answers a web Request', async () => {
    process.env.CALLHOOK_SECRET = SECRET;
    const route = (await import('../examples/next-app/app/hooks/route.ts')) as {
      POST: (request: Request) => Promise<Response>;
    };
    const url = 'http://localhost:3000/hooks';
    const first = await route.POST(new Request(url, signed('evt-next-1')));
    assert.equal(first.status, 204, await first.text());
    const forged = await route.POST(
      new Request(url, { ...signed('evt-next-2'), body: `${dtmfBody} ` }),
    );
    assert.equal(forged.status, 401);
  });
});
