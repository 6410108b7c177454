/**
 * `@ipMatchFromFile path` and its alias `@ipMatchF`: `@ipMatch` with the networks
 * read from a data file, one or more comma-separated entries per line, `#` starting
 * a comment (v3's `IpTree::addFromFile`). As in v3 the whole parameter is one path.
 * vpatch drops a trailing CR from each line (v3 would reject the entry).
 */
import { dataFileLines, readDataFile } from './data-files.js';
import { addIpList, IpSet } from './ip-set.js';
import { ipSetOperator } from './ipMatch.js';
import type { Operator, OperatorCompileContext, OperatorDefinition } from './types.js';
import { badArgument } from './util.js';

function compile(operator: string, param: string, ctx: OperatorCompileContext): Operator {
  if (param.length === 0) throw badArgument(operator, 'expects the path of a data file');
  const file = readDataFile(operator, param, ctx);
  const set = new IpSet();
  addIpList(set, dataFileLines(file.content), (reason, line) => {
    throw badArgument(operator, `${reason} at ${file.path}:${line}`);
  });
  return ipSetOperator(set);
}

export const ipMatchFromFile: OperatorDefinition = {
  name: 'ipMatchFromFile',
  factory: (param, ctx) => compile('ipMatchFromFile', param, ctx),
};

export const ipMatchF: OperatorDefinition = {
  name: 'ipMatchF',
  factory: (param, ctx) => compile('ipMatchF', param, ctx),
};
