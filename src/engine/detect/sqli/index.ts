export { detectSqli, detectSqliKey, type SqliResult } from './detect.js';
export { fingerprint } from './fold.js';
