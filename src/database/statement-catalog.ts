import type { Compilable } from 'kysely';

/** One statement of a repository, built with sample arguments, for its rendered SQL file. */
export interface StatementSample {
  name: string;
  statement: Compilable;
}

/**
 * A repository's statements as checked-in SQL (`<folder>/queries/<file>.sql`): a change to
 * a statement shows in review as a readable diff, and a unit test fails when a file no
 * longer matches what the repository builds (`npm run db:queries` rewrites them).
 */
export interface StatementCatalog {
  /** Path from the project root. */
  file: string;
  samples(): StatementSample[];
}

const CLAUSES = [
  'from',
  'inner join',
  'left join',
  'where',
  'group by',
  'having',
  'order by',
  'limit',
  'offset',
  'values',
  'set',
  'on conflict',
  'returning',
];
const CLAUSE_BREAK = new RegExp(` (?=(${CLAUSES.join('|')}) )`, 'g');

/** The text of a catalog's file: each statement under its name, one clause per line. */
export function renderCatalog(catalog: StatementCatalog): string {
  const blocks = catalog.samples().map(({ name, statement }) => {
    const { sql, parameters } = statement.compile();
    // break lines outside string literals only: the even parts of a split on quotes
    const text = sql
      .split("'")
      .map((part, i) => (i % 2 ? part : part.replace(CLAUSE_BREAK, '\n  ')))
      .join("'");
    return `-- ${name}\n-- parameters: ${JSON.stringify(parameters)}\n${text};\n`;
  });
  return `-- Rendered from ${catalog.file.replace(/queries\/(.+)\.sql$/, '$1.ts')} by \`npm run db:queries\`; do not edit.\n\n${blocks.join('\n')}`;
}
