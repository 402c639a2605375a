import type { AnalyticsService } from './analytics.service.js';
import { csvLine, writeReport } from './report-output.js';
import { ChunkSink } from './report-generator.js';

describe('csvLine', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 'plain'])).toBe('"a,b","say ""hi""","two\nlines",plain\n');
  });

  it.each([
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['Room = 1', 'Room = 1'],
  ])('neutralises text a spreadsheet would run as a formula: %j', (cell, expected) => {
    expect(csvLine([cell])).toBe(`${expected.includes('"') ? `"${expected.replace(/"/g, '""')}"` : expected}\n`);
  });

  it('leaves numbers (negative ones too) as numbers, dates as ISO instants and null empty', () => {
    expect(csvLine([-3000, 0.25, new Date('2031-01-06T10:00:00Z'), null])).toBe(
      '-3000,0.25,2031-01-06T10:00:00.000Z,\n',
    );
  });
});

describe('ChunkSink', () => {
  it('stores chunks of about the given size, ending each at the first write past it, in order', async () => {
    const stored: [number, string][] = [];
    const sink = new ChunkSink(async (seq, content) => void stored.push([seq, content]), 10);
    for (const piece of ['abcd', 'efgh', 'ijkl', 'mn', 'é']) await sink.write(piece);
    await sink.close();
    expect(stored).toEqual([
      [0, 'abcdefghijkl'],
      [1, 'mné'],
    ]);
    expect(sink.bytes).toBe(16); // é is two bytes
    expect(sink.chunks).toBe(2);
  });
});

describe('writeReport', () => {
  const range = { from: new Date('2031-01-06T00:00:00Z'), to: new Date('2031-01-07T00:00:00Z') };
  const bucket = (currency: string, captured: number) => ({
    periodStart: new Date('2031-01-06T00:00:00Z'),
    currency,
    capturedCents: captured,
    refundedCents: 100,
  });
  const analytics = {
    async *revenuePages() {
      yield [bucket('EUR', 1000)];
      yield [bucket('JPY', 500), bucket('USD', 0)];
    },
  } as unknown as AnalyticsService;

  async function written(format: 'csv' | 'json') {
    let text = '';
    let checkpoints = 0;
    const rows = await writeReport(
      { id: 'r-1', type: 'revenue', format, range, groupBy: 'day', workspaceId: null },
      analytics,
      { write: async (t) => void (text += t) },
      async () => void checkpoints++,
    );
    return { text, rows, checkpoints };
  }

  it('writes a list as CSV a page at a time, checking in between', async () => {
    expect(await written('csv')).toEqual({
      text:
        'period_start,currency,captured_cents,refunded_cents,net_cents\n' +
        '2031-01-06T00:00:00.000Z,EUR,1000,100,900\n' +
        '2031-01-06T00:00:00.000Z,JPY,500,100,400\n' +
        '2031-01-06T00:00:00.000Z,USD,0,100,-100\n',
      rows: 3,
      checkpoints: 2,
    });
  });

  it('writes a list as one JSON document with its items', async () => {
    const { text, rows } = await written('json');
    expect(rows).toBe(3);
    expect(JSON.parse(text)).toEqual({
      type: 'revenue',
      from: '2031-01-06T00:00:00.000Z',
      to: '2031-01-07T00:00:00.000Z',
      groupBy: 'day',
      generatedAt: expect.any(String),
      items: [
        {
          periodStart: '2031-01-06T00:00:00.000Z',
          currency: 'EUR',
          capturedCents: 1000,
          refundedCents: 100,
          netCents: 900,
        },
        {
          periodStart: '2031-01-06T00:00:00.000Z',
          currency: 'JPY',
          capturedCents: 500,
          refundedCents: 100,
          netCents: 400,
        },
        {
          periodStart: '2031-01-06T00:00:00.000Z',
          currency: 'USD',
          capturedCents: 0,
          refundedCents: 100,
          netCents: -100,
        },
      ],
    });
  });
});
