/**
 * Operators ModSecurity v3 knows but vpatch deliberately does not implement,
 * because they need I/O or resources vpatch does not have. They are registered so
 * that a rule using one fails to load with the reason, instead of being reported
 * as an unknown name or, worse, loading as a rule that never matches.
 */
import { EngineError } from '../errors.js';
import type { OperatorDefinition } from './types.js';

function unsupported(name: string, reason: string): OperatorDefinition {
  return {
    name,
    factory: () => {
      throw new EngineError('VPATCH_SECLANG_UNKNOWN_OPERATOR', `@${name} is not supported by vpatch: ${reason}`);
    },
  };
}

export const UNSUPPORTED_OPERATORS: readonly OperatorDefinition[] = [
  unsupported(
    'inspectFile',
    'it runs an external program or Lua script on each uploaded file, and vpatch does not execute programs in the request path',
  ),
  unsupported('rbl', 'it makes a DNS blocklist query per request, and vpatch does no network I/O while inspecting traffic'),
  unsupported(
    'geoLookup',
    'it needs a GeoIP/MaxMind database (SecGeoLookupDb), which vpatch does not load; match REMOTE_ADDR with @ipMatchFromFile instead',
  ),
  unsupported('fuzzyHash', 'it needs the ssdeep library and a file of fuzzy hashes, which vpatch does not have'),
  unsupported('validateDTD', 'it needs libxml2 DTD validation, which vpatch\'s XML body parser does not provide'),
  unsupported('validateSchema', 'it needs libxml2 XML Schema validation, which vpatch\'s XML body parser does not provide'),
  unsupported(
    'gsbLookup',
    'it needs a Google Safe Browsing database (SecGsbLookupDb), which vpatch does not have (ModSecurity v3 does not implement it either)',
  ),
  unsupported(
    'validateHash',
    'it needs the HMAC token engine (SecHashEngine and friends), which vpatch does not have (ModSecurity v3 does not implement it either)',
  ),
  unsupported(
    'rsub',
    'it rewrites the request or response stream (STREAM_INPUT_BODY / STREAM_OUTPUT_BODY), which vpatch does not allow rules to modify',
  ),
];
