import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { buildOpenApiDocument, operations } from '../src/index.ts';
import type { Operation } from '../src/index.ts';

const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const doc = buildOpenApiDocument() as any;
const entries = Object.entries(operations) as [string, Operation][];

describe('the OpenAPI document', () => {
  it('when generated afresh, then it equals the committed openapi.json (run `npm run generate -w contracts/mobile`)', () => {
    expect(committed).to.equal(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
  });

  it('when read, then it is OpenAPI 3.1 carrying the package version', () => {
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.info.version).to.equal(pkg.version);
  });

  it('when read, then every operation of the table is there under its operationId', () => {
    for (const [operationId, op] of entries) {
      expect(doc.paths[op.path]?.[op.method]?.operationId, operationId).to.equal(operationId);
    }
  });

  it('when read, then auth is an http bearer JWT, required or optional as the table says', () => {
    expect(doc.components.securitySchemes.bearerAuth).to.include({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(doc.paths['/v1/timeline'].get.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(doc.paths['/v1/users/{username}'].get.security).to.deep.equal([{ bearerAuth: [] }, {}]);
    expect(doc.paths['/v1/auth/token'].post.security).to.deep.equal([]);
  });

  it('when read, then the non-versioned routes /healthz, /readyz, /openapi.json and /docs are documented', () => {
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs'])
      expect(doc.paths[path]?.get, path).to.be.an('object');
    expect(doc.paths['/docs'].get.responses['200'].content).to.have.key('text/html');
  });

  it('when read, then every /v1 operation documents the X-App-Version header and the 426 problem with minVersion', () => {
    for (const [operationId, op] of entries.filter(([, op]) => !op.unversioned)) {
      const o = doc.paths[op.path][op.method];
      expect(o.parameters, operationId).to.deep.include({ $ref: '#/components/parameters/XAppVersion' });
      expect(o.responses['426'].content['application/problem+json'].schema, operationId).to.deep.equal({
        $ref: '#/components/schemas/UpgradeRequiredProblem',
      });
    }
    expect(doc.components.parameters.XAppVersion).to.include({ in: 'header', name: 'X-App-Version' });
    expect(doc.components.parameters.XAppVersion.required).to.not.equal(true);
    expect(doc.components.schemas.UpgradeRequiredProblem.required).to.include('minVersion');
  });

  it('when read, then every /v1 GET documents the ETag header, If-None-Match and a 304 without body', () => {
    const gets = entries.filter(([, op]) => op.method === 'get' && !op.unversioned);
    expect(gets).to.have.length.greaterThan(5);
    for (const [operationId, op] of gets) {
      const o = doc.paths[op.path].get;
      expect(o.responses['200'].headers.ETag, operationId).to.deep.equal({ $ref: '#/components/headers/ETag' });
      expect(o.responses['304'], operationId).to.be.an('object');
      expect(o.responses['304'].content, operationId).to.equal(undefined);
      expect(o.parameters, operationId).to.deep.include({ $ref: '#/components/parameters/IfNoneMatch' });
    }
  });

  it('when read, then POST /v1/posts requires the Idempotency-Key header', () => {
    expect(doc.paths['/v1/posts'].post.parameters).to.deep.include({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(doc.components.parameters.IdempotencyKey).to.include({
      in: 'header',
      name: 'Idempotency-Key',
      required: true,
    });
  });

  it('when read, then errors are application/problem+json and 401 carries WWW-Authenticate, 429 and 503 Retry-After', () => {
    for (const [operationId, op] of entries) {
      const responses = doc.paths[op.path][op.method].responses;
      for (const [status, response] of Object.entries<any>(responses)) {
        if (Number(status) >= 400)
          expect(response.content, `${operationId} ${status}`).to.have.key('application/problem+json');
        if (status === '401') expect(response.headers, operationId).to.have.property('WWW-Authenticate');
        if (status === '429' || status === '503') expect(response.headers, operationId).to.have.property('Retry-After');
      }
    }
  });

  it('when read, then response objects forbid unknown keys', () => {
    for (const name of [
      'Micropost',
      'MicropostPage',
      'TimelinePage',
      'Profile',
      'OwnProfile',
      'TokenResponse',
      'Problem',
    ]) {
      expect(doc.components.schemas[name].additionalProperties, name).to.equal(false);
    }
  });
});
