// Property-based fuzzing driven by the service's own OpenAPI document: every operation gets
// generated requests (valid, invalid and hostile path/query/header values and bodies), and
// every response is checked against what the document declares for that operation.
export * from './document';
export * from './values';
export * from './requests';
export * from './checks';
