// Writes openapi.json from the operation table; a test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../src/openapi.ts';

const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
