/**
 * The go-ftw test format (ftw-tests-schema v2), as loaded by `loader.ts`. Field values keep
 * go-ftw's semantics: `null` means "not given" (go-ftw's nil pointer), so defaults apply.
 */

export interface FtwHeader {
  name: string;
  value: string;
}

export interface FtwInput {
  destAddr: string | null;
  port: number | null;
  protocol: string | null;
  method: string | null;
  uri: string | null;
  version: string | null;
  /** The `headers` map, in file order (go-ftw sorts it by name before sending). */
  headers: FtwHeader[] | null;
  /** `ordered_headers`: sent exactly in this order, names may repeat. Wins over `headers`. */
  orderedHeaders: FtwHeader[] | null;
  data: string | null;
  /** `encoded_data`: the body as base64. */
  encodedData: string | null;
  /** `autocomplete_headers`, with the deprecated inverse `stop_magic` folded in; defaults to true. */
  autocompleteHeaders: boolean;
  /** `encoded_request`: the whole request as base64; every other field is then ignored. */
  encodedRequest: string;
}

export interface FtwLogExpectations {
  expectIds: number[];
  noExpectIds: number[];
  matchRegex: string;
  noMatchRegex: string;
}

export interface FtwOutput {
  /** Expected status; 0 = no expectation. */
  status: number;
  responseContains: string;
  log: FtwLogExpectations;
  expectError: boolean;
  retryOnce: boolean;
  isolated: boolean;
}

export interface FtwStage {
  input: FtwInput;
  output: FtwOutput;
}

export interface FtwTest {
  ruleId: number;
  testId: number;
  /** `<rule_id>-<test_id>`, the name include/exclude regexes and known failures refer to. */
  name: string;
  desc: string;
  /** Path of the YAML file relative to the tests directory. */
  file: string;
  stages: FtwStage[];
}
