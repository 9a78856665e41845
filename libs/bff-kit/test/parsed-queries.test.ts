// Query strings parsed once per schema: the same answer, a copy each time, nothing kept from a parse that failed.
import { expect } from 'chai';
import { parseQueryOnce } from '../src/index.ts';

describe('parseQueryOnce', () => {
  it('when a query string is parsed again under the same schema, then the parse runs once and each caller gets its own copy', () => {
    const schema = {};
    let runs = 0;
    const parse = () => {
      runs++;
      return { page: 2, per_page: 20 };
    };
    const first = parseQueryOnce(schema, 'page=2&per_page=20', parse);
    first.page = 99;
    const second = parseQueryOnce(schema, 'page=2&per_page=20', parse);
    expect(second).to.deep.equal({ page: 2, per_page: 20 });
    expect(runs).to.equal(1);
    expect(parseQueryOnce({}, 'page=2&per_page=20', () => ({ other: true }))).to.deep.equal({ other: true });
  });

  it('when a parse throws (a bad parameter), then nothing is kept and the next request parses again', () => {
    const schema = {};
    let runs = 0;
    const failing = () => {
      runs++;
      throw new Error('bad page');
    };
    expect(() => parseQueryOnce(schema, 'page=x', failing)).to.throw('bad page');
    expect(() => parseQueryOnce(schema, 'page=x', failing)).to.throw('bad page');
    expect(runs).to.equal(2);
  });

  it('when more query strings are asked than are kept, then each still gets its own parameters', () => {
    const schema = {};
    for (let i = 0; i < 1500; i++)
      expect(parseQueryOnce(schema, `page=${i}`, () => ({ page: i }))).to.deep.equal({ page: i });
    expect(parseQueryOnce(schema, 'page=0', () => ({ page: 0 }))).to.deep.equal({ page: 0 });
    const long = `cursor=${'x'.repeat(600)}`;
    expect(parseQueryOnce(schema, long, () => ({ cursor: 'long' }))).to.deep.equal({ cursor: 'long' });
  });
});
