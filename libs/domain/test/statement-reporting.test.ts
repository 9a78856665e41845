import { expect } from 'chai';
import { openDatabase, postMicropost, type SentStatement } from '../src/index.ts';
import { makeUser, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { context } from './helpers.ts';
import { suite } from './setup.ts';

describe('openDatabase({ onQuery })', () => {
  it('when a use case runs, then every statement it sent is reported with its answer, in order', async () => {
    const author = await makeUser(context());
    const sent: SentStatement[] = [];
    const db = await openDatabase({
      url: suite.url(),
      tokenSecret: TEST_TOKEN_SECRET,
      poolSize: 1,
      onQuery: (s) => sent.push(s),
    });
    try {
      const post = await postMicropost(db.context(), { authorId: author.id, text: 'reported statements' });
      const statements = sent.filter((s) => !/pg_backend_pid/.test(s.sql));
      expect(statements[0]?.sql).to.match(/^begin/i);
      expect(statements.at(-1)?.sql).to.match(/^commit/i);
      const insert = statements.find((s) => /^insert into "microposts"/i.test(s.sql));
      expect(insert?.sql, 'the parameters are inlined').to.include("'reported statements'");
      expect(insert?.rows[0]?.id, 'the row the insert returned').to.equal(post.id);
      const counter = statements.find((s) => /^update users set posts_count/i.test(s.sql));
      expect(counter?.sql).to.include(`'${author.id}'`);
      expect(counter?.rows).to.deep.equal([{ username: author.username, display_name: author.displayName }]);
      for (const s of statements) {
        expect(s.error, s.sql).to.equal(null);
        expect(s.ms, s.sql).to.be.a('number').and.at.least(0);
      }
    } finally {
      await db.close();
    }
  });

  it('when a statement fails, then it is reported with the error and the caller still sees the failure', async () => {
    const sent: SentStatement[] = [];
    const db = await openDatabase({
      url: suite.url(),
      tokenSecret: TEST_TOKEN_SECRET,
      poolSize: 1,
      onQuery: (s) => sent.push(s),
    });
    try {
      await db.orm.em
        .fork()
        .execute('select * from no_such_table')
        .then(
          () => expect.fail('the query should fail'),
          (error: Error) => expect(error.message).to.match(/no_such_table/),
        );
      const failed = sent.find((s) => /no_such_table/.test(s.sql));
      expect(failed?.error?.message).to.match(/does not exist/);
      expect(failed?.rows).to.deep.equal([]);
    } finally {
      await db.close();
    }
  });

  it('when a listener throws, then the use case is not affected', async () => {
    const author = await makeUser(context());
    const db = await openDatabase({
      url: suite.url(),
      tokenSecret: TEST_TOKEN_SECRET,
      poolSize: 1,
      onQuery: () => {
        throw new Error('listener bug');
      },
    });
    try {
      const post = await postMicropost(db.context(), { authorId: author.id, text: 'still posted' });
      expect(post.text).to.equal('still posted');
    } finally {
      await db.close();
    }
  });
});
