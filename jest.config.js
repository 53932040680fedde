// Unit specs live beside the source (src/**/*.spec.ts); e2e specs boot the real app (test/).
// NestJS 12 ships ES modules only, so SWC also compiles those packages to CommonJS for Jest.
const ESM_PACKAGES = [
  '@nestjs',
  '@electric-sql',
  'content-disposition',
  'cookie',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.(t|j|mj|cj)s$': ['@swc/jest'] },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  testTimeout: 60_000,
  maxWorkers: 2,
};
