import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of a real service that can hold every request for `delayMs` first:
 * how a slow downstream looks to its caller. Start it before the platform, point the caller's
 * URL variable at it, and set `target` once the service's URL is known.
 */
export class DelayProxy {
  target = '';
  delayMs = 0;
  private server?: Server;
  url = '';

  static async start(): Promise<DelayProxy> {
    const proxy = new DelayProxy();
    proxy.server = createServer((req, res) => {
      setTimeout(() => {
        const upstream = request(
          `${proxy.target}${req.url}`,
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (!res.headersSent) res.writeHead(502).end();
        });
        req.pipe(upstream);
      }, proxy.delayMs);
    });
    await new Promise<void>((resolve) => proxy.server!.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
