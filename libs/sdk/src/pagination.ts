/** One page of a list the API answers with `limit` and `offset`. */
export interface OffsetPage<T> {
  items: T[];
  total: number;
}

/**
 * Every item of an offset-paginated list, one page request at a time, for `for await`:
 * `for await (const goal of paginate((page) => client.GET('/api/v1/goals', { params: { query: page } }).then(unwrap)))`.
 */
export async function* paginate<T>(
  fetchPage: (page: { limit: number; offset: number }) => Promise<OffsetPage<T>>,
  options: { pageSize?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const limit = options.pageSize ?? 50;
  for (let offset = 0; ;) {
    const page = await fetchPage({ limit, offset });
    yield* page.items;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return;
  }
}

/** One page of a list read after a cursor (an event log: `after` the last id seen). */
export interface CursorPage<T> {
  items: T[];
  last_id: number;
}

/** Every item after `after`, following `last_id` from page to page until a page is empty. */
export async function* paginateAfter<T>(
  fetchPage: (page: { after: number; limit: number }) => Promise<CursorPage<T>>,
  options: { after?: number; pageSize?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const limit = options.pageSize ?? 100;
  for (let after = options.after ?? 0; ;) {
    const page = await fetchPage({ after, limit });
    yield* page.items;
    if (page.items.length < limit || page.last_id === after) return;
    after = page.last_id;
  }
}
