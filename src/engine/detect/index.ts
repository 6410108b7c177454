export { detectSqli, type SqliResult } from './sqli/index.js';
export { detectXss, type XssResult } from './xss/index.js';
