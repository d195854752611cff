import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from './config/app-config';
import { rootLogger } from './observability/logger';

/**
 * Writes the API's OpenAPI document as JSON without serving it: the app is built on a
 * throwaway embedded database with default settings, so the document never depends on the
 * machine it was emitted on. `node dist/src/emit-openapi.js <file>`.
 */
async function main(target: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agent-village-openapi-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:3000' });
    rootLogger('error');
    const { createApiApp } = await import('./app.factory');
    const { buildOpenApiDocument } = await import('./openapi/openapi-document');
    const app = await createApiApp(config);
    const document = buildOpenApiDocument(app, config);
    await app.close();
    writeFileSync(resolve(target), `${JSON.stringify(document, null, 2)}\n`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const target = process.argv[2];
if (!target) {
  console.error('usage: node dist/src/emit-openapi.js <output.json>');
  process.exit(2);
}
main(target).catch((error: Error) => {
  console.error(`emitting the OpenAPI document failed: ${error.message}`);
  process.exit(1);
});
