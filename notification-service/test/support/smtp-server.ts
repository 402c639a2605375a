import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** envelope recipients */
  to: string[];
  from: string;
  messageId: string | undefined;
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  headers: Map<string, unknown>;
}

/**
 * A real SMTP server for the email tests (smtp-server, as an external mail server would be): it
 * keeps what it accepts, can refuse messages with a chosen SMTP reply, and can be stopped and
 * started again on the same port to play an outage.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** when set, every message is refused with this reply code and text */
  refuseWith?: { code: number; message: string };
  private server?: SMTPServer;
  port = 0;

  static async start(): Promise<TestSmtpServer> {
    const server = new TestSmtpServer();
    await server.listen(0);
    return server;
  }

  /** Messages accepted for this address. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Back on the same port after stop(). */
  restart(): Promise<void> {
    return this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        void simpleParser(stream).then(
          (mail) => {
            if (this.refuseWith) {
              const refusal = Object.assign(new Error(this.refuseWith.message), { responseCode: this.refuseWith.code });
              return callback(refusal);
            }
            this.received.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              messageId: mail.messageId,
              subject: mail.subject,
              text: mail.text,
              html: typeof mail.html === 'string' ? mail.html : undefined,
              headers: mail.headers,
            });
            callback(null, 'Queued by the test server');
          },
          (error: Error) => callback(error),
        );
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }
}
