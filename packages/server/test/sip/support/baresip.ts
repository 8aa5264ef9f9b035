import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { reapAtEnd } from '../../support/child-reaper.ts';
import { freeUdpPort } from './sipp-command.ts';

// Debian's baresip as a real softphone: its own config directory, loopback only, no audio
// device (it plays a silent WAV file and records to another), answering every call at once.

export interface Baresip {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches `pattern`, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
}

/**
 * A port for baresip's `sip_listen`: baresip 1.0 listens there on UDP and TCP, and on the next
 * port for TLS (it cannot be told not to), so all three must be free. A port the OS gave out
 * for UDP alone was once busy for TCP one above it ("SIP/TLS transport failed").
 */
async function freeSipPort(): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const port = await freeUdpPort();
    if (
      (await bindable('tcp', port)) &&
      (await bindable('tcp', port + 1)) &&
      (await bindable('udp', port + 1))
    ) {
      return port;
    }
  }
  throw new Error('no free port with a free next one for baresip after 20 tries');
}

async function bindable(kind: 'tcp' | 'udp', port: number): Promise<boolean> {
  try {
    if (kind === 'tcp') {
      const server = createServer();
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      await new Promise((r) => server.close(r));
    } else {
      const socket = createSocket('udp4');
      socket.bind(port, '127.0.0.1');
      await once(socket, 'listening');
      await new Promise((r) => socket.close(() => r(undefined)));
    }
    return true;
  } catch {
    return false;
  }
}

export async function startBaresip(
  t: TestContext,
  account: { user: string; password: string; registrar: { address: string; port: number } },
): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-baresip-'));
  const sipPort = await freeSipPort();
  let rtpPort = await freeUdpPort();
  while (rtpPort + 1 >= sipPort && rtpPort <= sipPort + 1) rtpPort = await freeUdpPort();
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      `rtp_ports ${rtpPort}-${rtpPort + 1}`,
      `audio_source aufile,${join(dir, 'say.wav')}`,
      `audio_player aufile,${join(dir, 'heard.wav')}`,
      `audio_alert aufile,${join(dir, 'alert.wav')}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module_app account.so',
      'module_app menu.so',
      '',
    ].join('\n'),
  );
  const { address, port } = account.registrar;
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${account.user}@${address}:${port}>;auth_pass=${account.password};regint=60;answermode=auto\n`,
  );
  writeFileSync(join(dir, 'contacts'), '');
  writeFileSync(join(dir, 'say.wav'), silenceWav(8000, 2));
  const child = reapAtEnd(spawn('baresip', ['-s', '-f', dir], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let out = '';
  const append = (d: Buffer) => {
    out = (out + d.toString()).slice(-50_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  t.after(async () => {
    if (child.exitCode === null) {
      // Not SIGTERM: baresip would first unregister, from a callhook already stopped, and wait
      // out its transaction (32 s).
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    child,
    output: () => out,
    waitFor: (pattern, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + ms;
        const check = () => {
          if (pattern.test(out)) return resolve();
          if (Date.now() > deadline || child.exitCode !== null) {
            return reject(new Error(`baresip never printed ${pattern}:\n${out.slice(-3000)}`));
          }
          setTimeout(check, 50);
        };
        check();
      }),
  };
}

/** `seconds` of 16-bit mono silence at `rate` Hz as a WAV file. */
function silenceWav(rate: number, seconds: number): Buffer {
  const data = rate * seconds * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(data, 40);
  return b;
}
