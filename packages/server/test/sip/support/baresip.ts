import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

export async function startBaresip(
  t: TestContext,
  account: { user: string; password: string; registrar: { address: string; port: number } },
): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-baresip-'));
  const sipPort = await freeUdpPort();
  const rtpPort = await freeUdpPort();
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
