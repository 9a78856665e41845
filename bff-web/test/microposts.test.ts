import { expect } from 'chai';
import { call, expectProblem, post, request, signUp, startApp, type TestApp } from './helpers.ts';

describe('microposts', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when a signed-in user posts, then 201 with the post shaped for rendering, editable by its author', async () => {
    const user = await signUp(t, 'author', 'The Author');
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: 'Hello <world>' },
    });
    expect(answer.status).to.equal(201);
    expect(answer.body).to.include({ text: 'Hello <world>', html: 'Hello &lt;world&gt;', editedAt: null });
    expect(answer.body.author).to.deep.equal({ username: user.username, displayName: 'The Author' });
    expect(answer.body.viewer).to.deep.equal({ canEdit: true, canDelete: true });
    const stored = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${answer.body.id}`);
    expect(stored.body.text).to.equal('Hello <world>');
  });

  it('when anyone reads a post, then the viewer flags are false unless the viewer is its author', async () => {
    const author = await signUp(t);
    const reader = await signUp(t);
    const mine = await post(t, author, 'readable');
    const anonymous = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${mine.id}`);
    expect(anonymous.body.viewer).to.deep.equal({ canEdit: false, canDelete: false });
    const other = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${mine.id}`, { cookie: reader.cookie });
    expect(other.body.viewer).to.deep.equal({ canEdit: false, canDelete: false });
    const self = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${mine.id}`, { cookie: author.cookie });
    expect(self.body.viewer).to.deep.equal({ canEdit: true, canDelete: true });
  });

  it('when nobody is signed in, then posting is 401', async () => {
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', { body: { text: 'anonymous' } });
    expectProblem(answer, 401, 'unauthenticated');
  });

  it('when the text is empty, whitespace only, too long or has a control character, then 422 on text', async () => {
    const user = await signUp(t);
    for (const text of ['', '   \n ', 'x'.repeat(256), 'bell\u0007']) {
      const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
        cookie: user.cookie,
        body: { text },
      });
      expectProblem(answer, 422, 'validation_failed');
      expect(answer.body.errors[0].field).to.equal('text');
    }
  });

  it('when the text is 255 emoji, then it is accepted (characters are code points)', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: '😀'.repeat(255) },
    });
    expect(answer.status).to.equal(201);
  });

  it('when the body has an extra key, then 422 names it', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: 'x', authorId: '1' },
    });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors).to.deep.include({ field: 'authorId', message: 'is not allowed' });
  });

  it('when the author edits, then the text changes and editedAt is set', async () => {
    const user = await signUp(t);
    const mine = await post(t, user, 'first');
    const answer = await call(t, 'editMicropost', 'PATCH', `/api/v1/microposts/${mine.id}`, {
      cookie: user.cookie,
      body: { text: 'second' },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.text).to.equal('second');
    expect(answer.body.editedAt).to.be.a('string');
    const stored = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${mine.id}`);
    expect(stored.body).to.include({ text: 'second', editedAt: answer.body.editedAt });
  });

  it('when someone else edits or deletes, then 403 forbidden and the post is unchanged', async () => {
    const author = await signUp(t);
    const other = await signUp(t);
    const mine = await post(t, author, 'mine');
    const edit = await call(t, 'editMicropost', 'PATCH', `/api/v1/microposts/${mine.id}`, {
      cookie: other.cookie,
      body: { text: 'hijacked' },
    });
    expectProblem(edit, 403, 'forbidden');
    const del = await call(t, 'deleteMicropost', 'DELETE', `/api/v1/microposts/${mine.id}`, { cookie: other.cookie });
    expectProblem(del, 403, 'forbidden');
    const stored = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${mine.id}`);
    expect(stored.body.text).to.equal('mine');
  });

  it('when the author deletes, then 204 and the post is gone (404), and editing it is 404', async () => {
    const user = await signUp(t);
    const mine = await post(t, user, 'short-lived');
    const del = await call(t, 'deleteMicropost', 'DELETE', `/api/v1/microposts/${mine.id}`, { cookie: user.cookie });
    expect(del.status).to.equal(204);
    expectProblem(await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${mine.id}`), 404, 'not_found');
    expectProblem(
      await call(t, 'editMicropost', 'PATCH', `/api/v1/microposts/${mine.id}`, {
        cookie: user.cookie,
        body: { text: 'again' },
      }),
      404,
      'not_found',
    );
    expectProblem(
      await call(t, 'deleteMicropost', 'DELETE', `/api/v1/microposts/${mine.id}`, { cookie: user.cookie }),
      404,
    );
  });

  it('when the id is not a valid id, then 400 bad_request naming id', async () => {
    const user = await signUp(t);
    for (const id of ['abc', '0', '01', '9223372036854775808']) {
      const answer = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${id}`);
      expectProblem(answer, 400, 'bad_request');
      expect(answer.body.errors[0].field).to.equal('id');
    }
    expectProblem(await call(t, 'deleteMicropost', 'DELETE', '/api/v1/microposts/abc', { cookie: user.cookie }), 400);
    expectProblem(
      await call(t, 'editMicropost', 'PATCH', '/api/v1/microposts/abc', { cookie: user.cookie, body: { text: 'x' } }),
      400,
      'bad_request',
    );
  });

  it('when no such post exists, then 404', async () => {
    expectProblem(await call(t, 'getMicropost', 'GET', '/api/v1/microposts/9223372036854775807'), 404, 'not_found');
  });

  it('when nobody is signed in, then editing and deleting are 401', async () => {
    expectProblem(await call(t, 'editMicropost', 'PATCH', '/api/v1/microposts/1', { body: { text: 'x' } }), 401);
    expectProblem(await call(t, 'deleteMicropost', 'DELETE', '/api/v1/microposts/1'), 401);
  });

  it('when a write is a form, multipart or text, then 415 and nothing is written', async () => {
    const user = await signUp(t);
    const form = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      rawBody: 'text=hello',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'unsupported_media_type');
    const data = new FormData();
    data.set('text', 'hello');
    const multipart = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      rawBody: data,
    });
    expectProblem(multipart, 415, 'unsupported_media_type');
    const text = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      rawBody: '{"text":"hello"}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expectProblem(text, 415, 'unsupported_media_type');
    const page = await call(t, 'listUserMicroposts', 'GET', `/api/v1/users/${user.username}/microposts`);
    expect(page.body.items).to.deep.equal([]);
  });

  it('when the body is over 16 KiB, then 413 payload_too_large', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: 'x'.repeat(20_000) },
    });
    expectProblem(answer, 413, 'payload_too_large');
  });

  it('when a micropost route is called with a method it does not have, then 405 problem+json with Allow', async () => {
    const answer = await request(t, 'PUT', '/api/v1/microposts/1', { body: { text: 'x' } });
    expectProblem(answer, 405, 'method_not_allowed');
    expect(answer.headers.get('allow')).to.include('PATCH').and.include('DELETE');
  });
});
