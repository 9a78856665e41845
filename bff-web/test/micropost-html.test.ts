import { expect } from 'chai';
import { micropostHtml } from '../src/v1/micropost-html.ts';
import { call, post, signUp, startApp, type TestApp } from './helpers.ts';

describe('micropost html', () => {
  it('when the text has HTML characters, then all five are escaped', () => {
    expect(micropostHtml(`<b>"Tom" & 'Jerry'</b>`, [])).to.equal(
      '&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;',
    );
  });

  it('when the text has a script tag, then it comes out as text', () => {
    const html = micropostHtml('<script>alert(1)</script>', []);
    expect(html).to.equal('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.to.include('<script');
  });

  it('when the text has newlines, then they become <br>', () => {
    expect(micropostHtml('one\ntwo\n\nthree', [])).to.equal('one<br>two<br><br>three');
  });

  it('when the text mentions a user the post mentions, then it links to their profile by registered name', () => {
    expect(micropostHtml('hi @ada_L!', ['Ada_l'])).to.equal('hi <a href="/users/Ada_l">@ada_L</a>!');
  });

  it('when an @name is not among the mentions, or is part of an email or a longer word, then it stays text', () => {
    expect(micropostHtml('hi @ghost and me@ada_l.com and @ada_lx', ['ada_l'])).to.equal(
      'hi @ghost and me@ada_l.com and @ada_lx',
    );
  });

  it('when the text has an http or https URL, then it is linked with rel nofollow noopener noreferrer', () => {
    expect(micropostHtml('see https://example.com/a?b=1&c=2 now', [])).to.equal(
      'see <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">https://example.com/a?b=1&amp;c=2</a> now',
    );
    expect(micropostHtml('http://example.org', [])).to.equal(
      '<a href="http://example.org" rel="nofollow noopener noreferrer">http://example.org</a>',
    );
  });

  it('when the text has javascript:, data:, mailto:, ftp: or scheme-less links, then none becomes a link', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>x</script>',
      'mailto:a@b.com',
      'ftp://example.com/x',
      'example.com',
      '//evil.example/x',
    ]) {
      expect(micropostHtml(text, []), text).not.to.include('<a ');
    }
    expect(micropostHtml('javascript:alert(1)', [])).to.equal('javascript:alert(1)');
  });

  it('when a URL tries to break out of its attribute with quotes or angle brackets, then it cannot', () => {
    const html = micropostHtml(
      'https://example.com/"onmouseover="alert(1) and https://example.com/\'><img src=x onerror=alert(1)>',
      [],
    );
    expect(html).not.to.match(/"\s*onmouseover=/);
    expect(html).not.to.include('<img');
    // Every attribute value is one quoted run without raw quotes inside.
    for (const match of html.matchAll(/<a ([^>]*)>/g)) {
      expect(match[1]).to.match(/^href="[^"<>']*" rel="nofollow noopener noreferrer"$/);
    }
  });

  it('when a mention sits next to quotes and tags, then only the mention is a link and the rest is escaped', () => {
    expect(micropostHtml(`"@ada_l"<i>`, ['ada_l'])).to.equal('&quot;<a href="/users/ada_l">@ada_l</a>&quot;&lt;i&gt;');
  });

  it('when a mention is inside a URL, then the URL wins', () => {
    expect(micropostHtml('https://example.com/@ada_l', ['ada_l'])).to.equal(
      '<a href="https://example.com/@ada_l" rel="nofollow noopener noreferrer">https://example.com/@ada_l</a>',
    );
  });

  describe('through the API', () => {
    let t: TestApp;
    before(async () => {
      t = await startApp();
    });
    after(() => t.close());

    it('when a post mentions a real user and a URL, then html links both and escapes the rest', async () => {
      const friend = await signUp(t);
      const author = await signUp(t);
      const created = await post(
        t,
        author,
        `<script>x</script> @${friend.username} @not_a_user_zz https://example.com`,
      );
      expect(created.html).to.equal(
        `&lt;script&gt;x&lt;/script&gt; <a href="/users/${friend.username}">@${friend.username}</a> @not_a_user_zz ` +
          '<a href="https://example.com" rel="nofollow noopener noreferrer">https://example.com</a>',
      );
      const read = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${created.id}`);
      expect(read.body.html).to.equal(created.html);
    });
  });
});
