import { expect } from 'chai';
import { editMicropost, getMicropost, postMicropost, type ValidationError } from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

describe('micropost text rules', () => {
  it('when the text is 255 emoji, then it is accepted; at 256 it is rejected naming the field', async () => {
    const author = await makeUser(context());
    const ok = await postMicropost(context(), { authorId: author.id, text: '😀'.repeat(255) });
    expect([...ok.text].length).to.equal(255);
    const error = await expectDomainError<ValidationError>(
      postMicropost(context(), { authorId: author.id, text: '😀'.repeat(256) }),
      'validation_failed',
    );
    expect(error.errors[0]?.field).to.equal('text');
  });

  it('when combining marks compose under NFC, then they count as one character each composed letter', async () => {
    const author = await makeUser(context());
    // "e" + COMBINING ACUTE ACCENT is two code points, one "é" after NFC: 255 of them fit.
    const post = await postMicropost(context(), { authorId: author.id, text: 'e\u0301'.repeat(255) });
    expect(post.text).to.equal('é'.repeat(255));
    const [stored] = await sql<{ text: string }>('select text from microposts where id = ?', [post.id]);
    expect(stored?.text).to.equal('é'.repeat(255));
    await expectDomainError(
      postMicropost(context(), { authorId: author.id, text: 'e\u0301'.repeat(256) }),
      'validation_failed',
    );
  });

  it('when a combining mark has no composed form, then it counts as its own character', async () => {
    const author = await makeUser(context());
    // "q" + COMBINING ACUTE stays two code points: 128 pairs = 256 characters.
    await expectDomainError(
      postMicropost(context(), { authorId: author.id, text: 'q\u0301'.repeat(128) }),
      'validation_failed',
    );
    await postMicropost(context(), { authorId: author.id, text: `${'q\u0301'.repeat(127)}q` });
  });

  for (const [label, text] of [
    ['empty', ''],
    ['whitespace only', ' \n  \u3000 '],
    ['zero-width spaces only', '\u200b\u200b'],
    ['joiners, a BOM and a word joiner only', '\u200c\u200d\ufeff\u2060'],
    ['bidi marks, a soft hyphen and a variation selector only', '\u200e\u200f\u00ad\ufe0f'],
    ['Hangul fillers and spaces only', '\u3164 \uffa0 \u115f'],
    ['containing NUL', 'hello\u0000world'],
    ['containing a tab', 'a\tb'],
    ['containing a lone surrogate', 'bad \ud800 text'],
    ['containing a C1 control', 'a\u0085b'],
  ] as const) {
    it(`when the text is ${label}, then it is rejected and nothing is stored`, async () => {
      const author = await makeUser(context());
      await expectDomainError(postMicropost(context(), { authorId: author.id, text }), 'validation_failed');
      const [row] = await sql<{ n: number }>('select count(*)::int as n from microposts where author_id = ?', [
        author.id,
      ]);
      expect(row?.n).to.equal(0);
    });
  }

  it('when the text has newlines and HTML, then it is stored as written', async () => {
    const author = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: 'line one\n<b>bold</b> & "quotes"' });
    expect((await getMicropost(context(), { id: post.id })).text).to.equal('line one\n<b>bold</b> & "quotes"');
  });

  it('when an edit breaks the rules, then the old text stays', async () => {
    const author = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: 'original' });
    await expectDomainError(
      editMicropost(context(), { actorId: author.id, micropostId: post.id, text: '   ' }),
      'validation_failed',
    );
    const after = await getMicropost(context(), { id: post.id });
    expect(after.text).to.equal('original');
    expect(after.editedAt).to.equal(null);
  });

  it('when visible text carries zero-width joiners (emoji sequences), then it is accepted', async () => {
    const author = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: '👩\u200d💻 at work' });
    expect(post.text).to.equal('👩\u200d💻 at work');
  });
});
