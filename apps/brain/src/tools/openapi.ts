import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../app.module';
import { parseBrainConfig } from '../core/config/brain-config';
import { buildOpenApiDocument } from '../openapi';

/**
 * Writes apps/brain/openapi.json from the controllers, or with `--check` fails when the committed file
 * differs (CI's drift check). Runs the module graph in preview mode: nothing connects anywhere.
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const target = join(__dirname, '../../openapi.json');
  const config = parseBrainConfig({
    database: { url: 'postgresql://unused@127.0.0.1/unused' },
    ssl: { caCert: 'unused', serverCert: 'unused', serverKey: 'unused' },
    workgroup: { rootPassword: 'unused-password' },
  });
  const app = await NestFactory.create(AppModule.forRoot(config, { api: true, worker: false }), {
    preview: true,
    logger: false,
  });
  const document = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  if (!check) {
    writeFileSync(target, document);
    console.log(`wrote ${target}`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // missing counts as drift
  }
  if (committed !== document) {
    console.error(
      'apps/brain/openapi.json is out of date: run `node apps/brain/dist/tools/openapi.js` and commit it',
    );
    process.exit(1);
  }
  console.log('openapi.json is up to date');
}

void main().then(
  () => process.exit(0),
  (error: Error) => (console.error(error), process.exit(1)),
);
