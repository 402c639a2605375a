import { randomUUID } from 'node:crypto';
import { api, eventually, sleep } from '../support/http.js';
import { Platform } from '../support/platform.js';

const admin = { email: `admin-${randomUUID()}@example.com`, password: 'the first admin password' };
const log = (line: string) => process.stderr.write(`[admin e2e] ${line}\n`);

/** An hour-aligned slot starting `hoursAhead` from now. */
function slot(hoursAhead: number) {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + hoursAhead * 3_600_000);
  return { startTime: start.toISOString(), endTime: new Date(start.getTime() + 3_600_000).toISOString() };
}

describe('an admin runs the platform through admin-service (real processes)', () => {
  let platform: Platform;
  let adminToken: string;
  let adminId: string;
  const url = (name: Parameters<Platform['url']>[0], path: string) => `${platform.url(name)}${path}`;

  const register = async (name: string) => {
    const res = await api('POST', url('auth-service', '/auth/register'), {
      body: {
        email: `${name.toLowerCase().replace(/ /g, '.')}-${randomUUID()}@example.com`,
        password: 'a long enough passphrase',
        fullName: name,
      },
    });
    expect(res.status).toBe(201);
    return {
      id: res.body.user.id as string,
      access: res.body.accessToken as string,
      refresh: res.body.refreshToken as string,
    };
  };

  beforeAll(async () => {
    platform = await Platform.start(
      ['auth-service', 'user-service', 'workspace-service', 'booking-service', 'payment-service', 'admin-service'],
      {
        admin,
        env: {
          'booking-service': { SETTINGS_REFRESH_MS: '300', CANCELLATION_FULL_REFUND_HOURS: '24' },
          'admin-service': { AUDIT_POLL_INTERVAL_MS: '300' },
        },
      },
    );
    for (let i = 0; i < 50 && !adminToken; i++) {
      const login = await api('POST', url('auth-service', '/auth/login'), { body: admin });
      if (login.status === 200) {
        adminToken = login.body.accessToken;
        adminId = login.body.user.id;
      } else await sleep(200);
    }
    expect(adminToken).toBeDefined();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('suspends, promotes and changes the cancellation window, each recorded once in the audit log', async () => {
    const suspended = await register('Suspended Sam');
    const promoted = await register('Promoted Pat');
    const booker = await register('Booker Bo');
    const workspace = await api('POST', url('workspace-service', '/workspaces'), {
      token: adminToken,
      body: {
        name: 'Admin Test Room',
        type: 'DESK',
        capacity: 2,
        hourlyRateCents: 2000,
        currency: 'EUR',
        timezone: 'UTC',
      },
    });
    expect(workspace.status).toBe(201);

    // 1. suspend: the next refresh is refused, and so is a booking with the access token still held
    const suspend = await api('POST', url('admin-service', `/admin/users/${suspended.id}/suspend`), {
      token: adminToken,
    });
    expect(suspend.status).toBe(200);
    expect(suspend.body.user.status).toBe('SUSPENDED');
    expect(suspend.body.revokedSessions).toBeGreaterThanOrEqual(1);
    const refresh = await api('POST', url('auth-service', '/auth/refresh'), {
      body: { refreshToken: suspended.refresh },
    });
    expect(refresh.status).toBe(401);
    const refused = await api('POST', url('booking-service', '/bookings'), {
      token: suspended.access,
      headers: { 'idempotency-key': randomUUID() },
      body: { workspaceId: workspace.body.id, ...slot(30) },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('USER_SUSPENDED');

    // 2. promote: after a refresh, the new admin creates a workspace
    const promote = await api('POST', url('admin-service', `/admin/users/${promoted.id}/promote`), {
      token: adminToken,
    });
    expect(promote.status).toBe(200);
    expect(promote.body.role).toBe('ADMIN');
    const asMember = await api('POST', url('workspace-service', '/workspaces'), {
      token: promoted.access,
      body: {
        name: 'Too Early Room',
        type: 'DESK',
        capacity: 1,
        hourlyRateCents: 100,
        currency: 'EUR',
        timezone: 'UTC',
      },
    });
    expect(asMember.status).toBe(403); // the old token still says MEMBER
    const renewed = await api('POST', url('auth-service', '/auth/refresh'), {
      body: { refreshToken: promoted.refresh },
    });
    expect(renewed.status).toBe(200);
    const created = await api('POST', url('workspace-service', '/workspaces'), {
      token: renewed.body.accessToken,
      body: {
        name: 'Promoted Room',
        type: 'MEETING_ROOM',
        capacity: 6,
        hourlyRateCents: 3000,
        currency: 'EUR',
        timezone: 'UTC',
      },
    });
    expect(created.status).toBe(201);

    // 3. the cancellation window: 24 h by default, so cancelling 10 h ahead would refund nothing;
    //    at 2 h the next cancellation refunds in full
    const booked = await api('POST', url('booking-service', '/bookings'), {
      token: booker.access,
      headers: { 'idempotency-key': randomUUID() },
      body: { workspaceId: workspace.body.id, ...slot(10) },
    });
    expect(booked.status).toBe(201);
    const current = await api('GET', url('admin-service', '/admin/settings'), { token: adminToken });
    expect(current.body).toMatchObject({ cancellationFullRefundHours: 24 });
    const patched = await api('PATCH', url('admin-service', '/admin/settings'), {
      token: adminToken,
      headers: { 'if-match': `"${current.body.version}"` },
      body: { cancellationFullRefundHours: 2 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: current.body.version + 1, cancellationFullRefundHours: 2 });
    await sleep(1000); // booking-service reads the settings every 300 ms here
    const cancelled = await api('POST', url('booking-service', `/bookings/${booked.body.id}/cancel`), {
      token: booker.access,
    });
    expect(cancelled.status).toBe(200);
    const payments = await api('GET', url('payment-service', `/payments?bookingId=${booked.body.id}`), {
      token: booker.access,
    });
    expect(payments.body.items).toEqual([
      expect.objectContaining({
        amountCents: booked.body.priceCents,
        refundedCents: booked.body.priceCents,
        status: 'REFUNDED',
      }),
    ]);

    // 4. every one of these actions, once, in the audit log
    const wanted = [
      ['user-service', 'user.status_changed', suspended.id],
      ['user-service', 'user.role_changed', promoted.id],
      ['workspace-service', 'workspace.created', created.body.id],
      ['admin-service', 'settings.updated', undefined],
    ] as const;
    const entries = await eventually(
      'the audit log to collect every action',
      async () => {
        const page = await api('GET', url('admin-service', '/admin/audit?limit=100'), { token: adminToken });
        expect(page.status).toBe(200);
        const items = page.body.items as any[];
        return wanted.every(([source, action]) => items.some((e) => e.source === source && e.action === action))
          ? items
          : undefined;
      },
      30_000,
    );
    await sleep(1000); // another collection round: nothing may arrive twice
    const again = (await api('GET', url('admin-service', '/admin/audit?limit=100'), { token: adminToken })).body
      .items as any[];
    for (const [source, action, target] of wanted) {
      const matching = again.filter(
        (e) => e.source === source && e.action === action && (!target || e.targetId === target),
      );
      expect([source, action, matching.length]).toEqual([source, action, 1]);
      const actor = source === 'workspace-service' ? promoted.id : adminId;
      expect([action, matching[0].actorId]).toEqual([action, actor]);
    }
    log(
      `audit log: ${again.length} entries (${entries.length} at first sight): ` +
        wanted.map(([source, action]) => `${source} ${action}`).join(', ') +
        ' each exactly once, with the right actor',
    );
  });
});
