import { currentRequestId } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { UpdateSettingsDto } from './dto/settings.dto.js';
import { MalformedIfMatchError, SettingsVersionMismatchError } from './settings.errors.js';
import { PlatformSettings, SettingsRepository, SettingsVersionRecord } from './settings.repository.js';

@Injectable()
export class SettingsService {
  constructor(private readonly settings: SettingsRepository) {}

  current(): Promise<SettingsVersionRecord> {
    return this.settings.current();
  }

  /**
   * Applies the given fields over the version in force. Values that already hold change nothing
   * and answer the current version, whatever If-Match says: nothing is overwritten, so no update
   * can be lost, and a retry of a change that went through answers the same. Otherwise If-Match,
   * when given, must name the version in force (optimistic concurrency between admins).
   */
  update(admin: UserPrincipal, patch: UpdateSettingsDto, ifMatch: string | undefined): Promise<SettingsVersionRecord> {
    const expectedVersion = parseIfMatch(ifMatch);
    return this.settings.change(
      (current) => {
        const values: PlatformSettings = {
          cancellationFullRefundHours: patch.cancellationFullRefundHours ?? current.values.cancellationFullRefundHours,
          bookingHoldMinutes: patch.bookingHoldMinutes ?? current.values.bookingHoldMinutes,
        };
        if (
          values.cancellationFullRefundHours === current.values.cancellationFullRefundHours &&
          values.bookingHoldMinutes === current.values.bookingHoldMinutes
        ) {
          return { kind: 'unchanged' };
        }
        if (expectedVersion !== undefined && expectedVersion !== current.version) {
          throw new SettingsVersionMismatchError(expectedVersion, current.version);
        }
        return { kind: 'changed', values };
      },
      { actorId: admin.userId, requestId: currentRequestId() ?? null },
    );
  }
}

/** `"3"`, `W/"3"` or `3` name version 3; `*` or no header: any version. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?(?:"([1-9][0-9]{0,8})"|([1-9][0-9]{0,8}))\s*$/.exec(header);
  if (!match) throw new MalformedIfMatchError();
  return Number(match[1] ?? match[2]);
}

/** The ETag of a settings version (what If-Match takes back). */
export const etagOf = (version: number) => `"${version}"`;
