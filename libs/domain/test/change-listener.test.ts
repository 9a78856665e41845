import { expect } from 'chai';
import { listenForMicropostChanges, postMicropost } from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { suite } from './setup.ts';
import { context, sql } from './helpers.ts';

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not become true in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function listening(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await sql(
      `select 1 from pg_stat_activity where application_name = 'microblog-change-listener' and datname = current_database() and query ilike 'listen%'`,
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the listener never connected');
}

describe('micropost change notifications', () => {
  it('when a post is written, then listeners hear its author at commit; after their connection is killed they reconnect, say so (as on the first connect), and hear again', async () => {
    const heard: string[] = [];
    let connects = 0;
    const listener = listenForMicropostChanges({
      url: suite.url(),
      onChange: (authorId) => heard.push(authorId),
      onConnected: () => connects++,
    });
    try {
      const author = await makeUser(context());
      // The LISTEN must be in place before the write: wait until its connection shows up.
      await listening();
      await until(() => connects === 1);
      await postMicropost(context(), { authorId: author.id, text: 'first' });
      await until(() => heard.includes(author.id));

      const killed = await sql<{ killed: boolean }>(
        `select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'microblog-change-listener' and datname = current_database()`,
      );
      expect(killed.length).to.be.greaterThan(0);
      await until(() => connects === 2);
      await listening();
      heard.length = 0;
      await postMicropost(context(), { authorId: author.id, text: 'second' });
      await until(() => heard.includes(author.id));
    } finally {
      await listener.close();
    }
  });
});
