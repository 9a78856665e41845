// The tracing preload: nothing happens without an endpoint; with one, SQL reaches the backend without its values.
// (bff-web's tracing suite checks the spans of a real request end to end.)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { withoutLiterals } from '../src/tracing-sdk.ts';

const run = promisify(execFile);
const PRELOAD = fileURLToPath(new URL('../src/tracing.ts', import.meta.url));
// Whether anything registered an OpenTelemetry global (the API keeps them under this symbol).
const PROBE = `console.log(JSON.stringify(Object.getOwnPropertySymbols(globalThis).map(String).filter((s) => s.includes('opentelemetry'))))`;

describe('tracing preload', () => {
  it('is off, registering nothing, unless OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const env = { ...process.env };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const off = await run(process.execPath, ['--import', PRELOAD, '--input-type=module', '-e', PROBE], { env });
    expect(JSON.parse(off.stdout)).to.deep.equal([]);
    const on = await run(process.execPath, ['--import', PRELOAD, '--input-type=module', '-e', PROBE], {
      env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    });
    expect(JSON.parse(on.stdout)).to.have.length(1);
  });

  it('strips literal values from statement text, keeping its shape', () => {
    expect(withoutLiterals(`select "u0".* from "users" as "u0" where "u0"."username_key" = 'alice' limit 1`)).to.equal(
      `select "u0".* from "users" as "u0" where "u0"."username_key" = ? limit ?`,
    );
    expect(
      withoutLiterals(`insert into "sessions" ("token_hash", "n") values ('it''s $argon2id$v=19', 42.5)`),
    ).to.equal(`insert into "sessions" ("token_hash", "n") values (?, ?)`);
    expect(withoutLiterals(`select * from "t2" where "c1" = $1`)).to.equal(`select * from "t2" where "c1" = $1`);
  });
});
