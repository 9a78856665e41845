// The release gate (`npm run contracts:check`) fed real pairs of documents: each "released" document is a
// contract's committed openapi.json, each "current" one the same document after a programmatic edit.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  describe as describeChange,
  diffContracts,
  schemaField,
  severityOf,
  typeChangeBreaks,
} from '../lib/contract-diff.ts';
import type { ContractChange } from '../lib/contract-diff.ts';
import { checkContract, pathVersionErrors, pickBaseline } from '../lib/contract-gate.ts';
import type { GateResult } from '../lib/contract-gate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Doc = Record<string, any>; // oxlint-disable-line typescript/no-explicit-any -- free-form OpenAPI edits in tests
type Contract = 'web' | 'mobile';
const prefixes: Record<Contract, string> = { web: '/api/v', mobile: '/v' };
const committed: Record<Contract, Doc> = {
  web: JSON.parse(readFileSync(join(root, 'contracts/web/openapi.json'), 'utf8')) as Doc,
  mobile: JSON.parse(readFileSync(join(root, 'contracts/mobile/openapi.json'), 'utf8')) as Doc,
};

interface Scenario {
  contract: Contract;
  /** An edit applied to the released document too (a hypothetical field the change then edits). */
  released?: (doc: Doc) => void;
  change: (doc: Doc) => void;
  /** package.json's version now (default 1.1.0: a minor bump over release 1.0.0). */
  version?: string;
  /** More releases besides 1.0.0 (the released document). */
  releases?: Record<string, Doc>;
}

function released(scenario: Pick<Scenario, 'contract' | 'released'>): Doc {
  const doc = structuredClone(committed[scenario.contract]);
  doc.info.version = '1.0.0';
  scenario.released?.(doc);
  return doc;
}

function gate(scenario: Scenario): GateResult {
  const before = released(scenario);
  const after = structuredClone(before);
  scenario.change(after);
  const version = scenario.version ?? '1.1.0';
  after.info.version = version;
  return checkContract({
    label: `contracts/${scenario.contract}`,
    pathPrefix: prefixes[scenario.contract],
    packageVersion: version,
    current: after,
    releases: new Map<string, unknown>([['1.0.0', before], ...Object.entries(scenario.releases ?? {})]),
  });
}

function breaking(result: GateResult): ContractChange[] {
  return result.changes.filter((c) => c.severity === 'breaking');
}

/** Asserts the gate failed on a breaking change at `where` whose location and text match. */
function expectCaught(result: GateResult, where: string, text: RegExp, release = '1.0.0'): ContractChange {
  expect(result.ok, 'the gate passed').to.equal(false);
  expect(result.errors.join('\n')).to.include(`breaking change(s) against release ${release}`);
  const found = breaking(result).find((c) => c.where === where && text.test(`${c.location}: ${c.what}`));
  const listed = breaking(result)
    .map((c) => `${c.where} · ${c.location}: ${c.what}`)
    .join('\n');
  expect(found, `no breaking change at ${where} matching ${text} in:\n${listed}`).to.not.equal(undefined);
  expect(found?.why ?? '').to.not.equal('');
  return found as ContractChange;
}

function expectPasses(result: GateResult): void {
  expect(result.errors, result.errors.join('\n')).to.deep.equal([]);
  expect(breaking(result).map((c) => `${c.where} · ${c.location}: ${c.what}`)).to.deep.equal([]);
  expect(result.ok).to.equal(true);
}

function dropRequired(schema: Doc, name: string): void {
  delete schema.properties[name];
  schema.required = (schema.required as string[]).filter((n) => n !== name);
}

describe('contracts:check, the release gate', function () {
  describe('breaking changes within a major fail, each named with its operation and why', function () {
    it('when a route is removed, then the gate names each of its operations', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          delete d.paths['/api/v1/search'];
        },
      });
      const change = expectCaught(result, 'GET /api/v1/search', /operation: operation removed/);
      expect(change.why).to.match(/404/);
    });

    it('when one operation of a path is removed, then the gate names that method', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          delete d.paths['/v1/posts/{id}'].delete;
        },
      });
      expectCaught(result, 'DELETE /v1/posts/{id}', /operation removed/);
      expect(breaking(result)).to.have.length(1);
    });

    it('when a response field is removed, then every operation answering that schema is named', function () {
      const result = gate({ contract: 'web', change: (d) => dropRequired(d.components.schemas.Micropost, 'html') });
      expectCaught(
        result,
        'GET /api/v1/timeline',
        /response 200 application\/json body field items\[\]\.html: field removed/,
      );
      expectCaught(result, 'POST /api/v1/microposts', /response 201 application\/json body field html: field removed/);
      expect(
        breaking(result).every((c) => !/required/.test(c.what)),
        'the required entry is not a second line',
      ).to.equal(true);
    });

    it('when a response field is retyped, then the gate catches it (api-smart-diff alone calls it non-breaking)', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.components.schemas.Micropost.properties.text.type = 'integer';
        },
      });
      const change = expectCaught(result, 'GET /v1/timeline', /body field items\[\]\.text: type "string" → "integer"/);
      expect(change.why).to.match(/released type/);
    });

    it('when a response field becomes nullable (a 3.1 type array), then it is breaking', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.components.schemas.Micropost.properties.text.type = ['string', 'null'];
        },
      });
      expectCaught(result, 'POST /v1/posts', /body field text: type "string" → \["string","null"\]/);
    });

    it('when a $ref response field becomes nullable (anyOf with null), then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.Micropost.properties.author = {
            anyOf: [{ $ref: '#/components/schemas/UserSummary' }, { type: 'null' }],
          };
        },
      });
      expectCaught(result, 'GET /api/v1/microposts/{id}', /body field author/);
    });

    it('when a response const changes, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.BadRequestProblem.properties.status.const = 422;
        },
      });
      expectCaught(
        result,
        'GET /api/v1/search',
        /response 400 application\/problem\+json body field status: const 400 → 422/,
      );
    });

    it('when a response format changes, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.Timestamp.format = 'date';
        },
      });
      expectCaught(result, 'GET /api/v1/microposts/{id}', /body field createdAt: format "date-time" → "date"/);
    });

    it('when a response header is retyped, then it is breaking (api-smart-diff leaves it unclassified)', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.headers['Retry-After'].schema = { type: 'string' };
        },
      });
      expectCaught(
        result,
        'POST /api/v1/microposts',
        /response 429 header Retry-After: schema\.type "integer" → "string"/,
      );
    });

    it('when a required body property is added, then it is named once as a new required field', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          const body = d.components.schemas.SignUpRequest;
          body.properties.email = { type: 'string' };
          body.required.push('email');
        },
      });
      const change = expectCaught(result, 'POST /api/v1/users', /request body field email: field added/);
      expect(change.why).to.match(/required/);
      expect(breaking(result)).to.have.length(1);
    });

    it('when an optional body property becomes required, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.SignUpRequest.required.push('displayName');
        },
      });
      expectCaught(result, 'POST /api/v1/users', /request body field displayName: now required/);
    });

    it('when a required query parameter is added, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/search'].get.parameters.push({
            in: 'query',
            name: 'lang',
            required: true,
            schema: { type: 'string' },
          });
        },
      });
      expectCaught(result, 'GET /api/v1/search', /query parameter lang: parameter added/);
    });

    it('when an optional query parameter becomes required, then it is breaking', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.paths['/v1/timeline'].get.parameters.find((p: Doc) => p.name === 'cursor').required = true;
        },
      });
      expectCaught(result, 'GET /v1/timeline', /query parameter cursor: now required/);
    });

    it('when a required header parameter is added, then it is breaking', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.paths['/v1/me'].get.parameters.push({
            in: 'header',
            name: 'X-Device-Id',
            required: true,
            schema: { type: 'string' },
          });
        },
      });
      expectCaught(result, 'GET /v1/me', /header parameter X-Device-Id: parameter added/);
    });

    it('when a request enum is narrowed, then each request using it is named', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.components.schemas.Platform.enum = ['ios'];
        },
      });
      expectCaught(result, 'POST /v1/me/push-tokens', /request body field platform: enum value "android" removed/);
      expectCaught(result, 'POST /v1/auth/token', /request body field device\.platform: enum value "android" removed/);
    });

    it('when an enum value is renamed, then it is breaking in requests and in responses', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.components.schemas.Platform.enum = ['ios', 'droid'];
        },
      });
      expectCaught(result, 'POST /v1/me/push-tokens', /request body field platform: enum value "android" → "droid"/);
      expectCaught(
        result,
        'GET /v1/me/sessions',
        /response 200 application\/json body field items\[\]\.platform: enum value "android" → "droid"/,
      );
    });

    it('when a maxLength is lowered, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.SignUpRequest.properties.username.maxLength = 30;
        },
      });
      expectCaught(result, 'POST /api/v1/users', /request body field username: maxLength 64 → 30/);
    });

    it('when a minLength is raised on a path parameter, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/users/{username}'].get.parameters[0].schema.minLength = 3;
        },
      });
      expectCaught(result, 'GET /api/v1/users/{username}', /path parameter username: minLength 1 → 3/);
    });

    it('when a maximum is lowered or a minimum raised, then both are breaking', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          const version = d.components.schemas.MarkerUpdateBody.properties.version;
          version.maximum = 1000;
          version.minimum = 1;
        },
      });
      expectCaught(
        result,
        'PUT /v1/me/markers/timeline',
        /request body field version: maximum 9007199254740991 → 1000/,
      );
      expectCaught(result, 'PUT /v1/me/markers/timeline', /request body field version: minimum 0 → 1/);
    });

    it('when a maxItems is lowered, then it is breaking', function () {
      const result = gate({
        contract: 'mobile',
        released: (d) => {
          d.components.schemas.PostTextBody.properties.tags = {
            type: 'array',
            items: { type: 'string' },
            maxItems: 10,
          };
        },
        change: (d) => {
          d.components.schemas.PostTextBody.properties.tags.maxItems = 5;
        },
      });
      expectCaught(result, 'POST /v1/posts', /request body field tags: maxItems 10 → 5/);
    });

    it('when a query pattern changes, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/search'].get.parameters.find((p: Doc) => p.name === 'page').schema.pattern =
            '^[1-9][0-9]{0,3}$';
        },
      });
      expectCaught(result, 'GET /api/v1/search', /query parameter page: pattern/);
    });

    it('when a success status changes (201 to 200), then the removed one and the new one are both named', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          const responses = d.paths['/api/v1/microposts'].post.responses;
          responses['200'] = responses['201'];
          delete responses['201'];
        },
      });
      expectCaught(result, 'POST /api/v1/microposts', /response 201: status removed/);
      expectCaught(result, 'POST /api/v1/microposts', /response 200: status added/);
    });

    it('when an error status is removed, then it is breaking', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          delete d.paths['/v1/users'].post.responses['409'];
        },
      });
      expectCaught(result, 'POST /v1/users', /response 409: status removed/);
    });

    it('when optional auth becomes required, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/users/{username}/microposts'].get.security = [{ sessionCookie: [] }];
        },
      });
      const change = expectCaught(result, 'GET /api/v1/users/{username}/microposts', /security requirements/);
      expect(change.why).to.match(/authentication/);
    });

    it('when an open operation starts to require auth, then it is breaking', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.paths['/v1/search'].get.security = [{ bearerAuth: [] }];
        },
      });
      expectCaught(result, 'GET /v1/search', /security requirements/);
      const healthz = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/healthz'].get.security = [{ sessionCookie: [] }];
        },
      });
      expectCaught(healthz, 'GET /healthz', /security requirements: requirement \{"sessionCookie":\[\]\} added/);
    });

    it('when the security scheme changes, then it is breaking', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.securitySchemes.sessionCookie.name = 'session';
        },
      });
      expectCaught(result, 'security scheme sessionCookie', /name "__Host-session" → "session"/);
    });
  });

  describe('additive changes pass with a minor bump', function () {
    it('when an optional body property is added, then it passes as additive', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.SignUpRequest.properties.email = { type: 'string' };
        },
      });
      expectPasses(result);
      expect(result.changes.map((c) => `${c.where} · ${c.location}: ${c.what}`)).to.include(
        'POST /api/v1/users · request body field email: field added',
      );
    });

    it('when a response field is added (even a required one), then it passes: clients ignore fields they do not know', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          const post = d.components.schemas.Micropost;
          post.properties.likeCount = { type: 'integer', minimum: 0 };
          post.required.push('likeCount');
        },
      });
      expectPasses(result);
      expect(result.changes.some((c) => c.severity === 'additive' && c.where === 'GET /v1/timeline')).to.equal(true);
    });

    it('when a route is added, then it passes', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.paths['/v1/posts/{id}/likes'] = {
            put: { ...structuredClone(d.paths['/v1/users/{username}/follow'].put), operationId: 'likePost' },
          };
        },
      });
      expectPasses(result);
      expect(result.changes.map((c) => `${c.where}: ${c.what}`)).to.include(
        'PUT /v1/posts/{id}/likes: operation added',
      );
    });

    it('when a method is added to an existing path, then it passes', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/timeline'].head = {
            ...structuredClone(d.paths['/api/v1/timeline'].get),
            operationId: 'timelineHead',
          };
        },
      });
      expectPasses(result);
    });

    it('when an optional query parameter is added, then it passes', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/search'].get.parameters.push({ in: 'query', name: 'lang', schema: { type: 'string' } });
        },
      });
      expectPasses(result);
    });

    it('when a request enum is widened, then it passes', function () {
      const platform = { type: 'string', enum: ['ios', 'android'] };
      const result = gate({
        contract: 'mobile',
        released: (d) => {
          d.components.schemas.PushTokenBody.properties.platform = structuredClone(platform);
        },
        change: (d) => {
          d.components.schemas.PushTokenBody.properties.platform.enum.push('web');
        },
      });
      expectPasses(result);
    });

    it('when an enum that responses also carry is widened, then it is breaking: old apps meet a value they never saw', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.components.schemas.Platform.enum.push('web');
        },
      });
      expectCaught(result, 'GET /v1/me/sessions', /items\[\]\.platform: enum value "web" added/);
      expect(breaking(result).some((c) => c.location.startsWith('request'))).to.equal(false);
    });

    it('when limits are relaxed (maxLength raised, minLength lowered, pattern dropped), then it passes', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.SignUpRequest.properties.username.maxLength = 128;
          d.paths['/api/v1/search'].get.parameters.find((p: Doc) => p.name === 'q').schema.minLength = 2;
          delete d.paths['/api/v1/search'].get.parameters.find((p: Doc) => p.name === 'page').schema.pattern;
        },
      });
      expectPasses(result);
      expect(result.changes).to.have.length(3);
    });

    it('when a request field accepts null too (a 3.1 type array), then it passes', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.components.schemas.UpdateMeBody.properties.bio.type = ['string', 'null'];
        },
      });
      expectPasses(result);
    });

    it('when a new error status is documented on an operation, then it passes', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/microposts'].post.responses['409'] = structuredClone(
            d.paths['/api/v1/users'].post.responses['409'],
          );
        },
      });
      expectPasses(result);
      expect(result.changes.map((c) => `${c.location}: ${c.what}`)).to.include('response 409: status added');
    });

    it('when a new success status is added to an existing operation, then it is breaking (our rule)', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.paths['/api/v1/microposts'].post.responses['202'] = { description: 'Accepted' };
        },
      });
      expectCaught(result, 'POST /api/v1/microposts', /response 202: status added/);
    });

    it('when a required request field becomes optional, or required auth becomes optional, then it passes', function () {
      const result = gate({
        contract: 'web',
        change: (d) => {
          d.components.schemas.SignUpRequest.required = ['username'];
          d.paths['/api/v1/timeline'].get.security = [{ sessionCookie: [] }, {}];
        },
      });
      expectPasses(result);
    });

    it('when an operation is marked deprecated, then it passes as additive', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.paths['/v1/search'].get.deprecated = true;
        },
      });
      expectPasses(result);
      expect(result.changes.map((c) => c.severity)).to.deep.equal(['additive']);
    });
  });

  describe('version rules', function () {
    const addField = (d: Doc): void => {
      d.components.schemas.SignUpRequest.properties.email = { type: 'string' };
    };

    it('when the document gains an additive change but package.json still has the released version, then it asks for a minor bump', function () {
      const result = gate({ contract: 'web', version: '1.0.0', change: addField });
      expect(result.ok).to.equal(false);
      expect(result.errors.join('\n')).to.match(/package\.json is still 1\.0\.0: bump the minor version \(1\.1\.0\)/);
    });

    it('when an additive change comes with a patch bump, then it asks for a minor bump', function () {
      const result = gate({ contract: 'web', version: '1.0.1', change: addField });
      expect(result.ok).to.equal(false);
      expect(result.errors.join('\n')).to.match(/1\.0\.1, a patch release: bump the minor version \(1\.1\.0\)/);
    });

    it('when an additive change comes with a minor bump, then it passes', function () {
      expectPasses(gate({ contract: 'web', version: '1.1.0', change: addField }));
    });

    it('when only descriptions change, then a patch bump passes and the released version asks for one', function () {
      const describeIt = (d: Doc): void => {
        d.paths['/api/v1/search'].get.summary = 'Search microposts';
      };
      expectPasses(gate({ contract: 'web', version: '1.0.1', change: describeIt }));
      const same = gate({ contract: 'web', version: '1.0.0', change: describeIt });
      expect(same.ok).to.equal(false);
      expect(same.errors.join('\n')).to.match(/documentation only.*bump at least the patch version \(1\.0\.1\)/);
    });

    it('when a breaking change comes with a major bump and paths under /v2, then it passes and counts what broke', function () {
      const result = gate({
        contract: 'mobile',
        version: '2.0.0',
        change: (d) => {
          d.paths = Object.fromEntries(
            Object.entries(d.paths as Doc).map(([path, item]) => [path.replace(/^\/v1\//, '/v2/'), item]),
          );
          delete d.paths['/v2/search'];
        },
      });
      expect(result.errors).to.deep.equal([]);
      expect(result.ok).to.equal(true);
      expect(result.notes.join('\n')).to.match(/2\.0\.0 is a new major: 1 breaking/);
      expect(breaking(result).map((c) => `${c.where}: ${c.what}`)).to.deep.equal(['GET /v2/search: operation removed']);
    });

    it('when the major is bumped but the paths stay under /api/v1, then it fails on the path version', function () {
      const result = gate({
        contract: 'web',
        version: '2.0.0',
        change: (d) => {
          delete d.paths['/api/v1/search'];
        },
      });
      expect(result.ok).to.equal(false);
      expect(result.errors.join('\n')).to.match(/path \/api\/v1\/timeline is not under \/api\/v2/);
    });

    it('when the document serves /v2 paths while package.json is 1.x, then it fails on the path version', function () {
      const result = gate({
        contract: 'mobile',
        change: (d) => {
          d.paths['/v2/timeline'] = d.paths['/v1/timeline'];
        },
      });
      expect(result.errors.join('\n')).to.match(/path \/v2\/timeline is not under \/v1/);
    });

    it('when several releases of the major exist, then the newest is the baseline', function () {
      const withEmail = released({ contract: 'web', released: addField });
      withEmail.info.version = '1.1.0';
      const result = gate({
        contract: 'web',
        version: '1.1.0',
        releases: { '1.1.0': withEmail },
        change: (d) => {
          addField(d);
          d.components.schemas.SignUpRequest.properties.email.maxLength = 10;
        },
      });
      expect(result.comparedWith).to.equal('release 1.1.0');
      expectCaught(result, 'POST /api/v1/users', /field email: maxLength added/, '1.1.0');
    });

    it('when package.json is behind the newest release of its major, then it fails', function () {
      const result = gate({
        contract: 'web',
        version: '1.0.0',
        releases: { '1.2.0': released({ contract: 'web' }) },
        change: () => {},
      });
      expect(result.errors.join('\n')).to.match(/1\.0\.0 is behind release 1\.2\.0/);
    });

    it('when openapi.json was not regenerated after a bump, then it fails as stale', function () {
      const before = released({ contract: 'web' });
      const result = checkContract({
        label: 'contracts/web',
        pathPrefix: '/api/v',
        packageVersion: '1.1.0',
        current: before,
        releases: new Map([['1.0.0', before]]),
      });
      expect(result.errors.join('\n')).to.match(
        /info\.version "1\.0\.0" but package\.json is 1\.1\.0: the document is stale/,
      );
    });
  });

  describe('the small rules the library does not cover', function () {
    it('typeChangeBreaks: a request may widen, a response may narrow', function () {
      expect(typeChangeBreaks('string', ['string', 'null'], 'request')).to.equal(false);
      expect(typeChangeBreaks('integer', 'number', 'request')).to.equal(false);
      expect(typeChangeBreaks('string', 'integer', 'request')).to.equal(true);
      expect(typeChangeBreaks(['string', 'null'], 'string', 'request')).to.equal(true);
      expect(typeChangeBreaks(['string', 'null'], 'string', 'response')).to.equal(false);
      expect(typeChangeBreaks('number', 'integer', 'response')).to.equal(false);
      expect(typeChangeBreaks('string', ['string', 'null'], 'response')).to.equal(true);
      expect(typeChangeBreaks('integer', 'number', 'response')).to.equal(true);
    });

    it('severityOf: components are judged where used; info.version is not an API change', function () {
      expect(
        severityOf({ type: 'breaking', action: 'add', path: ['components', 'schemas', 'X', 'required', 0] }),
      ).to.equal(undefined);
      expect(severityOf({ type: 'annotation', action: 'replace', path: ['info', 'version'] })).to.equal(undefined);
      expect(
        severityOf({ type: 'breaking', action: 'replace', path: ['components', 'securitySchemes', 'a', 'in'] }),
      ).to.equal('breaking');
    });

    it('severityOf: a replaced const, pattern, format or enum value in a response is breaking', function () {
      const response = [
        'paths',
        '/v1/x',
        'get',
        'responses',
        '200',
        'content',
        'application/json',
        'schema',
        'properties',
        'a',
      ];
      for (const tail of [['const'], ['pattern'], ['format'], ['enum', 0]]) {
        expect(
          severityOf({
            type: 'non-breaking',
            action: 'replace',
            path: [...response, ...tail],
            before: 'x',
            after: 'y',
          }),
          tail.join('.'),
        ).to.equal('breaking');
      }
    });

    it('schemaField: names nested fields the way a client reads them', function () {
      expect(schemaField(['properties', 'items', 'items', 'properties', 'text', 'maxLength'])).to.deep.equal({
        field: 'items[].text',
        rest: ['maxLength'],
      });
      expect(schemaField(['properties', 'editedAt', 'anyOf', 0, 'format'])).to.deep.equal({
        field: 'editedAt',
        rest: ['format'],
      });
      expect(schemaField(['properties', 'author', 'anyOf', 1])).to.deep.equal({ field: 'author', rest: ['anyOf', 1] });
    });

    it('describe: a parameter is named by its location and name, through a $ref', function () {
      const doc = committed.mobile;
      const index = (doc.paths['/v1/me'].get.parameters as Doc[]).findIndex(
        (p) => p.$ref === '#/components/parameters/XAppVersion',
      );
      const described = describeChange(
        {
          action: 'replace',
          path: ['paths', '/v1/me', 'get', 'parameters', index, 'schema', 'maxLength'],
          before: 64,
          after: 32,
        },
        doc,
        doc,
      );
      expect(described).to.deep.equal({
        where: 'GET /v1/me',
        location: 'header parameter X-App-Version',
        what: 'maxLength 64 → 32',
      });
    });

    it('pickBaseline: the newest release of the same major, or a new major above every release', function () {
      expect(pickBaseline('1.3.0', ['1.0.0', '1.2.0', '1.10.0-beta.1', '2.0.0'])).to.deep.equal({
        kind: 'error',
        message: 'package.json version 1.3.0 is behind release 1.10.0-beta.1',
      });
      expect(pickBaseline('1.3.0', ['1.0.0', '1.2.0', '2.0.0'])).to.deep.equal({ kind: 'release', version: '1.2.0' });
      expect(pickBaseline('3.0.0', ['1.0.0', '2.1.0'])).to.deep.equal({ kind: 'new-major', previous: '2.1.0' });
      expect(pickBaseline('1.0.0', [])).to.deep.equal({ kind: 'new-major', previous: undefined });
      expect(pickBaseline('1.5.0', ['2.0.0']).kind).to.equal('error');
    });

    it('pathVersionErrors: unversioned paths are fine, other versions and version-less documents are not', function () {
      expect(pathVersionErrors({ paths: { '/healthz': {}, '/api/v1/users': {} } }, '/api/v', 1)).to.deep.equal([]);
      expect(pathVersionErrors({ paths: { '/healthz': {}, '/v1/users': {} } }, '/api/v', 1)).to.have.length(1);
      expect(pathVersionErrors({ paths: { '/healthz': {} } }, '/v', 1)).to.deep.equal([
        `no path is under /v1: the contract's major version (1) is its path version`,
      ]);
      expect(
        pathVersionErrors({ paths: { '/v2/a': {} }, servers: [{ url: 'https://api.example/v1' }] }, '/v', 2),
      ).to.have.length(1);
    });

    it('diffContracts: a document compared with itself has no changes', function () {
      expect(diffContracts(committed.web, committed.web)).to.deep.equal([]);
      expect(diffContracts(committed.mobile, committed.mobile)).to.deep.equal([]);
    });
  });

  describe('the command', function () {
    const cli = join(root, 'scripts/contracts-check.ts');
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });

    it('when run on this repository, then it exits 0 and reports each contract ok', function () {
      const { status, stdout, stderr } = run([]);
      expect(status, stdout + stderr).to.equal(0);
      expect(stdout).to.match(/^contracts\/web \S+ against release \S+: ok/m);
      expect(stdout).to.match(/^contracts\/mobile \S+ against release \S+: ok/m);
    });

    it('when a copy of the repository removes a response field without a major bump, then it exits 1 naming it', function () {
      const copy = mkdtempSync(join(tmpdir(), 'contracts-check-'));
      try {
        cpSync(join(root, 'contracts/web/package.json'), join(copy, 'contracts/web/package.json'));
        cpSync(join(root, 'contracts/web/releases'), join(copy, 'contracts/web/releases'), { recursive: true });
        const doc = structuredClone(committed.web);
        dropRequired(doc.components.schemas.Profile, 'bio');
        writeFileSync(join(copy, 'contracts/web/openapi.json'), JSON.stringify(doc));
        const { status, stdout } = run(['--root', copy, '--contract', 'web']);
        expect(status).to.equal(1);
        expect(stdout).to.match(/contracts\/web \S+ against release \S+: FAILED/);
        expect(stdout).to.match(
          /breaking: GET \/api\/v1\/users\/\{username\} · response 200 application\/json body field bio: field removed — clients that read this field get nothing/,
        );
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  });
});
