import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { renderOpenApiTypes } from '../scripts/generate-openapi.ts';

describe('the generated TypeScript types', () => {
  const committed = readFileSync(new URL('../src/generated/openapi-types.ts', import.meta.url), 'utf8');

  it('when generated afresh from the contract, then they equal the committed src/generated/openapi-types.ts (run `npm run generate -w contracts/mobile`)', async () => {
    expect(committed).to.equal(await renderOpenApiTypes());
  });

  it('when read, then they are erasable: interfaces and type aliases only, no enums', () => {
    const declarations = committed.match(/^export \w+ \S+/gm) ?? [];
    expect(declarations).to.deep.equal([
      'export interface paths',
      'export type webhooks',
      'export interface components',
      'export type $defs',
      'export interface operations',
    ]);
    expect(committed).to.not.match(/\benum\s+\w+\s*\{/);
  });
});
