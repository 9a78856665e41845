// An app session driven only through the contract's typed client, as the app would: if the contract
// drifts from the server, this fails to type-check or fails its contract checks.
import { randomUUID } from 'node:crypto';
import { TEST_PASSWORD, uniqueUsername } from '@microblog/domain/testing';
import { createMobileClient, operations, validateResponse } from '@microblog/mobile-contract';
import type { components, MobileClient, Operation, OperationId } from '@microblog/mobile-contract';
import { expect } from 'chai';
import { device, startApp, type TestApp } from './helpers.ts';

type Post = components['schemas']['Micropost'];
const APP_VERSION = '1.4.0';

/** The operationId of a request, found by method and contract path in the operation table. */
function operationIdOf(method: string, schemaPath: string): OperationId {
  const found = (Object.entries(operations) as [OperationId, Operation][]).find(
    ([, op]) => op.method === method.toLowerCase() && op.path === schemaPath,
  );
  if (found === undefined) throw new Error(`no operation for ${method} ${schemaPath}`);
  return found[0];
}

/** A user's phone: the typed client with their token, checking every answer against the contract. */
type Phone = { client: MobileClient; userId: string; username: string };

function newClient(app: TestApp): MobileClient {
  const client = createMobileClient({ baseUrl: app.url, appVersion: APP_VERSION });
  client.use({
    async onResponse({ request, response, schemaPath }) {
      const text = await response.clone().text();
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const verdict = validateResponse(operationIdOf(request.method, schemaPath), response.status, body);
      expect(verdict, `${request.method} ${schemaPath} → ${response.status} ${text}`).to.deep.equal({ ok: true });
      expect(response.headers.get('x-request-id')).to.be.a('string');
    },
  });
  return client;
}

/** Signs a new user up on a new phone; the phone then sends their access token. */
async function signUpOnPhone(app: TestApp, prefix: string): Promise<Phone> {
  const client = newClient(app);
  const username = uniqueUsername(prefix);
  const { data, response } = await client.POST('/v1/users', {
    body: { username, password: TEST_PASSWORD, displayName: `${prefix} user`, device: device() },
  });
  expect(response.status).to.equal(201);
  const accessToken = data!.accessToken;
  client.setTokenProvider(() => accessToken);
  return { client, userId: data!.user.id, username };
}

async function publish(phone: Phone, text: string): Promise<Post> {
  const { data, response } = await phone.client.POST('/v1/posts', {
    body: { text },
    params: { header: { 'Idempotency-Key': randomUUID() } },
  });
  expect(response.status).to.equal(201);
  return data!;
}

async function follow(phone: Phone, target: Phone): Promise<void> {
  const { response } = await phone.client.PUT('/v1/users/{username}/follow', {
    params: { path: { username: target.username } },
  });
  expect(response.status).to.equal(200);
}

/** The app's offline cache: posts by id, plus what it needs to sync. */
class LocalTimeline {
  posts = new Map<string, Post>();
  syncToken: string | null = null;
  cursor: string | null = null;
  private readonly phone: Phone;
  constructor(phone: Phone) {
    this.phone = phone;
  }
  async scroll(limit: number): Promise<void> {
    const query = { limit: String(limit), ...(this.cursor === null ? {} : { cursor: this.cursor }) };
    const { data, response } = await this.phone.client.GET('/v1/timeline', { params: { query } });
    expect(response.status).to.equal(200);
    for (const p of data!.items) this.posts.set(p.id, p);
    if (data!.syncToken !== undefined) this.syncToken = data!.syncToken;
    this.cursor = data!.nextCursor;
  }
  async sync(): Promise<void> {
    let hasMore = true;
    while (hasMore) {
      expect(this.syncToken, 'a sync token from the first page').to.be.a('string');
      const { data, response } = await this.phone.client.GET('/v1/timeline/changes', {
        params: { query: { since: this.syncToken!, limit: '3' } },
      });
      expect(response.status).to.equal(200);
      for (const p of data!.items) this.posts.set(p.id, p);
      for (const id of data!.deleted) this.posts.delete(id);
      this.syncToken = data!.syncToken;
      hasMore = data!.hasMore;
    }
  }
  /** Newest first, as the app renders it. */
  rendered(): Post[] {
    return [...this.posts.values()].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || Number(BigInt(b.id) - BigInt(a.id)),
    );
  }
}

/** The server's whole timeline for the phone's user, read fresh. */
async function fullWalk(phone: Phone): Promise<Post[]> {
  const all: Post[] = [];
  let cursor: string | null = null;
  do {
    const query: { limit: string; cursor?: string } = { limit: '50', ...(cursor === null ? {} : { cursor }) };
    const { data } = await phone.client.GET('/v1/timeline', { params: { query } });
    all.push(...data!.items);
    cursor = data!.nextCursor;
  } while (cursor !== null);
  return all;
}

describe('an app session', () => {
  it('when the app scrolls three pages, goes offline while others post, edit and delete, then syncs, its cache equals the server timeline', async () => {
    const app = await startApp();
    const [me, alice, bob] = [
      await signUpOnPhone(app, 'me'),
      await signUpOnPhone(app, 'alice'),
      await signUpOnPhone(app, 'bob'),
    ];
    await follow(me, alice);
    await follow(me, bob);
    const history: Post[] = [];
    for (let i = 0; i < 20; i++) history.push(await publish([alice, bob, me][i % 3]!, `history ${i}`));

    const local = new LocalTimeline(me);
    for (let i = 0; i < 3; i++) await local.scroll(5);
    expect(local.posts.size).to.equal(15);

    // Offline: the app stops polling while the world moves on.
    const fresh = [await publish(alice, 'while you were away'), await publish(bob, 'me too')];
    const edited = history[19]!; // on the first page the app saw
    const deleted = history[18]!;
    const unseenEdit = history[1]!; // below what the app scrolled to
    const authorOf = (p: Post): Phone => [alice, bob, me].find((phone) => phone.userId === p.authorId)!;
    const edit = async (post: Post, text: string): Promise<void> => {
      const { response } = await authorOf(post).client.PATCH('/v1/posts/{id}', {
        params: { path: { id: post.id } },
        body: { text },
      });
      expect(response.status).to.equal(200);
    };
    await edit(edited, 'edited while offline');
    const { response: deletion } = await authorOf(deleted).client.DELETE('/v1/posts/{id}', {
      params: { path: { id: deleted.id } },
    });
    expect(deletion.status).to.equal(204);
    await edit(unseenEdit, 'edited far below');

    // Back online: sync, then keep scrolling to the end.
    await local.sync();
    expect(local.posts.get(edited.id)?.text).to.equal('edited while offline');
    expect(local.posts.get(edited.id)?.editedAt).to.be.a('string');
    expect(local.posts.has(deleted.id)).to.equal(false);
    for (const p of fresh) expect(local.posts.has(p.id)).to.equal(true);
    while (local.cursor !== null) await local.scroll(5);

    expect(local.rendered()).to.deep.equal(await fullWalk(me));
    expect(local.rendered().find((p) => p.id === unseenEdit.id)?.text).to.equal('edited far below');
  });
});
