import { ApiProperty } from '@nestjs/swagger';
import type { UserRecord, UserRole, UserStatus } from '../../clients/user.client.js';

export const USER_ROLES: UserRole[] = ['MEMBER', 'ADMIN'];
export const USER_STATUSES: UserStatus[] = ['ACTIVE', 'SUSPENDED'];

/** A user as user-service holds them. */
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'ada@example.com' })
  email: string;
  @ApiProperty({ example: 'Ada Lovelace' })
  fullName: string;
  @ApiProperty({ enum: USER_ROLES, enumName: 'UserRole' })
  role: UserRole;
  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus' })
  status: UserStatus;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  /** Only the fields of the contract, whatever else user-service may add. */
  static from(user: UserRecord): UserDto {
    return {
      id: user.id,
      email: user.email,
      fullName: user.fullName,
      role: user.role,
      status: user.status,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    };
  }
}

export class AdminUserDto extends UserDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 3,
    description: 'Bookings of any status (booking-service); null when booking-service could not be asked',
  })
  bookingCount: number | null;
}

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserDto] })
  items: AdminUserDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
  @ApiProperty({
    type: [String],
    example: [],
    description: 'Services that could not be asked for this page: ["booking-service"] when bookingCount is null',
  })
  missing: string[];
}

export class SuspensionDto {
  @ApiProperty({ type: UserDto, description: 'The user, now SUSPENDED' })
  user: UserDto;
  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Refresh-token sessions auth-service revoked by this request (0 on a retry: already revoked)',
  })
  revokedSessions: number;
}
