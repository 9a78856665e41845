import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { buildOpenApiDocument, operations } from '../src/index.ts';
import type { Operation } from '../src/index.ts';

const readJson = (relative: string): unknown => JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));
type Json = Record<string, any>;

describe('OpenAPI document', () => {
  const document = buildOpenApiDocument() as Json;

  it('when compared with the committed openapi.json, then it is identical (run `npm run generate -w contracts/web`)', () => {
    const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
    expect(committed).to.equal(`${JSON.stringify(document, null, 2)}\n`);
  });

  it('when read, then it is OpenAPI 3.1 versioned as the package', () => {
    expect(document['openapi']).to.equal('3.1.0');
    expect(document['info'].version).to.equal((readJson('../package.json') as Json)['version']);
  });

  it('when read, then the session cookie is the security scheme', () => {
    expect(document['components'].securitySchemes).to.deep.equal({
      sessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: '__Host-session',
        description: document['components'].securitySchemes.sessionCookie.description,
      },
    });
  });

  for (const [id, op] of Object.entries(operations) as [string, Operation][]) {
    it(`when ${id} is looked up by path and method, then it carries its operationId and statuses`, () => {
      const rendered = document['paths'][op.path][op.method];
      expect(rendered.operationId).to.equal(id);
      expect(Object.keys(rendered.responses).sort()).to.deep.equal(Object.keys(op.responses).sort());
      const security = { required: [{ sessionCookie: [] }], optional: [{ sessionCookie: [] }, {}], none: [] }[op.auth];
      expect(rendered.security).to.deep.equal(security);
    });
  }

  it('when an operation is a write, then X-CSRF is a required header and 403 lists csrf_failed', () => {
    for (const op of Object.values(operations) as Operation[]) {
      if (op.method === 'get') continue;
      const rendered = document['paths'][op.path][op.method];
      const csrf = rendered.parameters.find((p: Json) => p['in'] === 'header' && p['name'].toLowerCase() === 'x-csrf');
      expect(csrf?.required, op.path).to.equal(true);
      expect(rendered.responses['403'].content['application/problem+json'].schema.$ref).to.equal(
        '#/components/schemas/ForbiddenProblem',
      );
    }
    expect(document['components'].schemas.ForbiddenProblem.properties.code.enum).to.include('csrf_failed');
  });

  it('when an error is documented, then its media type is application/problem+json', () => {
    for (const pathItem of Object.values(document['paths']) as Json[]) {
      for (const rendered of Object.values(pathItem) as Json[]) {
        for (const [status, response] of Object.entries(rendered['responses']) as [string, Json][]) {
          if (Number(status) >= 400)
            expect(Object.keys(response['content'])).to.deep.equal(['application/problem+json']);
        }
      }
    }
  });

  it('when named schemas are listed, then the public payloads are components', () => {
    expect(Object.keys(document['components'].schemas)).to.include.members([
      'Micropost',
      'Profile',
      'CurrentUser',
      'SessionInfo',
      'Relationship',
      'UserSummary',
      'PageInfo',
      'MicropostPage',
      'UserPage',
      'Problem',
      'ValidationProblem',
      'SignUpRequest',
    ]);
  });
});
