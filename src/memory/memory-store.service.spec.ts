import { DEFAULT_TENANT_ID } from '../common/request-context';
import { inTransaction } from '../database/transaction';
import { startInProcessApp, type InProcessApp } from '../testing/in-process-app';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { MemoryGraph } from './memory-graph.service';
import { MemoryKeeper } from './memory-keeper.service';
import { MemorySearch } from './memory-search.service';
import { MemoryStore } from './memory-store.service';
import { MemoryModule } from './memory.module';

/** The memory store, search, graph and keeper on their repositories, on an in-memory PGlite. */
describe('memory in process (in-memory PGlite with pgvector)', () => {
  let product: InProcessApp;
  let store: MemoryStore;
  let search: MemorySearch;

  beforeAll(async () => {
    product = await startInProcessApp(
      { MEMORY_KEEPER_INTERVAL_MS: '0' },
      { imports: [MemoryModule] },
    );
    store = product.app.get(MemoryStore);
    search = product.app.get(MemorySearch);
  });

  afterAll(() => product.close());

  it('finds a stored memory by similarity and counts the access', async () => {
    const created = await store.create(DEFAULT_TENANT_ID, {
      type: 'semantic',
      title: 'Invoices',
      content: 'Invoices are sent on the first working day of the month',
    });
    const hits = await search.search(DEFAULT_TENANT_ID, 'when are invoices sent', { k: 1 });
    expect(hits[0].memory.id).toBe(created.id);
    expect(hits[0].memory.access_count).toBe(1);
    expect((await store.get(DEFAULT_TENANT_ID, created.id)).access_count).toBe(2);
  });

  it('writes a memory with a known dedupe key again as an update in place', async () => {
    const embeddings = product.app.get(MemoryEmbeddings);
    const write = async (content: string) => {
      const drafts = await embeddings.draft([
        { type: 'episodic', content, importance: 0.5, dedupe_key: 'episode:same' },
      ]);
      return inTransaction(product.dataSource, (uow) =>
        store.persist(uow, DEFAULT_TENANT_ID, drafts),
      );
    };
    const [first] = await write('first attempt');
    const [second] = await write('second attempt');
    expect(second.id).toBe(first.id);
    expect(second.content).toBe('second attempt');
    expect(second.metadata).toMatchObject({ occurrences: 2 });
    expect(Number(second.importance)).toBeCloseTo(0.55, 5);
  });

  it('edits, then forgets a memory', async () => {
    const created = await store.create(DEFAULT_TENANT_ID, { type: 'semantic', content: 'old' });
    const edited = await store.update(DEFAULT_TENANT_ID, created.id, {
      content: 'new',
      metadata: { reviewed: true },
    });
    expect(edited).toMatchObject({ content: 'new', metadata: { reviewed: true } });
    await store.delete(DEFAULT_TENANT_ID, created.id);
    await expect(store.get(DEFAULT_TENANT_ID, created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('links graph facts once per relation, heavier with every repeat', async () => {
    const graph = product.app.get(MemoryGraph);
    const fact = {
      source: { name: 'Research', type: 'capability' },
      relation: 'succeeded_with',
      target: { name: 'analyst-7', type: 'agent' },
    };
    for (let i = 0; i < 2; i++)
      await inTransaction(product.dataSource, (uow) =>
        graph.link(uow, DEFAULT_TENANT_ID, [fact], null),
      );
    expect(await graph.preferredAgents(DEFAULT_TENANT_ID, ['research'])).toEqual([
      { capability: 'research', agent: 'analyst-7', successes: 2 },
    ]);
  });

  it('merges near-duplicates: the older memory survives', async () => {
    const text = 'Deploys to production happen on Tuesdays after the change review';
    const older = await store.create(DEFAULT_TENANT_ID, { type: 'strategic', content: text });
    const newer = await store.create(DEFAULT_TENANT_ID, { type: 'strategic', content: text });
    const report = await product.app.get(MemoryKeeper).maintain(DEFAULT_TENANT_ID);
    expect(report.merged).toBeGreaterThanOrEqual(1);
    const survivor = await store.get(DEFAULT_TENANT_ID, older.id);
    expect(survivor.metadata.merged_from).toContain(newer.id);
    await expect(store.get(DEFAULT_TENANT_ID, newer.id)).rejects.toMatchObject({ status: 404 });
  });
});
