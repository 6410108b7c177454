/** Request body processors: pure functions from a byte string to ModSecurity v3's variables. */
export type {
  Arg,
  JsonOptions,
  MultipartFile,
  MultipartOptions,
  MultipartResult,
  ParsedArgs,
} from './types.js';
export { parseUrlencoded, parseUrlencodedDetailed, urlDecodeNonStrict } from './urlencoded.js';
export type { UrlencodedResult, UrlDecodeResult } from './urlencoded.js';
export { parseJson } from './json.js';
export { parseMultipart } from './multipart.js';
export { parseXml, elementText } from './xml.js';
export type { XmlDocument, XmlElement, XmlAttribute, XmlNode, XmlParseResult } from './xml.js';
export { evaluateXPath, compileXPath } from './xpath.js';
export type { CompiledXPath } from './xpath.js';
