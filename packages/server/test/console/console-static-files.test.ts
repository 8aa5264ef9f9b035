import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';

let server: ConsoleServer;
let off: ConsoleServer;

before(async () => {
  [server, off] = await Promise.all([startConsoleServer(), startConsoleServer(['--no-console'])]);
});
after(() => {
  server?.server.child.kill('SIGTERM');
  off?.server.child.kill('SIGTERM');
});

test('the console page is public, uncached, and under a strict Content-Security-Policy', async () => {
  const redirect = await fetch(`${server.url}/console`, { redirect: 'manual' });
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get('location'), '/console/');

  const page = await fetch(`${server.url}/console/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const html = await page.text();
  assert.doesNotMatch(html, /<script>|<style>|style="/, 'nothing inline');
  assert.match(html, /<link rel="icon" [^>]*href="\/console\/favicon.svg"/);
});

test('scripts and styles have hashed names and are cached for a year', async () => {
  const html = await (await fetch(`${server.url}/console/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')));
  for (const asset of assets) {
    assert.match(asset, /-[A-Za-z0-9_-]{8}\.(js|css)$/);
    const response = await fetch(`${server.url}${asset}`);
    assert.equal(response.status, 200, asset);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(response.headers.get('content-type') ?? '', /^text\/(javascript|css)/);
  }
  const icon = await fetch(`${server.url}/console/favicon.svg`);
  assert.equal(icon.status, 200);
  assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
});

test('outside /console the API stays closed: /favicon.ico is a 401, an unknown file a 404', async () => {
  const favicon = await fetch(`${server.url}/favicon.ico`);
  assert.equal(favicon.status, 401);
  assert.equal(((await favicon.json()) as { error: { code: string } }).error.code, 'unauthorized');
  const missing = await fetch(`${server.url}/console/assets/nothing.js`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found');
});

test('--no-console serves no console: /console/ is as closed as any unknown route', async () => {
  const page = await fetch(`${off.url}/console/`);
  assert.equal(page.status, 401);
  const withKey = await off.api('GET', '/v1/calls');
  assert.equal(withKey.status, 200, 'the API itself is served');
});
