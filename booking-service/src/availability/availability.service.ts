import { instantRange, ValidationFailedError } from '@cowork/service-kit';
import { openIntervals, subtractIntervals } from '@cowork/workspace-rules';
import { Injectable } from '@nestjs/common';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { BookingsRepository } from '../bookings/bookings.repository.js';
import { AvailabilityDto, AvailabilityQuery } from './dto/availability.dto.js';

export const MAX_AVAILABILITY_DAYS = 31;

@Injectable()
export class AvailabilityService {
  constructor(
    private readonly workspaces: WorkspaceClient,
    private readonly bookings: BookingsRepository,
  ) {}

  /** Opening hours in the workspace's time zone, minus active bookings, within [from, to). */
  async freeIntervals(query: AvailabilityQuery): Promise<AvailabilityDto> {
    const { from, to } = instantRange(query.from, query.to, {
      maxDays: MAX_AVAILABILITY_DAYS,
      tooLong: () => ValidationFailedError.forField('to', `the window may span at most ${MAX_AVAILABILITY_DAYS} days`),
    });
    const [workspace, busy] = await Promise.all([
      this.workspaces.get(query.workspaceId),
      this.bookings.activeOverlapping(query.workspaceId, from, to),
    ]);
    const open = workspace.active ? openIntervals(workspace.openingHours, workspace.timezone, from, to) : [];
    const free = subtractIntervals(
      open,
      busy.map((b) => ({ start: b.startTime, end: b.endTime })),
    );
    return {
      workspaceId: workspace.id,
      timezone: workspace.timezone,
      from: from.toISOString(),
      to: to.toISOString(),
      free: free.map((i) => ({ startTime: i.start.toISOString(), endTime: i.end.toISOString() })),
    };
  }
}
