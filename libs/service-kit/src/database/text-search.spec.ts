import { containsText } from './text-search.js';

describe('literal text search', () => {
  it('escapes LIKE wildcards and the escape character so a search matches literally', () => {
    expect(containsText('100%_a\\b')).toEqual({ contains: '100\\%\\_a\\\\b', mode: 'insensitive' });
    expect(containsText('plain text').contains).toBe('plain text');
  });
});
