/**
 * Fails unless `text` is a well-formed XML document whose root is <svg xmlns="http://www.w3.org/2000/svg">:
 * every element closed in order, attributes quoted and unique, only the five XML entities or
 * numeric references, no stray `<` or `&` in text. Enough XML to judge what vega writes.
 */
export function expectWellFormedSvg(text: string): void {
  const problems: string[] = [];
  const stack: string[] = [];
  let root: string | undefined;
  const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  const checkText = (chunk: string, at: number) => {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === '<') problems.push(`stray "<" at ${at + i}`);
      if (chunk[i] === '&') {
        ENTITY.lastIndex = i;
        if (!ENTITY.test(chunk)) problems.push(`bad entity at ${at + i}: ${chunk.slice(i, i + 10)}`);
      }
    }
  };
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  const TAG = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/g;
  let last = 0;
  for (let m = TAG.exec(body); m; m = TAG.exec(body)) {
    checkText(body.slice(last, m.index), last);
    last = TAG.lastIndex;
    const [, closing, name, attributes, selfClosing] = m;
    if (!root) {
      root = name;
      if (name !== 'svg') problems.push(`root element is <${name}>, not <svg>`);
      if (!/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(attributes!)) problems.push('root lacks the SVG namespace');
    } else if (stack.length === 0) problems.push(`content after the root element: <${closing}${name}>`);
    const names = [...attributes!.matchAll(/([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')/g)].map((a) => a[1]!);
    if (new Set(names).size !== names.length) problems.push(`<${name}> repeats an attribute`);
    for (const a of attributes!.matchAll(/=\s*("([^"]*)"|'([^']*)')/g)) checkText(a[2] ?? a[3] ?? '', m.index);
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else if (!selfClosing) stack.push(name!);
  }
  checkText(body.slice(last).trim(), last);
  if (!root) problems.push('no element at all');
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (problems.length > 0) throw new Error(`not well-formed SVG:\n  ${problems.slice(0, 10).join('\n  ')}`);
}
