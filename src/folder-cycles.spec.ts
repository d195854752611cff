import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * Capability folders under src/ may depend on each other in one direction only: a cycle
 * between two folders (directly or through others) means neither can be understood, tested
 * or moved without the other. Every import counts, type-only ones too, since a shared type
 * is exactly what drags a folder into another's orbit; shared types and ports belong in a
 * small file of their own in the folder lower down (or in `common/`). Specs and the
 * in-process test harness (`testing/`) are left out: they may reach anywhere.
 */
const SRC = __dirname;
const LEFT_OUT_FOLDERS = new Set(['testing']);

type FolderGraph = Map<string, Map<string, string[]>>;

function sourceFiles(dir: string, withSpecs = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path, withSpecs);
    return path.endsWith('.ts') && (withSpecs || !path.endsWith('.spec.ts')) ? [path] : [];
  });
}

function moduleSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The top-level folder under src/ a path lies in, or undefined for src/'s own files. */
function folderOf(path: string): string | undefined {
  const parts = relative(SRC, path).split(sep);
  if (parts.length < 2 || parts[0] === '..') return undefined;
  return parts[0];
}

/** folder → folder it imports → the imports (file and specifier) that make the edge. */
function folderGraph(): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    if (!from || LEFT_OUT_FOLDERS.has(from)) continue;
    for (const specifier of moduleSpecifiers(file)) {
      if (!specifier.startsWith('.')) continue;
      const to = folderOf(resolve(dirname(file), specifier));
      if (!to || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), `${relative(SRC, file)} → ${specifier}`]);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Groups of folders that reach each other (Tarjan's strongly connected components). */
function cycles(graph: FolderGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (folder: string): void => {
    index.set(folder, counter);
    low.set(folder, counter++);
    stack.push(folder);
    onStack.add(folder);
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
      }
    }
    if (low.get(folder) !== index.get(folder)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== folder);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const folder of graph.keys()) if (!index.has(folder)) connect(folder);
  return groups;
}

function explain(graph: FolderGraph, group: string[]): string {
  const lines = group.flatMap((from) =>
    [...(graph.get(from) ?? [])]
      .filter(([to]) => group.includes(to))
      .map(([to, imports]) => `  ${from} → ${to}: ${imports.slice(0, 3).join(', ')}`),
  );
  return [`folders in a cycle: ${group.join(', ')}`, ...lines].join('\n');
}

describe('capability folders under src/', () => {
  it('import each other without cycles', () => {
    const graph = folderGraph();
    const found = cycles(graph).map((group) => explain(graph, group));
    expect(found).toEqual([]);
  });

  it('the check sees a cycle when there is one', () => {
    const graph: FolderGraph = new Map([
      ['a', new Map([['b', ['a/x.ts → ../b/y']]])],
      ['b', new Map([['c', ['b/y.ts → ../c/z']]])],
      ['c', new Map([['a', ['c/z.ts → ../a/x']]])],
      ['d', new Map([['a', ['d/w.ts → ../a/x']]])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('the check sees the folders the product is made of', () => {
    const graph = folderGraph();
    expect(graph.get('governor')?.has('events')).toBe(true);
    expect(graph.get('auth')?.has('access')).toBe(true);
  });
});

describe('libs/', () => {
  it('knows nothing of the application under src/', () => {
    const reachingIntoSrc = sourceFiles(join(SRC, '..', 'libs'), true).flatMap((file) =>
      moduleSpecifiers(file)
        .filter((specifier) => specifier.startsWith('.'))
        .filter((specifier) => !relative(SRC, resolve(dirname(file), specifier)).startsWith('..'))
        .map((specifier) => `${relative(join(SRC, '..'), file)} → ${specifier}`),
    );
    expect(reachingIntoSrc).toEqual([]);
  });
});
