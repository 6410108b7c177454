/**
 * `@ipMatch 192.168.0.0/16,10.1.2.3,::1,2001:db8::/32`: true when the value is an
 * IPv4 or IPv6 address inside one of the listed networks.
 *
 * The list is read as libmodsecurity v3 reads it (src/utils/ip_tree.cc and
 * msc_tree.cc): entries separated by commas, no spaces; an invalid entry makes the
 * rule fail to load. A value that is not an address simply does not match.
 */
import { addIpList, IpSet } from './ip-set.js';
import type { Operator, OperatorDefinition } from './types.js';
import { badArgument } from './util.js';

export function ipSetOperator(set: IpSet): Operator {
  return { match: (input) => set.contains(input) };
}

export const ipMatch: OperatorDefinition = {
  name: 'ipMatch',
  factory: (param) => {
    const set = new IpSet();
    addIpList(set, param.split('\n'), (reason) => {
      throw badArgument('ipMatch', `${reason} in ${JSON.stringify(param)}`);
    });
    return ipSetOperator(set);
  },
};
