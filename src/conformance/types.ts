/** Result of one conformance suite run, as printed by `vpatch conformance ... --json`. */
export interface ConformanceFailure {
  /** Test name, e.g. `942100-3` or `transformations/urlDecodeUni#4`. */
  test: string;
  reason: string;
}

export interface ConformanceResult {
  suite: string;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: ConformanceFailure[];
  /** Tests not run, with why (a missing resource such as a GeoIP database). */
  skips: ConformanceFailure[];
  /**
   * Names of the failures a known-failures file lists (each with a reason there): they count
   * as failed, but only the other failures make a run fail.
   */
  knownFailures?: string[];
}
