/**
 * ModSecurity v3 as a black-box oracle for @detectSQLi and @detectXSS: compiles v3-detect.cc
 * against the system's libmodsecurity and runs values through a one-rule configuration.
 * Used by test/engine/detect/v3-agreement.test.ts and by the labelling tool (label.ts).
 * Nothing of libinjection is read or copied: only verdicts on vpatch's own values come back.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../../helpers/shared.js';

export interface V3Verdict {
  sqli: boolean;
  xss: boolean;
  /** TX.0 set by the SQLi rule (libinjection's fingerprint) when it matched, else ''. */
  fingerprint: string;
}

const HEADER = '/usr/include/modsecurity/modsecurity.h';
const SOURCE = resolve(REPO_ROOT, 'test/engine/detect/oracle/v3-detect.cc');

/** Why the oracle cannot run here, or null when it can. */
export function oracleUnavailable(): string | null {
  if (!existsSync(HEADER)) return `libmodsecurity headers (${HEADER}) are not installed (apt-get install libmodsecurity-dev)`;
  const gxx = spawnSync('g++', ['--version']);
  if (gxx.error || gxx.status !== 0) return 'no C++ compiler (g++) on PATH';
  return null;
}

/** Path of the compiled oracle (built once per source version, cached in the temp dir). */
export function buildOracle(): string {
  const src = readFileSync(SOURCE);
  const tag = createHash('sha256').update(src).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'vpatch-v3-detect');
  const bin = join(dir, `v3-detect-${tag}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}`;
  execFileSync('g++', ['-std=c++17', '-O1', '-o', tmp, SOURCE, '-lmodsecurity'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
  renameSync(tmp, bin);
  return bin;
}

/** libmodsecurity's version string. */
export function oracleVersion(bin: string): string {
  return execFileSync(bin, ['--version']).toString().trim();
}

/** v3's verdicts on byte strings (one code unit per byte). */
export function runOracle(bin: string, values: readonly string[]): V3Verdict[] {
  const out: V3Verdict[] = [];
  const CHUNK = 20_000;
  for (let at = 0; at < values.length; at += CHUNK) {
    const part = values.slice(at, at + CHUNK);
    const input = part.map((v) => Buffer.from(v, 'latin1').toString('hex')).join('\n') + '\n';
    const lines = execFileSync(bin, { input, maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] })
      .toString('latin1')
      .split('\n');
    for (let i = 0; i < part.length; i++) {
      const line = lines[i];
      if (line === undefined) throw new Error(`oracle gave ${lines.length} answers for ${part.length} values`);
      const [s, x, fp] = line.split(' ');
      out.push({ sqli: s === '1', xss: x === '1', fingerprint: Buffer.from(fp ?? '', 'hex').toString('latin1') });
    }
  }
  return out;
}
