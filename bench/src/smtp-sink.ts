import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server in the bench process that accepts and discards every message, so that
 * notification-service runs with NODE_ENV=production (which needs SMTP_HOST) and its mail
 * dispatcher does its real work.
 */
export class SmtpSink {
  received = 0;
  private constructor(private readonly server: SMTPServer) {}

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined = undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          if (sink) sink.received++;
          callback();
        });
      },
    });
    sink = new SmtpSink(server);
    // a client that vanishes mid-connection (a killed notification-service with pooled connections
    // open) is an error event on the server: expected here, and fatal to the process if unheard
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return sink;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
