import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { createDataSource, openPglite } from '../database/data-source.factory';
import { runMigrations } from '../database/migration-runner';

const IMAGE_PREFIX = 'agent-village-pglite-migrated-';
const MIGRATIONS_DIR = resolve(__dirname, '../../migrations');
const PGLITE_MANIFEST = resolve(__dirname, '../../node_modules/@electric-sql/pglite/package.json');

type PgliteSettings = Parameters<typeof createDataSource>[0];

/**
 * An in-memory PGlite with every migration applied, opened from a data directory image
 * kept in the temporary folder: initdb and the migrations run once per set of migrations
 * rather than once per test suite (they cost seconds each, the image loads in about one).
 * The image's name carries a hash of the migration sources and the PGlite version, so a
 * changed migration builds a new one.
 */
export async function openMigratedPglite(settings: PgliteSettings): Promise<PGlite> {
  const file = await ensureMigratedPgliteImage(settings);
  const image = new Blob([readFileSync(file)]);
  return openPglite(undefined, settings.PGLITE_SHARED_BUFFERS_MB, image);
}

/**
 * The image's file, built first if this set of migrations has none yet. The unit run's
 * global setup calls it once, before the test workers start, so they do not each build
 * the same image at the same time.
 */
export async function ensureMigratedPgliteImage(settings: PgliteSettings): Promise<string> {
  const file = join(tmpdir(), `${IMAGE_PREFIX}${imageKey()}.tar`);
  if (!existsSync(file)) await buildImage(settings, file);
  return file;
}

function imageKey(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(name).update(readFileSync(join(MIGRATIONS_DIR, name)));
  }
  hash.update(readFileSync(PGLITE_MANIFEST));
  return hash.digest('hex').slice(0, 16);
}

async function buildImage(settings: PgliteSettings, file: string): Promise<void> {
  const pglite = await openPglite(undefined, settings.PGLITE_SHARED_BUFFERS_MB);
  const dataSource = createDataSource(settings, { image: Promise.resolve(pglite) });
  await dataSource.initialize();
  await runMigrations(dataSource);
  const image = await pglite.dumpDataDir('none');
  await dataSource.destroy();
  const stale = readdirSync(tmpdir()).filter(
    (name) => name.startsWith(IMAGE_PREFIX) && name.endsWith('.tar') && name !== basename(file),
  );
  for (const name of stale) rmSync(join(tmpdir(), name), { force: true });
  // written aside and renamed: a suite in another worker never reads half an image
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
  renameSync(partial, file);
}
