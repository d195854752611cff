import { paginate, paginateAfter } from './pagination';

describe('pagination helpers', () => {
  it('walks an offset list page by page until total', async () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    const asked: Array<{ limit: number; offset: number }> = [];
    const seen: number[] = [];
    for await (const item of paginate(
      async (page) => {
        asked.push(page);
        return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
      },
      { pageSize: 3 },
    ))
      seen.push(item);
    expect(seen).toEqual(all);
    expect(asked).toEqual([
      { limit: 3, offset: 0 },
      { limit: 3, offset: 3 },
      { limit: 3, offset: 6 },
    ]);
  });

  it('follows last_id after the id given until a short page', async () => {
    const log = [3, 5, 8, 9, 12].map((id) => ({ id }));
    const seen: number[] = [];
    for await (const event of paginateAfter(
      async ({ after, limit }) => {
        const items = log.filter((e) => e.id > after).slice(0, limit);
        return { items, last_id: items.at(-1)?.id ?? after };
      },
      { after: 3, pageSize: 2 },
    ))
      seen.push(event.id);
    expect(seen).toEqual([5, 8, 9, 12]);
  });
});
