// Migration commands against the configured database (DATABASE_URL, or the embedded one):
//   npm run migration:run | migration:revert | migration:show
//   npm run migration:generate -- AddSomething   (diff entities against the schema)
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { runCli, withCliDataSource } from './cli-data-source';
import { runPendingMigrations } from './migrate';

const MIGRATIONS_DIR = join(__dirname, '..', '..', '..', 'migrations');
const logger = new Logger('Migrations');

function migrationSource(className: string, up: string[], down: string[]): string {
  const lines = (queries: string[]): string =>
    queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

async function generate(dataSource: DataSource, name: string | undefined): Promise<void> {
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('Usage: npm run migration:generate -- PascalCaseName');
  }
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) {
    logger.log('No changes between the entities and the database schema');
    return;
  }
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name}`;
  writeFileSync(
    join(MIGRATIONS_DIR, `${file}.ts`),
    migrationSource(
      className,
      sql.upQueries.map((q) => q.query),
      sql.downQueries.map((q) => q.query).reverse(),
    ),
  );
  const indexPath = join(MIGRATIONS_DIR, 'index.ts');
  const index = readFileSync(indexPath, 'utf8')
    .replace(
      /(export const MIGRATIONS = \[)([^\]]*)\]/,
      (_m, head: string, list: string) =>
        `${head}${list.trim() ? `${list.trim().replace(/,$/, '')}, ` : ''}${className}]`,
    )
    .replace(/(\nexport const MIGRATIONS)/, `import { ${className} } from './${file}';\n$1`);
  writeFileSync(indexPath, index);
  logger.log(`Wrote migrations/${file}.ts (review it, then npm run migration:run)`);
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const entities = [join(__dirname, '..', '**', '*.entity.js')];
  await withCliDataSource(
    async (dataSource, server) => {
      switch (command) {
        case 'run': {
          const applied = await runPendingMigrations(dataSource, server.isEmbedded);
          logger.log(`${applied.length} migration(s) applied`);
          break;
        }
        case 'revert':
          await dataSource.undoLastMigration({ transaction: 'each' });
          logger.log('Reverted the last migration');
          break;
        case 'show': {
          const pending = await dataSource.showMigrations();
          logger.log(pending ? 'There are pending migrations' : 'The schema is up to date');
          break;
        }
        case 'generate':
          // Diff against the schema the migrations produce, not whatever the database has now.
          await runPendingMigrations(dataSource, server.isEmbedded);
          await generate(dataSource, name);
          break;
        default:
          throw new Error('Usage: migration.cli.js run|revert|show|generate <Name>');
      }
    },
    { entities },
  );
}

runCli(main);
