import type { RuleEngineMode } from './api-types.js';

export type BodyLimitAction = 'Reject' | 'ProcessPartial';
export type AuditEngineMode = 'On' | 'Off' | 'RelevantOnly';

/**
 * Engine-wide settings from the configuration directives. Defaults follow ModSecurity v3
 * where it documents one; `ruleEngine` defaults to On (as Coraza does), so a WAF built from
 * rules alone enforces them. `requestBodyAccess` defaults to true: libmodsecurity v3 skips
 * the request body only when `SecRequestBodyAccess Off` is set, and processes it when the
 * directive is absent.
 */
export interface EngineConfig {
  ruleEngine: RuleEngineMode;
  requestBodyAccess: boolean;
  requestBodyLimit: number;
  requestBodyNoFilesLimit: number;
  requestBodyLimitAction: BodyLimitAction;
  requestBodyJsonDepthLimit: number;
  argumentsLimit: number;
  argumentSeparator: string;
  responseBodyAccess: boolean;
  responseBodyMimeTypes: Set<string>;
  responseBodyLimit: number;
  responseBodyLimitAction: BodyLimitAction;
  uploadFileLimit: number;
  /** SecTmpSaveUploadedFiles / SecUploadKeepFiles: keep file contents (FILES_TMP_CONTENT) and count files against the limit. */
  saveUploadedFiles: boolean;
  collectionTimeout: number;
  auditEngine: AuditEngineMode;
  auditLogParts: string;
  auditLogFormat: 'JSON' | 'Native';
  auditLogType: string;
  auditLog: string | null;
  auditLogRelevantStatus: string | null;
  componentSignatures: string[];
  webAppId: string;
  serverSignature: string | null;
}

export function defaultEngineConfig(): EngineConfig {
  return {
    ruleEngine: 'On',
    requestBodyAccess: true,
    requestBodyLimit: 13107200,
    requestBodyNoFilesLimit: 1048576,
    requestBodyLimitAction: 'Reject',
    requestBodyJsonDepthLimit: 10000,
    argumentsLimit: 1000,
    argumentSeparator: '&',
    responseBodyAccess: false,
    responseBodyMimeTypes: new Set(['text/plain', 'text/html']),
    responseBodyLimit: 524288,
    responseBodyLimitAction: 'Reject',
    uploadFileLimit: 100,
    saveUploadedFiles: false,
    collectionTimeout: 3600,
    auditEngine: 'Off',
    auditLogParts: 'ABIJDEFHZ',
    auditLogFormat: 'Native',
    auditLogType: 'Serial',
    auditLog: null,
    auditLogRelevantStatus: null,
    componentSignatures: [],
    webAppId: '',
    serverSignature: null,
  };
}
