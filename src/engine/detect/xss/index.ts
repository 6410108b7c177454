export { detectXss, isXss, type XssResult } from './detect.js';
