// Name and version as published in package.json, for the API info route, docs and health.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PackageJson {
  name: string;
  version: string;
  description: string;
}

function findPackageJson(): PackageJson {
  // src/ in development and tests, dist/src/ once built.
  for (const relative of ['..', '../..']) {
    try {
      return JSON.parse(
        readFileSync(join(__dirname, relative, 'package.json'), 'utf8'),
      ) as PackageJson;
    } catch {
      // try the next location
    }
  }
  throw new Error('package.json not found');
}

const pkg = findPackageJson();

export const APP_NAME = pkg.name;
export const APP_VERSION = pkg.version;
export const APP_DESCRIPTION = pkg.description;
