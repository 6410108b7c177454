/**
 * Runs wrk (one thread, pinned with taskset) against a system and reads the `WRKJSON` line
 * the profile's Lua script prints (see profiles.ts).
 */
import { spawn } from 'node:child_process';

export interface WrkResult {
  requests: number;
  durationUs: number;
  /** Responses with a status outside 2xx/3xx. */
  status: number;
  /** Socket errors: connect, read, write, timeout. */
  connect: number;
  read: number;
  write: number;
  timeout: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  meanUs: number;
  maxUs: number;
}

export interface WrkOptions {
  port: number;
  script: string;
  seconds: number;
  connections: number;
  core: string;
  /** wrk's per-request timeout (s): long, so a slow system shows latency instead of timeouts. */
  timeoutS?: number;
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-c', o.core, 'wrk', '-t1', `-c${o.connections}`, `-d${o.seconds}s`, `--timeout`, `${o.timeoutS ?? 30}s`, '-s', o.script, `http://127.0.0.1:${o.port}`];
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (!line) return reject(new Error(`wrk exited ${code} without a result: ${err.trim() || out.trim()}`));
      const j = JSON.parse(line.slice(8)) as Record<string, number>;
      resolve({
        requests: j.requests!,
        durationUs: j.duration_us!,
        status: j.status!,
        connect: j.connect!,
        read: j.read!,
        write: j.write!,
        timeout: j.timeout!,
        p50Us: j.p50!,
        p90Us: j.p90!,
        p99Us: j.p99!,
        meanUs: j.mean!,
        maxUs: j.max!,
      });
    });
  });
}
