import { DomainError } from '@cowork/service-kit';
import { parseIfMatch } from './settings.service.js';

describe('parseIfMatch', () => {
  it.each([
    ['"3"', 3],
    ['W/"12"', 12],
    ['7', 7],
    [' "4" ', 4],
    ['*', undefined],
    [undefined, undefined],
  ])('reads %p as %p', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it.each(['', '"0"', '"-1"', '"abc"', '"3', '"1", "2"', '"1234567890"'])(
    'refuses %p as VALIDATION_FAILED naming If-Match',
    (header) => {
      try {
        parseIfMatch(header);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
        expect((error as DomainError).extensions.errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
      }
    },
  );
});
