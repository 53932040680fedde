// docs/architecture.md's route → file table against the running app's OpenAPI document:
// every documented operation is in the table, and every file the table names exists and
// declares the route's last fixed path segment.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientsFor } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const ROW = /^\| `([A-Z]+) (\S+)`\s*\| `([^`]+)`/;

function routeTable(): { route: string; file: string }[] {
  const text = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = text.slice(text.indexOf('## Where each route lives'));
  const rows: { route: string; file: string }[] = [];
  for (const line of section.split('\n')) {
    const match = ROW.exec(line);
    if (match) rows.push({ route: `${match[1]} ${match[2]}`, file: match[3] });
  }
  return rows;
}

describe('Docs: the route → file table (e2e)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('lists every operation of the OpenAPI document', async () => {
    const { body: document } = await clientsFor(sut.baseUrl).service.openApi();
    const operations = Object.entries(document.paths)
      .filter(([path]) => !path.startsWith('/__probe/')) // the test app's own probe routes
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
    const documented = new Set(routeTable().map((row) => row.route));

    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((operation) => !documented.has(operation))).toEqual([]);
  });

  it('names files that exist and declare the route', () => {
    const rows = routeTable();
    expect(rows.length).toBeGreaterThan(20);
    for (const { route, file } of rows) {
      expect({ route, exists: existsSync(join(ROOT, file)) }).toEqual({ route, exists: true });
      const fixed = route
        .split(' ')[1]
        .split('/')
        .filter((segment) => segment !== '' && !segment.startsWith('{'));
      const last = fixed[fixed.length - 1];
      if (last === undefined) continue;
      const source = readFileSync(join(ROOT, file), 'utf8');
      expect({ route, declared: source.includes(last) }).toEqual({ route, declared: true });
    }
  });
});
