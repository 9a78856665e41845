// The live home timeline over Server-Sent Events, read with fetch: notifications through PostgreSQL
// LISTEN/NOTIFY across instances, resuming with Last-Event-ID, session end, connection limits.
import { expect } from 'chai';
import { followUser, postMicropost } from '@microblog/domain';
import { makeUser } from '@microblog/domain/testing';
import { timelineStreams, type TimelineStreams } from '../src/live/timeline-streams.ts';
import { createLogger } from '@microblog/bff-kit';
import { call, post, signUp, startApp, type SignedIn, type TestApp } from './helpers.ts';
import { suite } from './setup.ts';

type SseEvent = { event: string; id: string | null; data: string };

/** An open event stream: waits for events matching a test. */
class EventReader {
  readonly events: SseEvent[] = [];
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];
  readonly controller: AbortController;
  readonly response: Response;

  constructor(response: Response, controller: AbortController) {
    this.response = response;
    this.controller = controller;
    void this.read();
  }

  private async read(): Promise<void> {
    const reader = this.response.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        let split;
        while ((split = this.buffer.indexOf('\n\n')) !== -1) {
          const block = this.buffer.slice(0, split);
          this.buffer = this.buffer.slice(split + 2);
          const event: SseEvent = { event: 'message', id: null, data: '' };
          let isComment = true;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            isComment = false;
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'event') event.event = value;
            if (field === 'id') event.id = value;
            if (field === 'data') event.data += value;
          }
          if (!isComment && event.data !== '') this.events.push(event);
          this.wake();
        }
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** The first event (from `from` on) that `matches`, or a failure after `ms`. */
  async waitFor(matches: (event: SseEvent) => boolean, ms = 5000, from = 0): Promise<SseEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.slice(from).find(matches);
      if (found) return found;
      if (this.ended) throw new Error(`the stream ended; events: ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${ms} ms; events: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForEnd(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(this.ended, 'the stream ended').to.equal(true);
  }

  close(): void {
    this.controller.abort();
  }
}

async function openStream(app: TestApp, cookie: string, lastEventId?: string): Promise<EventReader> {
  const controller = new AbortController();
  const response = await fetch(`${app.origin}/api/v1/timeline/events`, {
    headers: { Cookie: cookie, Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
    signal: controller.signal,
  });
  return new EventReader(response, controller);
}

const changesWith = (text: string) => (event: SseEvent) => event.event === 'changes' && event.data.includes(text);

describe('the live home timeline (Server-Sent Events)', () => {
  const hubs: TimelineStreams[] = [];
  const readers: EventReader[] = [];
  const apps: TestApp[] = [];

  async function instance(
    settings: Partial<{ maxPerUser: number; maxPerInstance: number; heartbeatSeconds: number }> = {},
  ): Promise<TestApp> {
    const streams = timelineStreams({
      db: suite.database(),
      settings: { maxPerUser: 5, maxPerInstance: 100, heartbeatSeconds: 300, ...settings },
      listenUrl: suite.url(),
      logger: createLogger({ service: 'bff-web', level: 'silent', format: 'json' }),
    });
    hubs.push(streams);
    const app = await startApp({ streams });
    apps.push(app);
    return app;
  }

  async function stream(app: TestApp, user: SignedIn, lastEventId?: string): Promise<EventReader> {
    const reader = await openStream(app, user.cookie, lastEventId);
    readers.push(reader);
    return reader;
  }

  async function follow(app: TestApp, who: SignedIn, whom: SignedIn): Promise<void> {
    await call(app, 'follow', 'PUT', `/api/v1/users/${whom.username}/follow`, { cookie: who.cookie });
  }

  afterEach(async () => {
    for (const reader of readers.splice(0)) reader.close();
    for (const hub of hubs.splice(0)) await hub.close();
    for (const app of apps.splice(0)) await app.close();
  });

  it('when signed out, then the stream is refused with 401', async () => {
    const app = await instance();
    const answer = await call(app, 'streamTimelineEvents', 'GET', '/api/v1/timeline/events');
    expect(answer.status).to.equal(401);
  });

  it('when someone I follow posts on another instance, then the post arrives on my stream, and nobody else’s', async () => {
    const [mine, theirs] = [await instance(), await instance()];
    const reader = await signUp(mine, 'reader');
    const author = await signUp(theirs, 'author');
    const stranger = await signUp(theirs, 'stranger');
    await follow(mine, reader, author);
    const events = await stream(mine, reader);
    const ready = await events.waitFor((e) => e.event === 'ready');
    expect(events.response.headers.get('content-type')).to.match(/^text\/event-stream/);
    expect(events.response.headers.get('cache-control')).to.equal('no-cache, no-transform');
    expect(ready.id).to.be.a('string');

    await post(theirs, stranger, 'not for the reader');
    const created = await post(theirs, author, 'hello from the other instance');
    const change = await events.waitFor(changesWith('hello from the other instance'));
    const data = JSON.parse(change.data);
    expect(data.posts.map((p: { id: string }) => p.id)).to.deep.equal([created.id]);
    expect(data.posts[0].author.username).to.equal(author.username);
    expect(change.id).to.be.a('string').and.not.equal(ready.id);
    expect(events.events.some((e) => e.data.includes('not for the reader'))).to.equal(false);
  });

  it('when a post on screen is edited or deleted, then the change arrives', async () => {
    const app = await instance();
    const reader = await signUp(app, 'reader');
    const author = await signUp(app, 'author');
    await follow(app, reader, author);
    const created = await post(app, author, 'first version');
    const events = await stream(app, reader);
    await events.waitFor((e) => e.event === 'ready');
    await call(app, 'editMicropost', 'PATCH', `/api/v1/microposts/${created.id}`, {
      cookie: author.cookie,
      body: { text: 'second version' },
    });
    const edit = JSON.parse((await events.waitFor(changesWith('second version'))).data);
    expect(edit.edited.map((p: { text: string }) => p.text)).to.deep.equal(['second version']);
    await call(app, 'deleteMicropost', 'DELETE', `/api/v1/microposts/${created.id}`, { cookie: author.cookie });
    const deletion = JSON.parse(
      (await events.waitFor((e) => e.event === 'changes' && JSON.parse(e.data).deleted.length > 0)).data,
    );
    expect(deletion.deleted).to.deep.equal([created.id]);
  });

  it('when the connection drops and a post is made meanwhile, then reconnecting with Last-Event-ID delivers it once', async () => {
    const app = await instance();
    const reader = await signUp(app, 'reader');
    const author = await signUp(app, 'author');
    await follow(app, reader, author);
    const first = await stream(app, reader);
    await post(app, author, 'seen live');
    const seen = await first.waitFor(changesWith('seen live'));
    first.close();

    const missed = await post(app, author, 'made while away');
    const again = await stream(app, reader, seen.id!);
    const change = await again.waitFor(changesWith('made while away'));
    expect(JSON.parse(change.data).posts.map((p: { id: string }) => p.id)).to.deep.equal([missed.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const deliveries = again.events
      .filter((e) => e.event === 'changes')
      .flatMap((e) => JSON.parse(e.data).posts.map((p: { id: string }) => p.id));
    expect(deliveries.filter((id: string) => id === missed.id)).to.have.length(1);
    expect(deliveries, 'what was already seen is not replayed').not.to.include(JSON.parse(seen.data).posts[0].id);
  });

  it('when someone follows me while my stream is open, then a notifications event brings the unread count within a heartbeat', async () => {
    const app = await instance({ heartbeatSeconds: 1 });
    const reader = await signUp(app, 'reader');
    const fan = await signUp(app, 'fan');
    const events = await stream(app, reader);
    const first = await events.waitFor((e) => e.event === 'notifications');
    expect(JSON.parse(first.data)).to.deep.equal({ unread: 0 });
    await follow(app, fan, reader);
    const after = await events.waitFor((e) => e.event === 'notifications' && JSON.parse(e.data).unread === 1, 5000);
    expect(after.id, 'notification counts are not resume positions').to.equal(null);
    const unread = await call(app, 'getUnreadNotifications', 'GET', '/api/v1/notifications/unread', {
      cookie: reader.cookie,
    });
    expect(unread.body.unread).to.equal(1);
  });

  it('when the session is signed out, then the stream says so and ends at the next heartbeat', async () => {
    const app = await instance({ heartbeatSeconds: 1 });
    const reader = await signUp(app, 'reader');
    const events = await stream(app, reader);
    await events.waitFor((e) => e.event === 'ready');
    await call(app, 'signOut', 'DELETE', '/api/v1/session', { cookie: reader.cookie });
    await events.waitFor((e) => e.event === 'signed-out', 5000);
    await events.waitForEnd();
  });

  it('when a user opens more streams than allowed, then the extra one is 429 with Retry-After', async () => {
    const app = await instance({ maxPerUser: 2 });
    const reader = await signUp(app, 'reader');
    await (await stream(app, reader)).waitFor((e) => e.event === 'ready');
    await (await stream(app, reader)).waitFor((e) => e.event === 'ready');
    const third = await call(app, 'streamTimelineEvents', 'GET', '/api/v1/timeline/events', { cookie: reader.cookie });
    expect(third.status).to.equal(429);
    expect(third.headers.get('retry-after')).to.equal('30');
    const other = await signUp(app, 'other');
    await (await stream(app, other)).waitFor((e) => e.event === 'ready');
    // A closed tab frees its place.
    readers[0]!.close();
    let again = third;
    for (let attempt = 0; attempt < 40 && again.status === 429; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const reader2 = await openStream(app, reader.cookie);
      readers.push(reader2);
      again = { status: reader2.response.status } as typeof third;
    }
    expect(again.status).to.equal(200);
  });

  it('when the instance holds as many streams as allowed, then another user’s is 429 too', async () => {
    const app = await instance({ maxPerInstance: 1 });
    const first = await signUp(app, 'first');
    const second = await signUp(app, 'second');
    await (await stream(app, first)).waitFor((e) => e.event === 'ready');
    const refused = await call(app, 'streamTimelineEvents', 'GET', '/api/v1/timeline/events', {
      cookie: second.cookie,
    });
    expect(refused.status).to.equal(429);
  });

  it('when a followed user posts through another service (as bff-mobile does, straight through the domain), then it arrives too', async () => {
    const app = await instance();
    const reader = await signUp(app, 'reader');
    const author = await makeUser(suite.database().context());
    const readerId = (
      await suite
        .database()
        .context()
        .em.execute<{ id: string }[]>('select id::text as id from users where username = ?', [reader.username])
    )[0]!.id;
    await followUser(suite.database().context(), { followerId: readerId, username: author.username });
    const events = await stream(app, reader);
    await events.waitFor((e) => e.event === 'ready');
    await postMicropost(suite.database().context(), { authorId: author.id, text: 'posted from the app' });
    await events.waitFor(changesWith('posted from the app'));
  });
});
