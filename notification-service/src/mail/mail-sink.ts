import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { NotificationServiceConfig } from '../config.js';
import { SERVICE_NAME } from '../service.js';

/** A message the sink received, as GET /internal/outbox-mail lists it. */
export interface SunkMessage {
  messageId: string | null;
  from: string;
  /** the envelope recipients (RCPT TO) */
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  receivedAt: string;
}

/** Larger messages are refused (552); ours are a few kilobytes. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * DEVELOPMENT ONLY. When no SMTP_HOST is configured, a real SMTP server (smtp-server) on
 * 127.0.0.1:MAIL_SINK_PORT receives what the service sends and keeps it under
 * DATA_DIR/notification-service/mail/: the raw message (<name>.eml) and what the outbox listing
 * needs (<name>.json, written last, by rename, so a listing never sees half a message). Nothing
 * is delivered anywhere. Production refuses to start without SMTP_HOST (see config.ts).
 */
@Injectable()
export class MailSink implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MailSink.name);
  private server?: SMTPServer;
  private listeningPort?: number;
  private sequence = 0;
  readonly dir: string;

  constructor(private readonly config: NotificationServiceConfig) {
    this.dir = join(config.DATA_DIR, SERVICE_NAME, 'mail');
  }

  get enabled(): boolean {
    return this.config.usesMailSink;
  }

  /** The port it listens on (MAIL_SINK_PORT, or the one picked for 0). */
  get port(): number {
    if (this.listeningPort === undefined) throw new Error('the development mail sink is not listening');
    return this.listeningPort;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    mkdirSync(this.dir, { recursive: true });
    const server = new SMTPServer({
      banner: `${SERVICE_NAME} development mail sink (nothing is delivered)`,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: MAX_MESSAGE_BYTES,
      logger: false,
      onData: (stream, session, callback) => {
        this.store(stream, session).then(
          (name) => callback(null, `Stored as ${name}`),
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) =>
        reject(
          new Error(
            `the development mail sink cannot listen on 127.0.0.1:${this.config.MAIL_SINK_PORT} (${error.message}); ` +
              'set MAIL_SINK_PORT to a free port (0 picks one) or SMTP_HOST to a real SMTP server',
            { cause: error },
          ),
        );
      server.once('error', fail);
      server.listen(this.config.MAIL_SINK_PORT, '127.0.0.1', () => {
        server.off('error', fail);
        resolve();
      });
    });
    // a client that misbehaves must not take the process down
    server.on('error', (error) => this.logger.warn(`mail sink: ${error.message}`));
    this.server = server;
    this.listeningPort = (server.server.address() as AddressInfo).port;
    this.logger.warn(
      `no SMTP_HOST: emails go to the development mail sink on 127.0.0.1:${this.listeningPort}, stored under ` +
        `${this.dir} and listed by GET /internal/outbox-mail; nothing is delivered`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Received messages, newest first; `to` keeps those addressed to it (case-insensitive). */
  async list(filter: { to?: string; limit: number }): Promise<SunkMessage[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .reverse();
    const to = filter.to?.toLowerCase();
    const messages: SunkMessage[] = [];
    for (const name of names) {
      if (messages.length >= filter.limit) break;
      const message = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as SunkMessage;
      if (!to || message.to.some((address) => address.toLowerCase() === to)) messages.push(message);
    }
    return messages;
  }

  private async store(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw Object.assign(new Error('Message too large'), { responseCode: 552 });
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw);
    const receivedAt = new Date();
    // names sort by arrival: time, then a per-process sequence for messages within one millisecond
    const name = `${receivedAt.getTime()}-${String(this.sequence++ % 1e6).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
    const message: SunkMessage = {
      messageId: parsed.messageId ?? null,
      from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
      to: session.envelope.rcptTo.map((r) => r.address),
      subject: parsed.subject ?? '',
      text: parsed.text ?? null,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      receivedAt: receivedAt.toISOString(),
    };
    await writeFile(join(this.dir, `${name}.eml`), raw);
    await writeFile(join(this.dir, `${name}.json.tmp`), JSON.stringify(message));
    await rename(join(this.dir, `${name}.json.tmp`), join(this.dir, `${name}.json`));
    return name;
  }
}
