/**
 * The public API is a curated list (`src/index.ts` names every export, as eemeli/yaml's
 * does), and each export is documented: the TypeScript compiler reads the entry point and
 * every exported name must resolve to a declaration with a TSDoc comment (an interface or
 * type's own comment; for a re-exported name, the original's).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { repoRoot } from '@imgsync/test-helpers/fixtures.js';

const entry = join(repoRoot, 'packages/core/src/index.ts');

function exportsOf(): { name: string; documented: boolean }[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const module = checker.getSymbolAtLocation(source)!;
  return checker.getExportsOfModule(module).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const documented = (target.declarations ?? []).some((declaration) => {
      const node = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
      return ts.getJSDocCommentsAndTags(node).length > 0 || target.getDocumentationComment(checker).length > 0;
    });
    return { name: symbol.name, documented };
  });
}

describe('the public API of @imgsync/core', () => {
  it('is a list of names, not export *', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(entry, 'utf8')).not.toMatch(/export \*/);
  });

  it('documents every export with TSDoc', () => {
    const exported = exportsOf();
    expect(exported.length).toBeGreaterThan(50);
    expect(exported.filter((e) => !e.documented).map((e) => e.name)).toEqual([]);
  });

  it('keeps internals out', () => {
    for (const internal of ['buildBody', 'secretsOf', 'tokenAuth', 'createSourceLocator', 'RegistryStates', 'toGitError'])
      expect(core).not.toHaveProperty(internal);
  });
});
