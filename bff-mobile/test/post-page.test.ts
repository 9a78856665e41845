import { expect } from 'chai';
import { post, signUp, startApp } from './helpers.ts';

describe('a post of its own', () => {
  it('when a post is fetched by id, then it comes with its author in users, signed in or not, with an ETag', async () => {
    const app = await startApp();
    const alice = await signUp(app, 'alice');
    const reader = await signUp(app);
    const written = await post(app, alice, 'hello @nobody');
    for (const token of [undefined, reader.token]) {
      const answer = await app.call('getPost', 'GET', `/v1/posts/${written.id}`, token === undefined ? {} : { token });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({
        post: {
          id: written.id,
          authorId: alice.id,
          text: 'hello @nobody',
          createdAt: written.createdAt,
          editedAt: null,
        },
        users: { [alice.id]: { id: alice.id, username: alice.username, displayName: 'alice user' } },
      });
      const etag = answer.headers.get('etag');
      expect(etag).to.be.a('string');
      const again = await app.call('getPost', 'GET', `/v1/posts/${written.id}`, {
        headers: { 'if-none-match': etag! },
      });
      expect(again.status).to.equal(304);
    }
  });

  it('when the post was deleted, does not exist or the id is malformed, then 404, 404 and 400', async () => {
    const app = await startApp();
    const alice = await signUp(app);
    const written = await post(app, alice, 'soon gone');
    expect((await app.call('deletePost', 'DELETE', `/v1/posts/${written.id}`, { token: alice.token })).status).to.equal(
      204,
    );
    const gone = await app.call('getPost', 'GET', `/v1/posts/${written.id}`);
    expect(gone.status).to.equal(404);
    expect(gone.body.code).to.equal('not_found');
    expect((await app.call('getPost', 'GET', '/v1/posts/9223372036854775807')).status).to.equal(404);
    expect((await app.call('getPost', 'GET', '/v1/posts/abc')).status).to.equal(400);
  });
});
