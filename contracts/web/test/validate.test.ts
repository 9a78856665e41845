import { expect } from 'chai';
import { MicropostTextRequest, SignUpRequest, formatIssues, requestSchemas, validateResponse } from '../src/index.ts';
import type { OperationId } from '../src/index.ts';
import { micropost, pageInfo, problem, sessionInfo } from './samples.ts';

describe('validateResponse', () => {
  it('when the body matches the schema of its status, then it is ok', () => {
    expect(validateResponse('signUp', 201, sessionInfo())).to.deep.equal({ ok: true });
    expect(validateResponse('getTimeline', 200, { items: [micropost()], page: pageInfo() })).to.deep.equal({
      ok: true,
    });
    expect(validateResponse('signUp', 409, problem(409, 'conflict'))).to.deep.equal({ ok: true });
  });

  it('when the body leaks a field, then the errors name it', () => {
    const result = validateResponse('getMicropost', 200, {
      ...micropost(),
      author: { ...micropost().author, email: 'x' },
    });
    expect(result.ok).to.equal(false);
    expect(result.ok ? [] : result.errors).to.deep.equal(['author.email: is not allowed']);
  });

  it('when the status is not documented for the operation, then it is an error', () => {
    const result = validateResponse('getMicropost', 500, problem(500, 'unavailable'));
    expect(result).to.deep.equal({
      ok: false,
      errors: ['getMicropost does not document status 500 (documented: 200, 400, 404, 503)'],
    });
  });

  it('when a 204 has an empty body, then it is ok; with content, then it is an error', () => {
    for (const empty of [undefined, null, '', {}])
      expect(validateResponse('signOut', 204, empty)).to.deep.equal({ ok: true });
    expect(validateResponse('signOut', 204, { bye: true }).ok).to.equal(false);
  });

  it('when the operation is unknown, then it is an error', () => {
    expect(validateResponse('nope' as OperationId, 200, {}).ok).to.equal(false);
    expect(validateResponse('toString' as OperationId, 200, {}).ok).to.equal(false);
  });

  it('when an error body has the wrong code for its status, then it is an error', () => {
    expect(validateResponse('createMicropost', 403, problem(403, 'csrf_failed')).ok).to.equal(true);
    expect(validateResponse('createMicropost', 403, problem(403, 'unauthenticated')).ok).to.equal(false);
  });
});

describe('requestSchemas', () => {
  it("when asked for an operation, then it gives that operation's request schemas", () => {
    expect(requestSchemas('signUp').body).to.equal(SignUpRequest);
    expect(requestSchemas('editMicropost').body).to.equal(MicropostTextRequest);
    expect(requestSchemas('editMicropost').params.parse({ id: '7' })).to.deep.equal({ id: '7' });
  });
});

describe('formatIssues', () => {
  it('when fields fail, then each error names its dotted path', () => {
    const error = SignUpRequest.safeParse({ username: 1, password: 'p', displayName: 'x'.repeat(501) }).error;
    expect(error).to.not.equal(undefined);
    const fields = formatIssues(error!).map((e) => e.field);
    expect(fields).to.deep.equal(['username', 'displayName']);
  });

  it('when unknown keys are sent, then each gets its own error', () => {
    const error = MicropostTextRequest.safeParse({ text: 'hi', a: 1, b: 2 }).error!;
    expect(formatIssues(error)).to.deep.equal([
      { field: 'a', message: 'is not allowed' },
      { field: 'b', message: 'is not allowed' },
    ]);
  });

  it('when the body is not an object, then the field is empty', () => {
    const error = MicropostTextRequest.safeParse([]).error!;
    expect(formatIssues(error).map((e) => e.field)).to.deep.equal(['']);
  });
});
