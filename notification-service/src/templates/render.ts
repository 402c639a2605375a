import type { BookingEventPayload } from '@cowork/booking-events';
import { escapeHtml, oneLine } from './format.js';

/**
 * What a template says, as plain text only. The renderer turns it into the in-app body, the
 * email's text part and its HTML part; it escapes every piece it puts into HTML, so no template
 * can forget to escape a workspace name or a user's name.
 */
export interface NotificationContent {
  title: string;
  paragraphs: string[];
  details: { label: string; value: string }[];
}

export interface RenderedNotification {
  /** in-app title and email subject: one line, at most TITLE_MAX characters */
  title: string;
  /** in-app body: the paragraphs and details */
  body: string;
  /** email text part: greeting, body, sign-off */
  text: string;
  /** email HTML part */
  html: string;
}

export type NotificationTemplate = (payload: BookingEventPayload) => NotificationContent;

/** notifications.title is VARCHAR(200). */
export const TITLE_MAX = 200;

const SIGN_OFF = 'The Cowork team';
const FOOTER =
  'You get this email because of a booking you hold on Cowork. You can turn booking emails off in your ' +
  'notification settings; in-app notifications stay.';

export function render(content: NotificationContent, payload: BookingEventPayload): RenderedNotification {
  const title = oneLine(content.title, TITLE_MAX);
  const name = oneLine(payload.user.fullName, 200);
  const greeting = name ? `Hi ${name},` : 'Hello,';
  const details = content.details.map((d) => `${d.label}: ${d.value}`).join('\n');
  const body = [...content.paragraphs, details].filter(Boolean).join('\n\n');
  const text = [greeting, body, SIGN_OFF, FOOTER].join('\n\n');
  return { title, body, text, html: renderHtml(title, greeting, content) };
}

function renderHtml(title: string, greeting: string, content: NotificationContent): string {
  const paragraph = (text: string) => `    <p style="margin:0 0 16px">${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;
  const row = ({ label, value }: { label: string; value: string }) =>
    `      <tr><th align="left" style="padding:4px 16px 4px 0;vertical-align:top">${escapeHtml(label)}</th>` +
    `<td style="padding:4px 0">${escapeHtml(value)}</td></tr>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8">',
    '    <meta name="viewport" content="width=device-width, initial-scale=1">',
    `    <title>${escapeHtml(title)}</title>`,
    '  </head>',
    '  <body style="margin:0;padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">',
    `    <h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(title)}</h1>`,
    paragraph(greeting),
    ...content.paragraphs.map(paragraph),
    ...(content.details.length
      ? [
          '    <table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
          ...content.details.map(row),
          '    </table>',
        ]
      : []),
    paragraph(SIGN_OFF),
    `    <p style="margin:24px 0 0;font-size:12px;color:#656d76">${escapeHtml(FOOTER)}</p>`,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}
