/**
 * Reading the data files named by `@pmFromFile` and `@ipMatchFromFile`.
 *
 * Paths are resolved with `ctx.resolvePath` (relative to the rule file), and a
 * file that cannot be read is a load error naming the path. Remote URLs, which
 * ModSecurity downloads at load time, are refused: vpatch does no network I/O
 * while loading rules.
 */
import { EngineError } from '../errors.js';
import type { OperatorCompileContext } from './types.js';
import { badArgument } from './util.js';

export interface DataFile {
  /** The path as written in the rule. */
  name: string;
  /** The path it resolved to. */
  path: string;
  content: string;
}

export function readDataFile(operator: string, name: string, ctx: OperatorCompileContext): DataFile {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) {
    throw badArgument(
      operator,
      `remote data file ${JSON.stringify(name)} is not supported: vpatch does not download rule data; save the file locally and name its path`,
    );
  }
  let path: string;
  try {
    path = ctx.resolvePath(name);
  } catch (err) {
    throw badArgument(operator, `cannot resolve data file ${JSON.stringify(name)}: ${describe(err)}`);
  }
  let content: string;
  try {
    content = ctx.readFile(path);
  } catch (err) {
    const where = path === name ? JSON.stringify(name) : `${JSON.stringify(name)} (${path})`;
    throw badArgument(operator, `cannot read data file ${where}: ${describe(err)}`);
  }
  return { name, path, content };
}

/**
 * Lines of a data file as `std::getline` yields them (split on LF, no empty
 * element after a final LF), except that a trailing CR is removed: v3 would keep
 * it as part of the phrase or address, so CRLF files silently misbehave there.
 */
export function dataFileLines(content: string): string[] {
  const lines = content.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}

function describe(err: unknown): string {
  if (err instanceof EngineError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
