// Runs the emulator in a child process, so memory measurements in this process see only the client.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A child-process emulator. */
export interface SpawnedEmulator {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../support/emulator/main.js', import.meta.url));

/** Starts `main.js --port 0 …args` and resolves once it prints its URL. */
export function spawnEmulator(args: string[]): Promise<SpawnedEmulator> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      resolve({
        url: m[1]!,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}
