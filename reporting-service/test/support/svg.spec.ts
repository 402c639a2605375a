import { expectWellFormedSvg } from './svg.js';

const NS = 'xmlns="http://www.w3.org/2000/svg"';

describe('expectWellFormedSvg (the test helper itself)', () => {
  it('accepts a small well-formed document', () => {
    expect(() =>
      expectWellFormedSvg(`<svg ${NS} width="10"><g class="a"><text x="1">A &amp; B &#39;</text><rect/></g></svg>`),
    ).not.toThrow();
  });

  it.each([
    ['an unclosed element', `<svg ${NS}><g></svg>`],
    ['crossed elements', `<svg ${NS}><g><text></g></text></svg>`],
    ['a raw < in text', `<svg ${NS}><text>a < b</text></svg>`],
    ['a bare &', `<svg ${NS}><text>Hopper & Babbage</text></svg>`],
    ['an unquoted attribute', `<svg ${NS}><rect width=10/></svg>`],
    ['a repeated attribute', `<svg ${NS}><rect x="1" x="2"/></svg>`],
    ['another root', `<html ${NS}></html>`],
    ['no SVG namespace', '<svg><g/></svg>'],
    ['two roots', `<svg ${NS}></svg><svg ${NS}></svg>`],
  ])('rejects %s', (_what, text) => {
    expect(() => expectWellFormedSvg(text)).toThrow(/not well-formed SVG/);
  });
});
