/**
 * The import graph of the source tree, read with the TypeScript parser (so an import inside a comment
 * or a string is not one): static `import … from`, `import '…'`, `export … from`, dynamic `import()`
 * and `new URL('./x.js', import.meta.url)` (how a worker's module is named). Only relative
 * specifiers become edges between files; package and `node:` specifiers are kept as they are.
 * Defines only; runs nothing at import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export type ImportKind = 'static' | 'type' | 'dynamic' | 'url';

export interface ImportEdge {
  /** Importing file, relative to the root, with `/` separators. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Imported file relative to the root (`.js` mapped back to `.ts` for sources), or null for a package. */
  to: string | null;
  /** `type`: erased at run time (`import type`, `export type`). */
  kind: ImportKind;
  line: number;
}

/** Every file under `dir` (relative to `root`) whose name ends with one of `exts`, sorted. */
export function listFiles(root: string, dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (exts.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts')) out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(join(root, dir));
  return out;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const named = clause.namedBindings;
  return named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

function isImportMetaUrl(node: ts.Node): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'url' &&
    ts.isMetaProperty(node.expression) &&
    node.expression.keywordToken === ts.SyntaxKind.ImportKeyword
  );
}

/** The specifiers one file names, in source order. */
export function importsOf(fileName: string, text: string): Array<Omit<ImportEdge, 'from' | 'to'>> {
  const kindOfScript = fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, kindOfScript);
  const found: Array<Omit<ImportEdge, 'from' | 'to'>> = [];
  const add = (spec: ts.StringLiteralLike, kind: ImportKind): void => {
    found.push({ specifier: spec.text, kind, line: sf.getLineAndCharacterOfPosition(spec.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier, isTypeOnlyImport(node) ? 'type' : 'static');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier, node.isTypeOnly ? 'type' : 'static');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) add(arg, 'dynamic');
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [arg, base] = node.arguments ?? [];
      if (arg && base && ts.isStringLiteralLike(arg) && isImportMetaUrl(base) && /\.[cm]?js$/.test(arg.text)) add(arg, 'url');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal, 'type'); // `import('./x.js').T` in a type position
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * The edges out of `files` (relative to `root`). A relative specifier is resolved against its file;
 * in sources (`.ts`) the `.js` it names is the `.ts` beside it, as NodeNext resolution has it.
 */
export function importGraph(root: string, files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = readFileSync(join(root, from), 'utf8');
    for (const imp of importsOf(from, text)) {
      let to: string | null = null;
      if (imp.specifier.startsWith('.')) {
        to = relative(root, resolve(root, dirname(from), imp.specifier)).split('\\').join('/');
        if (from.endsWith('.ts')) to = to.replace(/\.js$/, '.ts');
      }
      edges.push({ from, to, ...imp });
    }
  }
  return edges;
}

/**
 * The cycles of a directed graph: its strongly connected components with more than one node, or one
 * node with an edge to itself (Tarjan's algorithm, iterative so a deep chain cannot overflow the
 * stack). Each cycle is listed as its nodes, sorted; cycles sorted by their first node.
 */
export function cycles(nodes: readonly string[], next: (node: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; succ: readonly string[]; i: number }> = [];
    const enter = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, succ: next(node), i: 0 });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: string; succ: readonly string[]; i: number };
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++] as string;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) !== index.get(top.node)) continue;
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== top.node);
      if (component.length > 1 || top.succ.includes(top.node)) found.push(component.sort());
    }
  }
  return found.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}
